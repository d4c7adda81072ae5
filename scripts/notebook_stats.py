"""Measure how well the module notebooks teach, for issue 17 ("Notebooks that teach").

Usage (from the repository root): python scripts/notebook_stats.py [--json]

Reads the module notebooks (nbs/[0-9]*.ipynb; not nbs/repro/, not index) and the exported package
(crystal_design/**/*.py, without _modidx.py) and reports, per notebook and in total:
  * export-cell length: non-blank code lines per `#| export` / `#| exports` / `#| exporti` cell, directive lines
    excluded (median, mean, max);
  * example/test lines per exported line: non-blank lines of the other code cells (cells with `#| default_exp` and
    `#| hide` cells holding only imports left out) divided by the exported non-blank lines;
  * figures: committed outputs carrying image/png or image/svg+xml;
  * public functions, classes and methods of public classes in the package, how many have docments (a parameter
    with a trailing `# comment` on its line inside the signature, fastcore's convention; for a class: its
    `__init__` or a commented annotated field) and how many have a docstring;
  * ruff findings with the rules of the issue (`ruff check --select E501,E701,E702,E703,F401 --line-length 120
    crystal_design`), by rule code; the gate (ruff.toml) is all of them but E701 (`if x: return y`, the nbdev and
    fastcore one-line style), which is reported on its own line without a goal, and E501 on nbdev's generated
    `__all__` block (scripts/line_length.py);
  * import cycles among crystal_design modules (module- and function-level imports, absolute and relative),
    as strongly connected components of size > 1, and the modules that import crystal_design.cli.
Prints markdown tables with the issue's goals beside the totals; with --json the last line of stdout is one JSON
object holding every figure.
"""
import argparse
import ast
import io
import json
import re
import statistics
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = "crystal_design"
RUFF_RULES = "E501,E701,E702,E703,F401"
EXPORT_DIRECTIVES = {"export", "exports", "exporti"}
DIRECTIVE_RE = re.compile(r"^\s*#\s*\|\s*([\w-]+)")
GOALS = {"median_export_cell_lines": "<= 15", "import_cycles": "0", "ruff_findings": "0"}


# ----------------------------------------------------------------------------------------------- notebooks
def cell_source(cell):
    """The source of a notebook cell as one string."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def directives(src):
    """Names of the nbdev directives (`#| name ...`) in a cell's source, with their arguments."""
    found = {}
    for line in src.splitlines():
        m = DIRECTIVE_RE.match(line)
        if m:
            found[m.group(1)] = line.split(m.group(1), 1)[1].strip()
    return found


def code_lines(src):
    """Non-blank lines of a cell that are not nbdev directive lines."""
    return [ln for ln in src.splitlines() if ln.strip() and not DIRECTIVE_RE.match(ln)]


def only_imports(lines):
    """True when every statement of the given lines is an import (unparsable code counts as not only imports)."""
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return False
    return all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


def count_figures(cell):
    """Outputs of a code cell carrying an image/png or image/svg+xml rendering."""
    return sum(1 for out in cell.get("outputs", [])
               if {"image/png", "image/svg+xml"} & set(out.get("data", {})))


def notebook_stats(path):
    """Export-cell lengths, example lines, exported lines, figures and default_exp module of one notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    export_cells, example_lines, figures, module = [], 0, 0, None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        figures += count_figures(cell)
        src = cell_source(cell)
        dirs = directives(src)
        lines = code_lines(src)
        if "default_exp" in dirs:
            module = dirs["default_exp"].split()[0] if dirs["default_exp"] else None
            continue
        if EXPORT_DIRECTIVES & set(dirs):
            export_cells.append(len(lines))
        elif "hide" in dirs and only_imports(lines):
            continue
        else:
            example_lines += len(lines)
    return {"notebook": path.name, "module": module, "export_cells": export_cells,
            "exported_lines": sum(export_cells), "example_lines": example_lines, "figures": figures}


def summarise_cells(cells):
    """Count, median, mean and max of a list of export-cell lengths."""
    if not cells:
        return {"n_export_cells": 0, "median_export_cell": None, "mean_export_cell": None, "max_export_cell": None}
    return {"n_export_cells": len(cells), "median_export_cell": float(statistics.median(cells)),
            "mean_export_cell": round(statistics.mean(cells), 1), "max_export_cell": max(cells)}


def ratio(num, den):
    """num / den rounded to 3 places, or None when den is 0."""
    return round(num / den, 3) if den else None


# ----------------------------------------------------------------------------------------------- package API
def module_name(path):
    """Dotted module name of a file under the repository root (package __init__ -> the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_files():
    """The exported package's .py files, _modidx.py left out."""
    return sorted(p for p in (ROOT / PKG).rglob("*.py") if p.name != "_modidx.py")


def signature_comment_lines(tokens, node):
    """Lines holding a comment between a def's `def` keyword and the `:` closing its signature."""
    start = (node.lineno, node.col_offset)
    i = next((k for k, t in enumerate(tokens) if t.start >= start and t.string == "def"), None)
    if i is None:
        return set()
    depth, lines = 0, set()
    for tok in tokens[i:]:
        if tok.type == tokenize.COMMENT:
            lines.add(tok.start[0])
        elif tok.type == tokenize.OP:
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif tok.string == ":" and depth == 0:
                break
    return lines


def param_lines(node):
    """Line numbers of a function's parameters (self/cls left out)."""
    a = node.args
    params = a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]
    return {p.lineno for p in params if p.arg not in ("self", "cls")}


def has_docments(tokens, node):
    """True when some parameter has a trailing comment on its line inside the def's signature."""
    return bool(param_lines(node) & signature_comment_lines(tokens, node))


def class_has_docments(tokens, comments, node):
    """True when a class's __init__ has docments or one of its annotated fields has a trailing comment."""
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__":
            if has_docments(tokens, item):
                return True
        if isinstance(item, ast.AnnAssign) and item.end_lineno in comments:
            return True
    return False


def api_stats(path):
    """Public functions, classes and methods of public classes in one file, with docments/docstring flags."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    comments = {t.start[0] for t in tokens if t.type == tokenize.COMMENT}
    items = []
    funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in tree.body:
        if not isinstance(node, funcs + (ast.ClassDef,)) or node.name.startswith("_"):
            continue
        if isinstance(node, funcs):
            items.append({"name": node.name, "kind": "function", "docments": has_docments(tokens, node),
                          "docstring": ast.get_docstring(node) is not None})
            continue
        items.append({"name": node.name, "kind": "class", "docments": class_has_docments(tokens, comments, node),
                      "docstring": ast.get_docstring(node) is not None})
        for meth in node.body:
            if isinstance(meth, funcs) and not meth.name.startswith("_"):
                items.append({"name": f"{node.name}.{meth.name}", "kind": "method",
                              "docments": has_docments(tokens, meth),
                              "docstring": ast.get_docstring(meth) is not None})
    return items


def summarise_api(items):
    """Counts of public objects, with docments and with docstrings."""
    return {"public": len(items), "with_docments": sum(i["docments"] for i in items),
            "with_docstring": sum(i["docstring"] for i in items)}


# ----------------------------------------------------------------------------------------------- ruff
def run_ruff():
    """Ruff findings on the package with the gated rules: per rule, per file, total; or why ruff could not run."""
    cmd = [sys.executable, "-m", "ruff", "check", "--select", RUFF_RULES, "--line-length", "120", PKG,
           "--output-format", "json"]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        findings = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as exc:
        return {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    if not isinstance(findings, list):
        return {"available": False, "reason": (proc.stderr or proc.stdout).strip()[:300]}
    import runpy                                  # scripts/line_length.py: nbdev's __all__ block is outside the gate
    all_block_lines = runpy.run_path(str(Path(__file__).resolve().parent / "line_length.py"))["all_block_lines"]
    blocks = {}
    def in_all_block(f):
        p = Path(f["filename"]).resolve()
        if p not in blocks: blocks[p] = all_block_lines(p.read_text())
        return f.get("code") == "E501" and f["location"]["row"] in blocks[p]
    findings = [f for f in findings if not in_all_block(f)]
    by_rule, by_rule_hand, by_file = {}, {}, {}
    for f in findings:
        code = f.get("code") or "syntax-error"
        rel = str(Path(f["filename"]).resolve().relative_to(ROOT))
        by_rule[code] = by_rule.get(code, 0) + 1
        if not rel.endswith("_modidx.py"):  # nbdev regenerates _modidx.py; the gate concerns the exported code
            by_rule_hand[code] = by_rule_hand.get(code, 0) + 1
        by_file[rel] = by_file.get(rel, 0) + 1
    version = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True).stdout
    return {"available": True, "version": version.strip(), "total": len(findings),
            "total_without_modidx": sum(by_rule_hand.values()), "by_rule": dict(sorted(by_rule.items())),
            "by_rule_without_modidx": dict(sorted(by_rule_hand.items())), "by_file": dict(sorted(by_file.items()))}


# ----------------------------------------------------------------------------------------------- imports
def resolve_imports(node, mod, is_pkg, modules):
    """crystal_design modules an Import/ImportFrom node pulls in (a `from X import sub` names the submodule)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    if node.level:
        base = mod.split(".") if is_pkg else mod.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target != PKG and not target.startswith(PKG + "."):
        return set()
    found = set()
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        if sub in modules:
            found.add(sub)
        elif target in modules:
            found.add(target)
    return found


def import_graph(files):
    """Edges module -> imported crystal_design modules, all imports and module-level-only imports."""
    modules = {module_name(p): p for p in files}
    graph = {m: set() for m in modules}
    top = {m: set() for m in modules}
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        module_level = {id(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))}
        for stmt in tree.body:  # imports under module-level if/try still run at import time
            if isinstance(stmt, (ast.If, ast.Try)):
                module_level |= {id(n) for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = resolve_imports(node, mod, is_pkg, modules) - {mod}
                graph[mod] |= targets
                if id(node) in module_level:
                    top[mod] |= targets
    return graph, top


def strongly_connected(graph):
    """Strongly connected components of a graph (iterative Tarjan), each sorted, largest first."""
    index, low, on_stack, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                comps.append(sorted(comp))
    return sorted(comps, key=lambda c: (-len(c), c))


def cycle_report(files):
    """Import cycles (SCCs of size > 1) with all imports and module-level only, and importers of the CLI."""
    graph, top = import_graph(files)
    cli = f"{PKG}.cli"
    return {"cycles": [c for c in strongly_connected(graph) if len(c) > 1],
            "cycles_module_level": [c for c in strongly_connected(top) if len(c) > 1],
            "import_cli": sorted(m for m, deps in graph.items() if cli in deps),
            "import_cli_module_level": sorted(m for m, deps in top.items() if cli in deps),
            "edges": {m: sorted(d) for m, d in sorted(graph.items())}}


# ----------------------------------------------------------------------------------------------- report
def collect():
    """Every figure, as one dict."""
    notebooks = [notebook_stats(p) for p in sorted((ROOT / "nbs").glob("[0-9]*.ipynb"))]
    files = package_files()
    api = {module_name(p): api_stats(p) for p in files}
    ruff = run_ruff()
    rows = []
    for nb in notebooks:
        mod = f"{PKG}.{nb['module']}" if nb["module"] else None
        items = api.get(mod, [])
        path = (ROOT / (mod or "").replace(".", "/")).with_suffix(".py")
        rel = str(path.relative_to(ROOT)) if mod else None
        if mod and not path.exists():
            rel = str((ROOT / mod.replace(".", "/") / "__init__.py").relative_to(ROOT))
        row = {k: nb[k] for k in ("notebook", "module", "exported_lines", "example_lines", "figures")}
        row.update(summarise_cells(nb["export_cells"]))
        row["example_per_exported"] = ratio(nb["example_lines"], nb["exported_lines"])
        row.update(summarise_api(items))
        row["ruff"] = ruff["by_file"].get(rel, 0) if ruff["available"] else None
        rows.append(row)
    all_cells = [n for nb in notebooks for n in nb["export_cells"]]
    largest = max(notebooks, key=lambda nb: max(nb["export_cells"], default=0))
    exported = sum(nb["exported_lines"] for nb in notebooks)
    examples = sum(nb["example_lines"] for nb in notebooks)
    all_items = [i for items in api.values() for i in items]
    cycles = cycle_report(files)
    totals = {"notebooks": len(notebooks), "exported_lines": exported, "example_lines": examples,
              "example_per_exported": ratio(examples, exported), **summarise_cells(all_cells),
              "largest_export_cell_notebook": largest["notebook"],
              "figures": sum(nb["figures"] for nb in notebooks), "package_files": len(files),
              **summarise_api(all_items), "by_kind": {k: summarise_api([i for i in all_items if i["kind"] == k])
                                                      for k in ("function", "class", "method")},
              "ruff_findings": ruff.get("total"), "ruff_findings_without_modidx": ruff.get("total_without_modidx"),
              "import_cycles": len(cycles["cycles"]),
              "import_cycles_module_level": len(cycles["cycles_module_level"])}
    unmapped = {m: summarise_api(i) for m, i in api.items()
                if m not in {f"{PKG}.{nb['module']}" for nb in notebooks}}
    return {"goals": GOALS, "totals": totals, "notebooks": rows, "ruff": ruff, "imports": cycles,
            "modules_without_notebook": unmapped,
            "docments": sorted(f"{m}.{i['name']}" for m, items in api.items() for i in items if i["docments"])}


def fmt(value):
    """A table cell: '-' for None, otherwise the value."""
    return "-" if value is None else str(value)


def print_report(stats):
    """The human-readable summary: per-notebook markdown table, totals with goals, ruff and import findings."""
    cols = [("notebook", "notebook"), ("module", "module"), ("n_export_cells", "export cells"),
            ("median_export_cell", "median"), ("max_export_cell", "max"), ("exported_lines", "exported"),
            ("example_lines", "example"), ("example_per_exported", "ex/exp"), ("figures", "figs"),
            ("public", "public"), ("with_docments", "docments"), ("with_docstring", "docstring"), ("ruff", "ruff")]
    print("## Module notebooks (issue 17)\n")
    print("| " + " | ".join(h for _, h in cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for row in stats["notebooks"]:
        print("| " + " | ".join(fmt(row[k]) for k, _ in cols) + " |")
    t, ruff, imp = stats["totals"], stats["ruff"], stats["imports"]
    goal = stats["goals"]
    gate_total = sum(v for k, v in ruff.get("by_rule_without_modidx", {}).items() if k != "E701")
    print("\n## Totals\n")
    print("| measure | now | goal |\n|---|---|---|")
    lines = [("module notebooks", t["notebooks"], ""),
             ("export cells", t["n_export_cells"], ""),
             ("median export cell (lines)", t["median_export_cell"], goal["median_export_cell_lines"]),
             ("mean export cell (lines)", t["mean_export_cell"], ""),
             ("largest export cell (lines)", f"{t['max_export_cell']} ({t['largest_export_cell_notebook']})", ""),
             ("exported lines", t["exported_lines"], ""),
             ("example/test lines", t["example_lines"], ""),
             ("example lines per exported line", t["example_per_exported"], ""),
             ("figures in module notebooks", t["figures"], ""),
             ("public functions/classes/methods", t["public"], ""),
             ("... with docments", t["with_docments"], ""),
             ("... with a docstring", t["with_docstring"], ""),
             ("ruff findings " + RUFF_RULES, fmt(t["ruff_findings"]) if ruff["available"] else "unavailable", ""),
             ("... of the gate (all but E701), without _modidx.py (generated)",
              fmt(gate_total) if ruff["available"] else "unavailable", goal["ruff_findings"]),
             ("... E701 one-line compound statements (allowed: fastcore style)",
              ruff.get("by_rule_without_modidx", {}).get("E701", 0) if ruff["available"] else "unavailable", ""),
             ("import cycles (all imports)", t["import_cycles"], goal["import_cycles"]),
             ("import cycles (module-level imports only)", t["import_cycles_module_level"], "")]
    for name, now, target in lines:
        print(f"| {name} | {now} | {target} |")
    print("\nPublic API by kind: " + ", ".join(
        f"{k}: {v['public']} ({v['with_docments']} docments, {v['with_docstring']} docstring)"
        for k, v in t["by_kind"].items()))
    if stats["docments"]:
        print("With docments: " + ", ".join(stats["docments"]))
    if stats["modules_without_notebook"]:
        print("Modules without a default_exp notebook: " + ", ".join(
            f"{m} ({v['public']} public)" for m, v in stats["modules_without_notebook"].items()))
    if ruff["available"]:
        print(f"\nRuff ({ruff['version']}) by rule: " + (", ".join(
            f"{k} {v}" for k, v in ruff["by_rule"].items()) or "none") + "; without _modidx.py: " + (", ".join(
            f"{k} {v}" for k, v in ruff["by_rule_without_modidx"].items()) or "none"))
    else:
        print(f"\nRuff unavailable: {ruff['reason']}")
    print("\nImport cycles (all imports): " + ("; ".join(" <-> ".join(c) for c in imp["cycles"]) or "none"))
    print("Import cycles (module-level only): "
          + ("; ".join(" <-> ".join(c) for c in imp["cycles_module_level"]) or "none"))
    print("Modules importing crystal_design.cli: " + (", ".join(imp["import_cli"]) or "none")
          + " (module-level: " + (", ".join(imp["import_cli_module_level"]) or "none") + ")")


def main():
    """Parse arguments, measure, print the summary and, with --json, the JSON object as the last line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line of stdout")
    args = parser.parse_args()
    stats = collect()
    print_report(stats)
    if args.json:
        print(json.dumps(stats, sort_keys=False))


if __name__ == "__main__":
    main()
