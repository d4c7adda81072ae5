"""Output folders: `--out` and `--overwrite` never delete what a run did not write.

Regression tests for the data-loss bug where `crystal-design design --out . --overwrite` emptied the
current folder (shutil.rmtree on the unresolved path), then failed and lost its own results too.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crystal_design.core import RUN_MARK

QUICK_DESIGN = ["design", "--episodes", "16", "--n-envs", "8", "--stability-top", "0", "--verify-top", "0", "--no-progress"]


def cd(*args, cwd):
    return subprocess.run([sys.executable, "-m", "crystal_design.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.fixture
def workdir(tmp_path):
    "A user's working folder with files of their own."
    (tmp_path / "thesis.tex").write_text("years of work")
    (tmp_path / "data").mkdir(); (tmp_path / "data" / "a.cif").write_text("data_x")
    return tmp_path


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [["rollout", "--episodes", "4", "--no-progress"], QUICK_DESIGN,
                                     ["csp", "--budget", "2", "--population", "2", "--no-progress"]])
@pytest.mark.parametrize("out", [".", "..", "~"])
def test_overwrite_refuses_cwd_parent_and_home(workdir, command, out):
    before = snapshot(workdir)
    r = cd(*command, "--out", out, "--overwrite", cwd=workdir)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert any(w in r.stderr for w in ("current directory", "home directory")), r.stderr
    assert snapshot(workdir) == before                       # nothing deleted, nothing written
    assert not [p for p in workdir.parent.iterdir() if p.name.startswith(f".{workdir.name}.")]


def test_overwrite_refuses_a_folder_that_no_run_wrote(workdir):
    r = cd("rollout", "--episodes", "4", "--no-progress", "--out", "data", "--overwrite", cwd=workdir)
    assert r.returncode == 2 and "not written by crystal-design" in r.stderr, r.stderr
    assert (workdir / "data" / "a.cif").read_text() == "data_x"


def test_overwrite_replaces_only_an_earlier_run(workdir):
    r1 = cd("rollout", "--episodes", "4", "--no-progress", "--out", "runs/r", cwd=workdir)
    assert r1.returncode == 0, r1.stderr
    mark = json.loads((workdir / "runs/r" / RUN_MARK).read_text())
    assert mark["command"] == "rollout" and "designs.csv" in mark["files"] and "config.json" in mark["files"]
    r2 = cd("rollout", "--episodes", "6", "--no-progress", "--out", "runs/r", cwd=workdir)
    assert r2.returncode == 2 and "pass --overwrite" in r2.stderr
    r3 = cd("rollout", "--episodes", "6", "--no-progress", "--out", "runs/r", "--overwrite", cwd=workdir)
    assert r3.returncode == 0, r3.stderr
    assert json.loads((workdir / "runs/r/config.json").read_text())["episodes"] == 6
    (workdir / "runs/r/notes.md").write_text("my notes on this run")     # the user adds a file: no longer replaceable
    r4 = cd("rollout", "--episodes", "4", "--no-progress", "--out", "runs/r", "--overwrite", cwd=workdir)
    assert r4.returncode == 2 and "notes.md" in r4.stderr, r4.stderr
    assert (workdir / "runs/r/notes.md").exists() and (workdir / "thesis.tex").exists()
    assert sorted(p.name for p in (workdir / "runs").iterdir()) == ["r"]     # no temporary folders left


def test_overwrite_help_text():
    r = cd("design", "--help", cwd=None)
    assert "--overwrite" in r.stdout and "run folder" in r.stdout
