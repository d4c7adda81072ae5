"""DFT engine processes die with their parent and leave no scratch behind, whatever kills the parent.

Regression for: killing `crystal-design evaluate` (SIGTERM or SIGKILL) left the GPAW worker running past
--timeout at 99 % CPU and its /tmp/cd-dft-* scratch folder behind.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crystal_design.data import prototype_structure


def gpaw_ok():
    from crystal_design.dft.gpaw import gpaw_available
    return gpaw_available()


def procs_in(folder: Path) -> list[str]:
    "Processes whose working directory lies in `folder` (the engine runs inside its scratch folder)."
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            stat = open(f"/proc/{pid}/stat").read().split()
        except OSError: continue
        if cwd.startswith(str(folder)) and stat[2] != "Z":
            found.append(f"{pid} {open(f'/proc/{pid}/cmdline').read().replace(chr(0), ' ')[:80]}")
    return found


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_evaluate_mid_scf_leaves_no_engine_and_no_scratch(tmp_path, sig):
    if not gpaw_ok(): pytest.skip("GPAW is not installed (bash install.sh installs it)")
    cif = tmp_path / "sto.cif"
    s = prototype_structure("perovskite", primitive=False); s.make_supercell([2, 1, 1]); s.to(filename=str(cif))
    scratch = tmp_path / "scratch"; scratch.mkdir()
    env = {**os.environ, "CRYSTAL_DESIGN_SCRATCH": str(scratch), "PYTHONWARNINGS": "ignore"}
    p = subprocess.Popen([sys.executable, "-m", "crystal_design.cli", "evaluate", str(cif), "--oracle", "gpaw",
                          "--store", str(tmp_path / "ev.sqlite"), "--timeout", "300", "--no-progress"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:                 # wait until GPAW is iterating its SCF
        logs = list(scratch.glob("cd-dft-*/gpaw.txt"))
        if logs and "iter:" in logs[0].read_text(errors="replace"): break
        assert p.poll() is None, p.communicate()
        time.sleep(0.2)
    else: pytest.fail("the SCF never started")
    assert procs_in(scratch), "no engine process found mid-SCF: the test would prove nothing"
    t0 = time.time(); p.send_signal(sig); p.wait(30)
    while (procs_in(scratch) or list(scratch.iterdir())) and time.time() - t0 < 5: time.sleep(0.1)
    assert not procs_in(scratch), f"engine processes left {time.time() - t0:.1f} s after the kill: {procs_in(scratch)}"
    assert not list(scratch.iterdir()), f"scratch left behind: {list(scratch.iterdir())}"
    assert p.returncode != 0
