"""`crystal-design csp` as a real process: a short Y2O3 search with the ionic (LAMMPS) engine writes its results; bad input
exits 2 with a message naming the problem."""
import json
import subprocess
import sys

import pytest

CMD = [sys.executable, "-m", "crystal_design.cli", "csp", "--no-progress"]


def run(args):
    return subprocess.run(CMD + args, capture_output=True, text=True, timeout=300)


def test_short_search_writes_results(tmp_path):
    out = tmp_path/"csp"
    p = run(["--budget", "12", "--max-atoms", "10", "--population", "4", "--policy", "ppo", "--baseline", "b2", "--out", str(out)])
    assert p.returncode == 0, p.stderr
    s = json.loads((out/"summary.json").read_text())
    assert s["evaluations"] <= 12 and s["composition"] == "Y2O3" and s["engine"] == "ionic"
    # a relaxed Y2O3 under the RLCSP potential lies between random starts (~ -27.2) and bixbyite (-27.535 eV/atom)
    assert -27.6 < s["best_energy_per_atom"] < -27.0
    assert (out/"best.cif").exists() and (out/"trace.csv").exists() and "best" in p.stdout


@pytest.mark.parametrize("args,msg", [
    (["--composition", "YO2"], "not charge-balanced"),
    (["--composition", "SrTiO3"], "no ionic potential parameters for"),
    (["--max-atoms", "4"], "below one formula unit"),
    (["--engine", "gulp"], "unknown CSP engine"),
    (["--policy", "dqn"], "unknown move policy"),
    (["--budget", "0"], "--budget must be"),
])
def test_bad_input_is_a_clear_error(tmp_path, args, msg):
    p = run(args + ["--out", str(tmp_path/"x")])
    assert p.returncode == 2 and msg in p.stderr, p.stderr
    assert not (tmp_path/"x").exists()
