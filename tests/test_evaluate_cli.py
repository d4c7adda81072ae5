"""`crystal-design evaluate` as a user runs it: real engines, the store answering repeats, and bad input."""
import json
import os
import subprocess
import sys

import pytest
from pymatgen.core import Structure

from crystal_design.data import prototype_structure


def run(*args, env=None):
    e = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    return subprocess.run([sys.executable, "-m", "crystal_design.cli", "evaluate", *args], capture_output=True,
                          text=True, timeout=600, env=e)


@pytest.fixture
def nacl_cif(tmp_path):
    p = tmp_path / "nacl.cif"; prototype_structure("rocksalt").to(filename=str(p)); return p


@pytest.mark.parametrize("engine", ["gpaw", "qe"])
def test_dft_engine_nacl_and_store_repeat(engine, nacl_cif, tmp_path):
    from crystal_design.dft.gpaw import gpaw_available
    from crystal_design.dft.espresso import qe_available
    if not {"gpaw": gpaw_available, "qe": qe_available}[engine]():
        pytest.skip(f"{engine} is not installed (bash install.sh installs it)")
    store = tmp_path / "s.sqlite"
    r1 = run(str(nacl_cif), "--oracle", engine, "--json", "--store", str(store))
    assert r1.returncode == 0, r1.stderr
    d1 = json.loads(r1.stdout.splitlines()[-1])
    assert d1["status"] == "ok" and 4.5 < d1["band_gap_ev"] < 5.6, d1         # PBE NaCl ~ 5 eV
    r2 = run(str(nacl_cif), "--oracle", engine, "--json", "--store", str(store))
    d2 = json.loads(r2.stdout.splitlines()[-1])
    assert d1["cached"] is False and d2["cached"] is True     # the second answer says it was not recomputed ...
    assert {k: v for k, v in d2.items() if k != "cached"} == {k: v for k, v in d1.items() if k != "cached"}   # ... same record


def test_gpaw_formation_energy(nacl_cif, tmp_path):
    from crystal_design.dft.gpaw import gpaw_available
    if not gpaw_available(): pytest.skip("gpaw is not installed (bash install.sh installs it)")
    env = {"CRYSTAL_DESIGN_CACHE": str(tmp_path / "cache")}           # the reference store lives in the cache
    r = run(str(nacl_cif), "--oracle", "gpaw", "--formation-energy", "--json", "--store", str(tmp_path / "s.sqlite"), env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout.splitlines()[-1])
    assert d["status"] == "ok" and -2.3 < d["formation_energy_per_atom_ev"] < -1.5, d   # PBE ~ -1.85, expt -2.13
    assert (tmp_path / "cache" / "dft_references.sqlite").exists()


def test_engine_not_installed_says_how_to_install(nacl_cif, tmp_path):
    r = run(str(nacl_cif), "--oracle", "qe", "--store", str(tmp_path / "s.sqlite"), env={"PATH": "/nonexistent"})
    assert r.returncode == 2 and "apt-get install -y quantum-espresso" in r.stderr


def test_overlapping_atoms(tmp_path):
    "A user's file with overlapping atoms is refused at the door (exit 2, nothing stored); a generated structure is a classified result."
    nacl = prototype_structure("rocksalt")
    bad = Structure(nacl.lattice, ["Na", "Cl"], [[0, 0, 0], [0.02, 0, 0]])
    p = tmp_path / "bad.cif"; bad.to(filename=str(p))
    r = run(str(p), "--oracle", "chgnet", "--json", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "overlapping atoms" in r.stderr and "A apart" in r.stderr, r.stderr
    assert not (tmp_path / "s.sqlite").exists()
    from crystal_design.oracles import DensityOracle
    ev = DensityOracle().evaluate_one(bad)
    assert ev.status == "overlapping_atoms" and "apart" in ev.message


def test_element_without_pseudopotential(tmp_path):
    from crystal_design.dft.espresso import qe_available
    if not qe_available(): pytest.skip("Quantum Espresso is not installed")
    nacl = prototype_structure("rocksalt")
    p = tmp_path / "nasc.cif"; Structure(nacl.lattice, ["Na", "Sc"], nacl.frac_coords).to(filename=str(p))
    r = run(str(p), "--oracle", "qe", "--json", "--store", str(tmp_path / "s.sqlite"))
    d = json.loads(r.stdout.splitlines()[-1])
    assert d["status"] == "missing_pseudopotential" and "Sc" in d["message"]


@pytest.mark.parametrize("args,message", [
    ([], "no structure files given"),
    (["--oracle", "magic"], "unknown oracle 'magic'"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the dask scheduler"),
    (["--workers", "0"], "--workers must be >= 1"),
    (["--formation-energy"], "--formation-energy needs elemental reference energies"),
])
def test_bad_input(nacl_cif, tmp_path, args, message):
    files = [] if args == [] else [str(nacl_cif)]
    r = run(*files, *args, "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
