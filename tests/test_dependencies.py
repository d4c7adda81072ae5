"""Every install step is in our files: every third-party import is declared in settings.ini, every
exported module imports in the installed environment, and pip sees no broken requirement.

(A missing declaration once passed CI because the package had been installed by hand on the CI machine.)
"""
import ast
import importlib
import importlib.metadata as md
import json
import pkgutil
import re
import shlex
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest

import crystal_design

ROOT = Path(__file__).resolve().parents[1]


def declared() -> dict[str, set[str]]:
    "Normalised distribution names per group (core, dev, dft, cluster) from settings.ini."
    cfg = ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini", encoding="utf-8")
    name = lambda req: re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-")
    return {g: {name(r) for r in shlex.split(cfg["DEFAULT"].get(k, ""))}
            for g, k in [("core", "requirements"), ("dev", "dev_requirements"), ("dft", "dft_requirements"),
                                    ("csp", "csp_requirements"), ("cluster", "cluster_requirements")]}


def third_party_imports() -> dict[str, set[str]]:
    "Top-level modules imported by the library, notebooks, tests, benchmarks and scripts -> files importing them."
    found: dict[str, set[str]] = {}
    def scan(code: str, where: str):
        code = "\n".join(l for l in code.splitlines() if not l.lstrip().startswith(("%", "!")))
        for n in ast.walk(ast.parse(code)):
            mods = [a.name for a in n.names] if isinstance(n, ast.Import) else \
                   [n.module] if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module else []
            for m in mods: found.setdefault(m.split(".")[0], set()).add(where)
    for folder in ("crystal_design", "tests", "benchmarks", "scripts"):
        for p in (ROOT / folder).rglob("*.py"): scan(p.read_text(), str(p.relative_to(ROOT)))
    for p in (ROOT / "nbs").rglob("*.ipynb"):
        for c in json.loads(p.read_text())["cells"]:
            if c["cell_type"] == "code": scan("".join(c["source"]), str(p.relative_to(ROOT)))
    local = {p.stem for p in (ROOT / "tests").glob("*.py")} | {"crystal_design", "__future__"}
    return {m: w for m, w in found.items() if m not in sys.stdlib_module_names and m not in local}


def test_every_third_party_import_is_declared():
    groups = declared(); allowed = set().union(*groups.values())
    dists = md.packages_distributions()
    undeclared = {}
    for mod, where in sorted(third_party_imports().items()):
        names = {d.lower().replace("_", "-") for d in dists.get(mod, [mod])}
        if not names & allowed: undeclared[mod] = (sorted(names), sorted(where)[:3])
    assert not undeclared, f"imported but not declared in settings.ini (module: distributions, files): {undeclared}"


def test_library_imports_need_only_core_or_their_extra():
    "Library modules import only core requirements at top level, except the DFT modules (dft extra)."
    groups = declared(); dists = md.packages_distributions()
    for p in (ROOT / "crystal_design").rglob("*.py"):
        tree = ast.parse(p.read_text())
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        for n in top:
            mods = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module] if n.level == 0 and n.module else []
            for m in mods:
                m = m.split(".")[0]
                if m in sys.stdlib_module_names or m in ("crystal_design", "__future__"): continue
                names = {d.lower().replace("_", "-") for d in dists.get(m, [m])}
                ok = groups["core"] | (groups["dft"] if "dft" in p.parts else set())
                assert names & ok, f"{p.relative_to(ROOT)} imports {m} at module level but it is not a core requirement"


def test_every_exported_module_imports():
    failed = {}
    for info in pkgutil.walk_packages(crystal_design.__path__, "crystal_design."):
        try: importlib.import_module(info.name)
        except Exception as e: failed[info.name] = f"{type(e).__name__}: {e}"
    assert not failed, failed


def test_pip_check():
    r = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("extra", ["dev", "dft", "csp"])   # cluster: optional, not installed by install.sh
def test_installed_distribution_declares_the_extras(extra):
    "The installed metadata is the one settings.ini describes (catches a stale editable install)."
    req = md.requires("crystal_design") or []
    in_extra = {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in req if f'extra == "{extra}"' in r}
    assert declared()[extra] <= in_extra, f"reinstall: pip install -e .[dev,dft,csp] ({declared()[extra] - in_extra} missing)"
