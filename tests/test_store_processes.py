"""The evaluation store under real process faults: kill -9 mid-batch, resume, concurrent writers."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crystal_design.store import EvaluationStore

HERE = Path(__file__).parent


def _oracle_name():
    from crystal_design.dft.gpaw import gpaw_available
    return "gpaw" if gpaw_available() else "chgnet"


def _start(store, oracle, n, scratch):
    env = {**os.environ, "CRYSTAL_DESIGN_SCRATCH": str(scratch), "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, str(HERE / "store_worker.py"), str(store), oracle, str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_kill9_loses_no_finished_evaluation_and_resumes(tmp_path):
    store, oracle, n = tmp_path / "ev.sqlite", _oracle_name(), 6
    p = _start(store, oracle, n, tmp_path)
    stored = []
    deadline = time.time() + 240
    while len(stored) < 2 and time.time() < deadline:          # wait for two real results, then kill -9
        line = p.stdout.readline()
        if not line: break
        if line.startswith("stored"): stored.append(line.split()[1])
    assert len(stored) >= 2, p.stderr.read()
    p.send_signal(signal.SIGKILL); p.wait()
    rows = {r["fingerprint"] for r in EvaluationStore(store).rows()}
    assert set(stored) <= rows, "an evaluation reported as stored was lost"
    assert len(rows) < n, "the batch finished before the kill: the test proved nothing"

    p2 = _start(store, oracle, n, tmp_path)                    # resume: only the missing ones run
    out, err = p2.communicate(timeout=300)
    assert p2.returncode == 0, err
    computed = int(out.strip().splitlines()[-1].split()[1])
    assert computed == n - len(rows)
    final = EvaluationStore(store).rows()
    assert len(final) == n and all(r["status"] == "ok" for r in final)


def test_concurrent_writers(tmp_path):
    store = tmp_path / "ev.sqlite"
    ps = [_start(store, "density", 8, tmp_path) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in ps]
    assert all(p.returncode == 0 for p in ps), [o[1][-500:] for o in outs]
    assert len(EvaluationStore(store)) == 8


def test_local_process_pool_two_workers(tmp_path):
    from crystal_design.store import LocalExecutor
    sys.path.insert(0, str(HERE))
    from store_worker import batch
    from crystal_design.oracles import CHGNetOracle
    evs = EvaluationStore(tmp_path / "ev.sqlite").evaluate(batch(4), CHGNetOracle(), executor=LocalExecutor(2))
    assert [e.status for e in evs] == ["ok"] * 4 and all(e.energy_per_atom_ev < 0 for e in evs)


def test_unwritable_store_path():
    from crystal_design.core import CrystalDesignError
    with pytest.raises(CrystalDesignError, match="cannot create the store folder"):
        EvaluationStore("/dev/null/ev.sqlite")


def test_two_processes_on_one_store_compute_each_structure_once(tmp_path):
    "Two evaluate runs started together on one store share the batch through claims: nothing is computed twice."
    store, oracle, n = tmp_path / "ev.sqlite", _oracle_name(), 6
    ps = [_start(store, oracle, n, tmp_path) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in ps]
    assert all(p.returncode == 0 for p in ps), [o[1][-800:] for o in outs]
    computed = [[l.split()[1] for l in o[0].splitlines() if l.startswith("stored")] for o in outs]
    both = computed[0] + computed[1]
    assert len(both) == len(set(both)) == n, f"computed twice or missing: {computed}"
    assert min(map(len, computed)) >= 1, f"one process did all the work: {computed}"
    assert len(EvaluationStore(store)) == n
    claims = EvaluationStore(store)._connect().execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    assert claims == 0, "claims left behind"
    print(f"{oracle}: process 1 computed {len(computed[0])}, process 2 computed {len(computed[1])}")
