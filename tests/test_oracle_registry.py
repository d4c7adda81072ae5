"""Any ASE calculator is an oracle, and one registry names them all: `crystal-design evaluate/design --oracle
ase:MODULE:FACTORY` as a user runs it (EMT, CHGNet's own calculator), bad `ase:` names (exit 2, one line), and a toy
oracle registered once (`toy_oracle.py`) used from the CLI, `design` and `CrystalDesign-v0`."""
import contextlib
import io
import json
import math
import os
import subprocess
import sys

import pytest
from pymatgen.core import Lattice, Structure

from crystal_design.data import prototype_structure

EMT = "ase:ase.calculators.emt:EMT"


def cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "crystal_design.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.fixture
def cu_cif(tmp_path):
    "fcc Cu at a = 3.70 A (EMT's minimum is near 3.59 A, so a relaxation lowers the energy)."
    p = tmp_path / "cu.cif"
    fcc = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
    Structure(Lattice.cubic(3.70), ["Cu"] * 4, fcc).to(filename=str(p))
    return p


def test_evaluate_emt_energy_relaxation_and_store(cu_cif, tmp_path):
    store = str(tmp_path / "s.sqlite")
    r = cli("evaluate", "--oracle", EMT, str(cu_cif), "--json", "--store", store)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout.splitlines()[-1])
    assert d["status"] == "ok" and d["oracle"] == "ase:EMT" and math.isfinite(d["energy_per_atom_ev"]), d
    assert d["versions"]["ase"] and d["cached"] is False
    r2 = cli("evaluate", "--oracle", EMT, str(cu_cif), "--json", "--relax", "--store", store)
    assert r2.returncode == 0, r2.stderr
    d2 = json.loads(r2.stdout.splitlines()[-1])
    assert d2["status"] == "ok" and d2["energy_per_atom_ev"] < d["energy_per_atom_ev"] - 0.005, (d, d2)
    assert d2["settings_hash"] != d["settings_hash"]             # relaxed and unrelaxed are different store keys
    r3 = cli("evaluate", "--oracle", EMT, str(cu_cif), "--json", "--store", store)
    assert json.loads(r3.stdout.splitlines()[-1])["cached"] is True


def test_evaluate_chgnet_calculator_on_nacl(tmp_path):
    p = tmp_path / "nacl.cif"
    prototype_structure("rocksalt").to(filename=str(p))
    r = cli("evaluate", "--oracle", "ase:chgnet.model.dynamics:CHGNetCalculator", str(p), "--json",
            "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout.splitlines()[-1])
    assert d["status"] == "ok" and d["oracle"] == "ase:CHGNetCalculator" and -4.0 < d["energy_per_atom_ev"] < -3.3, d


@pytest.mark.parametrize("command", ["evaluate", "design"])
@pytest.mark.parametrize("spec, expected", [("ase:nonexistent.mod:X", "cannot import 'nonexistent.mod'"),
                                            ("ase:ase.calculators.emt:Nope", "it has no 'Nope'"),
                                            ("ase:badformat", "must be named MODULE:ATTRIBUTE")])
def test_bad_ase_spec_exits_2_with_one_line(command, spec, expected, cu_cif, tmp_path):
    args = [str(cu_cif), "--store", str(tmp_path / "s.sqlite")] if command == "evaluate" else \
        ["--target", "bulk_modulus=140", "--out", str(tmp_path / "run"), "--no-progress"]
    r = cli(command, "--oracle", spec, *args)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("crystal-design: error: "), r.stderr
    assert expected in lines[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "s.sqlite").exists() and not (tmp_path / "run").exists()


def test_design_with_emt_bulk_modulus(tmp_path):
    out = tmp_path / "run"
    r = cli("design", "--oracle", EMT, "--target", "bulk_modulus=140", "--skeleton", "rocksalt", "--vocab", "perov5",
            "--allowed", "Cu Pt", "--episodes", "16", "--n-envs", "8", "--arch", "gcn", "--stability-top", "0",
            "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["oracle_name"] == "ase:EMT" and cfg["summary"]["oracle_calls"] > 0
    import pandas as pd
    df = pd.read_csv(out / "designs.csv")
    assert df.bulk_modulus_GPa.notna().all() and df.bulk_modulus_GPa.between(10, 500).all(), df


def test_design_refuses_band_gap_from_an_ase_calculator(tmp_path):
    r = cli("design", "--oracle", EMT, "--target", "band_gap=1.0", "--out", str(tmp_path / "run"), "--no-progress")
    assert r.returncode == 2 and "does not offer band_gap" in r.stderr and not (tmp_path / "run").exists()


def test_toy_oracle_registered_once_used_everywhere(tmp_path):
    import toy_oracle  # noqa: F401  (the one registration)
    import gymnasium as gym
    import crystal_design  # noqa: F401  (registers CrystalDesign-v0)
    from crystal_design.cli import main
    nacl = tmp_path / "nacl.cif"
    prototype_structure("rocksalt").to(filename=str(nacl))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["evaluate", str(nacl), "--oracle", "toy-gap", "--json", "--store", str(tmp_path / "s.db")]) == 0
    d = json.loads(buf.getvalue())
    assert d["oracle"] == "toy-gap" and abs(d["band_gap_ev"] - 1.4) < 1e-9, d          # (11 + 17) / 2 / 10
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["design", "--oracle", "toy-gap", "--target", "band_gap=1.5", "--skeleton", "rocksalt",
                     "--episodes", "16", "--n-envs", "8", "--arch", "gcn", "--verify-top", "0", "--stability-top", "0",
                     "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    cfg = json.loads((tmp_path / "run" / "config.json").read_text())
    assert cfg["oracle_name"] == "toy-gap" and cfg["summary"]["oracle_calls"] > 0
    env = gym.make("CrystalDesign-v0", task="band_gap=1.5", oracle="toy-gap", skeleton="rocksalt")
    obs, _ = env.reset(seed=0)
    for _ in range(2):
        obs, reward, term, _, info = env.step(int(obs["action_mask"].nonzero()[0][0]))
    assert term and math.isfinite(info["band_gap"]) and 0 < reward <= 1
