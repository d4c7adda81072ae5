"""List what the test run skips for want of data: every notebook cell guarded by `have_data(...)`, with the
reason `missing_data` gives on this machine (the same function the notebooks call), and the pytest fixture.
Prints nothing but a header when every dataset is available."""
import ast
import json
import sys
from pathlib import Path

from crystal_design.core import DATA_ENV, data_dir
from crystal_design.data import missing_data

ROOT = Path(__file__).resolve().parents[1]
rows = []
for nb in sorted((ROOT / "nbs").rglob("*.ipynb")):
    for cell in json.loads(nb.read_text())["cells"]:
        if cell["cell_type"] != "code" or "have_data(" not in "".join(cell["source"]): continue
        tree = ast.parse("".join(cell["source"]))     # the guards: `if have_data(...)` or `HAVE_DATA = have_data(...)`
        guards = [n.test for n in ast.walk(tree) if isinstance(n, ast.If)] + \
                 [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "HAVE_DATA"]
        for node in guards:
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "have_data":
                files = [a.value for a in node.args if isinstance(a, ast.Constant)]
                why = missing_data(*files)
                if why: rows.append((str(nb.relative_to(ROOT)), ", ".join(files), why))
try: local = data_dir()
except Exception as e: local = f"invalid ({e})"
print(f"data: {DATA_ENV}={local or '<unset>'}; {len(rows)} data-guarded notebook cell(s) will skip"
      + (":" if rows else "."))
for nb, files, why in rows: print(f"  SKIPPED {nb}: needs {files} ({why})")
if rows: print("  pytest: tests using the `data_dir` fixture skip too (listed in pytest's 'SKIPPED' summary)")
sys.exit(0)
