"""Fault injection for the data layer: corrupt files, failed downloads, missing folders."""
import hashlib
import shutil

import pytest

from crystal_design import data
from crystal_design.core import ChecksumError, DataError, SkeletonError


def _register(monkeypatch, url, sha):
    entry = data.DataFile("perov_5/val.csv", url, sha)
    monkeypatch.setitem(data.REGISTRY, "perov_5/val.csv", entry)


def test_download_checksum_mismatch_leaves_nothing(tmp_path, isolated_cache, monkeypatch):
    src = tmp_path / "upstream.csv"; src.write_text(",material_id,cif\n0,1,x\n")
    _register(monkeypatch, src.as_uri(), "0" * 64)
    with pytest.raises(ChecksumError, match="expected 0000"):
        data.fetch("perov_5/val.csv")
    leftovers = list(isolated_cache.rglob("*")) if isolated_cache.exists() else []
    assert [p for p in leftovers if p.is_file()] == [], leftovers


def test_download_good_checksum_then_cached(tmp_path, isolated_cache, monkeypatch):
    src = tmp_path / "upstream.csv"; src.write_bytes(b"payload\n")
    _register(monkeypatch, src.as_uri(), hashlib.sha256(b"payload\n").hexdigest())
    p = data.fetch("perov_5/val.csv")
    assert p.read_bytes() == b"payload\n" and p.parent.parent == isolated_cache
    src.unlink()                                   # second call must come from the cache, not the URL
    assert data.fetch("perov_5/val.csv") == p


def test_unpinned_download_records_checksum_and_detects_later_corruption(tmp_path, isolated_cache, monkeypatch):
    src = tmp_path / "upstream.csv"; src.write_bytes(b"v1\n")
    _register(monkeypatch, src.as_uri(), None)
    with pytest.warns(UserWarning, match="trust on first use"):
        p = data.fetch("perov_5/val.csv")
    p.write_bytes(b"tampered\n")
    with pytest.raises(ChecksumError):
        data.fetch("perov_5/val.csv")


def test_failed_download_says_how_to_get_the_data(isolated_cache, monkeypatch):
    _register(monkeypatch, "file:///nonexistent/perov_5/val.csv", None)
    with pytest.raises(DataError, match="Set CRYSTAL_DESIGN_DATA to a folder holding perov_5/val.csv"):
        data.fetch("perov_5/val.csv")


def test_private_file_without_local_copy(isolated_cache):
    with pytest.raises(DataError, match="not publicly downloadable"):
        data.load_mp20_qe()


def test_missing_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("CRYSTAL_DESIGN_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="is not a directory"):
        data.fetch("perov_5/val.csv")


def test_corrupt_local_file_is_rejected(data_dir, tmp_path, monkeypatch):
    local = tmp_path / "data"; (local / "perov_5").mkdir(parents=True)
    shutil.copy(data_dir / "perov_5" / "val.csv", local / "perov_5" / "val.csv")
    with open(local / "perov_5" / "val.csv", "ab") as f: f.write(b"\n")
    monkeypatch.setenv("CRYSTAL_DESIGN_DATA", str(local))
    with pytest.raises(ChecksumError, match="corrupt"):
        data.load_perov5("val")


def test_table_with_wrong_columns(tmp_path, isolated_cache, monkeypatch):
    src = tmp_path / "upstream.csv"; src.write_text(",a,b\n0,1,2\n")
    _register(monkeypatch, src.as_uri(), hashlib.sha256(src.read_bytes()).hexdigest())
    with pytest.raises(DataError, match="lacks the perov_5 columns"):
        data.load_perov5("val")


def test_real_perov5_split_is_deterministic(data_dir):
    a, b = data.perov5_splits(seed=3), data.perov5_splits(seed=3)
    assert (a["test"].material_id.values == b["test"].material_id.values).all()
    assert sum(len(v) for v in a.values()) == 7572
    assert not set(a["train"].material_id) & set(a["test"].material_id)


def test_malformed_cif_file(tmp_path):
    p = tmp_path / "bad.cif"; p.write_text("data_x\n_cell_length_a 4.0\n_cell_length_b oops\nloop_\n _atom_site_label\n")
    with pytest.raises(SkeletonError, match="malformed CIF"):
        data.read_structure(p)


def test_git_blob_pin_accepts_the_upstream_bytes_and_rejects_others(tmp_path, isolated_cache, monkeypatch):
    src = tmp_path / "upstream.csv"; src.write_bytes(b"payload\n")
    blob = hashlib.sha1(b"blob 8\0payload\n").hexdigest()          # what `git hash-object` prints for these bytes
    assert data.git_blob_sha1(src) == blob
    monkeypatch.setitem(data.REGISTRY, "perov_5/val.csv", data.DataFile("perov_5/val.csv", src.as_uri(), None, git_blob=blob))
    p = data.fetch("perov_5/val.csv")                                 # pinned: no trust-on-first-use warning
    assert p.read_bytes() == b"payload\n" and (p.parent / "val.csv.sha256").exists()
    p.write_bytes(b"tampered\n")
    with pytest.raises(ChecksumError, match="git blob id|SHA-256"):
        data.fetch("perov_5/val.csv")
    p.unlink(); (p.parent / "val.csv.sha256").unlink()
    src.write_bytes(b"another version\n")
    with pytest.raises(ChecksumError, match="git blob id"):
        data.fetch("perov_5/val.csv")
    assert not p.exists()


def test_every_downloadable_file_is_pinned_and_the_held_ones_match(data_dir):
    for entry in data.REGISTRY.values():
        assert entry.url is None or entry.git_blob or entry.sha256, entry.relpath
        assert entry.url is None or data.CDVAE_COMMIT in entry.url, entry.url      # a commit, not a moving branch
        local = data_dir / entry.relpath
        if local.exists() and entry.git_blob: assert data.git_blob_sha1(local) == entry.git_blob, entry.relpath


def test_mp20_skeleton_falls_back_to_the_public_train_csv(data_dir, tmp_path, isolated_cache, monkeypatch):
    import pandas as pd
    from crystal_design.graphs import load_skeleton
    qe = pd.read_csv(data_dir / "mp_20" / "train_qe.csv.gz").head(5)
    upstream = tmp_path / "train.csv"                  # CDVAE's columns, same rows as the QE file
    pd.DataFrame({"material_id": [f"mp-{i}" for i in range(5)], "formation_energy_per_atom": 0.0, "band_gap": 0.0,
                  "pretty_formula": qe.formula, "e_above_hull": 0.0, "elements": qe.elements, "cif": qe.cif,
                  "spacegroup.number": 1}).to_csv(upstream)
    monkeypatch.setitem(data.REGISTRY, "mp_20/train.csv", data.DataFile("mp_20/train.csv", upstream.as_uri(),
                                                                        data.sha256_file(upstream), 5))
    data.mp20_crystals.cache_clear()
    try:
        sk = load_skeleton("mp20:2")                    # no QE file here: the public file serves the skeleton
        assert sk.name == f"mp20-2-{qe.formula[2]}" and sk.n_sites > 0
        with pytest.raises(SkeletonError, match="outside 0..4"):
            load_skeleton("mp20:7")
    finally:
        data.mp20_crystals.cache_clear()
