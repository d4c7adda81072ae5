import os
from pathlib import Path

import pytest

DATA = os.environ.get("CRYSTAL_DESIGN_DATA")


@pytest.fixture
def data_dir():
    "The local dataset folder; skips the test with a clear reason when it is not configured."
    from crystal_design.data import missing_data
    files = ("perov_5/val.csv", "perov_5/test.csv", "mp_20/train_qe.csv.gz")
    if not DATA: pytest.skip("needs the datasets in a local folder: set CRYSTAL_DESIGN_DATA (CI uses ../shared/data)")
    why = missing_data(*files)
    if why: pytest.skip(f"needs {', '.join(files)}: {why}")
    return Path(DATA)


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    "Empty download cache and no local data folder."
    monkeypatch.setenv("CRYSTAL_DESIGN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CRYSTAL_DESIGN_DATA", raising=False)
    return tmp_path / "cache"
