"""The `crystal-design` console script as a user runs it: a real process, real files."""
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from crystal_design.data import prototype_structure


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "crystal_design.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def test_console_script_is_installed():
    r = subprocess.run(["crystal-design", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "crystal_design" in r.stdout


def test_rollout_default_job(tmp_path):
    r = run("rollout", "--episodes", "40", "--out", str(tmp_path / "run"), "--no-progress")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "run" / "designs.csv")
    assert len(df) == 40 and set(df.columns) >= {"formula", "smact_valid", "density_g_cm3"}
    assert df.n_distinct.max() <= 5
    cfg = json.loads((tmp_path / "run" / "config.json").read_text())
    assert cfg["skeleton_name"] == "Rb3ScF6" and cfg["n_sites"] == 10 and cfg["spacegroup"] == 225
    cifs = list((tmp_path / "run" / "cifs").glob("*.cif"))
    assert len(cifs) == df.distinct_design.sum() > 0
    # every CIF is a real 10-site crystal on the skeleton
    from crystal_design.data import read_structure
    s = read_structure(cifs[0]); assert len(s) == 10


def test_rollout_on_a_cif_skeleton_with_allowed_subset(tmp_path):
    cif = tmp_path / "nacl.cif"; prototype_structure("rocksalt").to(filename=str(cif))
    r = run("rollout", "--skeleton", str(cif), "--allowed", "Na K Cl Br", "--episodes", "12",
            "--out", str(tmp_path / "r"), "--no-progress")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "r" / "designs.csv")
    assert all(set(s.split()) <= {"Na", "K", "Cl", "Br"} for s in df.sites)


@pytest.mark.parametrize("args,message", [
    (["--skeleton", "Unobtainium"], "unknown skeleton 'Unobtainium'"),
    (["--allowed", "Na Sc"], "'Sc' is not in the paper001 vocabulary"),
    (["--allowed", "Na Xq"], "'Xq' is not an element symbol"),
    (["--episodes", "-1"], "--episodes must be a positive integer"),
    (["--out", "/dev/null/run"], "cannot create the output folder's parent"),
    (["--skeleton", "missing.cif"], "does not exist"),
])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, args, message):
    a = ["rollout", "--no-progress", *args]
    if "--out" not in args: a += ["--out", str(tmp_path / "out")]
    r = run(*a, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_malformed_cif_skeleton(tmp_path):
    bad = tmp_path / "bad.cif"; bad.write_text("data_bad\n_cell_length_a 5\nthis is not a cif\n")
    r = run("rollout", "--skeleton", str(bad), "--out", str(tmp_path / "o"), "--no-progress")
    assert r.returncode == 2 and "malformed CIF" in r.stderr


def test_existing_output_is_not_clobbered(tmp_path):
    out = tmp_path / "keep"; out.mkdir(); (out / "precious.txt").write_text("x")
    r = run("rollout", "--episodes", "3", "--out", str(out), "--no-progress")
    assert r.returncode == 2 and "not empty" in r.stderr
    assert (out / "precious.txt").read_text() == "x"


def test_mp20_row_skeleton(data_dir, tmp_path):
    r = run("rollout", "--skeleton", "mp20:0", "--vocab", "mp20", "--episodes", "5", "--out", str(tmp_path / "m"), "--no-progress")
    assert r.returncode == 0, r.stderr
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert cfg["n_sites"] == 12


def test_json_output_is_pure_json_even_with_chgnet(tmp_path):
    "CHGNet prints a start-up banner on stdout; `--json` output must still parse line by line, messages go to stderr."
    cif = tmp_path / "nacl.cif"; prototype_structure("rocksalt").to(filename=str(cif))
    r = run("evaluate", str(cif), "--oracle", "chgnet", "--json", "--store", str(tmp_path / "s.sqlite"))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["status"] == "ok" and rows[0]["energy_per_atom_ev"] < 0
    r = run("rollout", "--episodes", "8", "--out", str(tmp_path / "run"), "--json", "-q")
    assert r.returncode == 0 and json.loads(r.stdout)["episodes"] == 8 and r.stderr.strip() == "", r.stderr


def test_quiet_and_verbose_set_the_library_log_level(tmp_path):
    r = run("design", "--target", "density=4", "--oracle", "density", "--arch", "gcn", "--episodes", "32",
            "--n-envs", "16", "--stability-top", "0", "--out", str(tmp_path / "d1"), "--no-progress")
    assert r.returncode == 0 and "crystal-design: training dqn (gcn) on Rb3ScF6 for 32 episodes" in r.stderr, r.stderr
    r = run("design", "--config", str(tmp_path / "d1" / "config.json"), "--out", str(tmp_path / "d2"), "-q")
    assert r.returncode == 0 and "training" not in r.stderr and "32 episodes" in r.stdout, r.stderr
