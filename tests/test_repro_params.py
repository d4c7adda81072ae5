"""Every reproduction notebook's parameters cell is one papermill can read: `papermill --help-notebook` lists each
parameter and `-p`/`-f` never warn "Passed unknown parameter" for a real one. Papermill skips a line with more than one
'=', so help comments must not use '=' (a value that needs one, e.g. a task spec 'band_gap=1.12', is the exception)."""
import ast
import json
from pathlib import Path

import pytest
from papermill.translators import PythonTranslator

REPRO = Path(__file__).resolve().parents[1]/"nbs"/"repro"
NOTEBOOKS = sorted(REPRO.glob("*.ipynb"))

def _parameters_cell(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged 'parameters' (papermill needs exactly one)"
    return cells[0]

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_papermill_sees_every_parameter(path):
    cell = _parameters_cell(path)
    src = "".join(cell["source"])
    assigned = {t.id: ast.get_source_segment(src, n.value) for n in ast.parse(src).body if isinstance(n, ast.Assign)
                for t in n.targets}
    seen = {p.name for p in PythonTranslator.inspect(dict(cell, source=src))}
    missing = {k for k, v in assigned.items() if k not in seen and "=" not in v}
    assert not missing, f"{path.name}: papermill cannot read {sorted(missing)} (an '=' in the help comment?)"
