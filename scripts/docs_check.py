"""What a reader sees (issue 17): render every committed notebook to HTML and look at each page in headless Chromium.

Usage (from the repository root):
    python scripts/docs_check.py [--out _docs_check] [--screenshots | --no-screenshots] [--max-height 24000]
                                 [--no-browser] [--json] [NOTEBOOK ...]

Quarto is not needed: each `nbs/*.ipynb` and `nbs/repro/*.ipynb` is rendered with nbconvert's HTMLExporter from its
committed outputs (nothing is executed), images embedded, into the output folder (default `_docs_check/`, git-ignored).
The page approximates what nbdev/Quarto publishes: cells flagged `#| hide`, `#| include: false` or `#| default_exp`
are left out, `#| echo: false` drops a cell's code, `#| output: false` its outputs, and `#| ...` directive lines are
not shown. (Not reproduced: nbdev's show_doc entries for exported names, Quarto's theme and its MathJax: the page is
offline, so formulas show as TeX source.)

Failures, per notebook (cell numbers are 0-based indices into the notebook's cells):
  * traceback: an output with output_type "error", or output text containing "Traceback (most recent call last)";
  * figure expected but no image output: a code cell whose top-level code (not the bodies of functions or classes it
    defines) calls a plotting function (plt.show, .plot(, savefig, display(fig...), sns.*, plt.subplots/plt.figure,
    plot_* of our library) but has no image/png, image/jpeg or image/svg+xml output (a cell whose only plotting
    call is savefig saves a figure drawn before: not counted); also a text output "<Figure size ...>" without an
    image. Exempt: cells flagged `#| eval: false`, cells that close their figure
    (plt.close: the figure goes to a file on purpose), cells whose output says SKIPPED (data not available, the
    documented behaviour), and data-guarded cells (mentioning HAVE_DATA / have_data) after a SKIPPED output of the
    same notebook;
  * broken image: a markdown image `![..](path)` / `<img src=..>` whose file (relative to the notebook) or attachment
    does not exist, an image output whose data does not decode to its format, or, in the browser, an <img> that did
    not load (naturalWidth 0) or a page showing a Python traceback.
Warnings (printed, not failures): a code cell whose top-level code calls print() but has no output at all (its
committed run predates the cell, or a guard such as gpaw_available() was false).
The browser check uses selenium + chromedriver when both are available (every <img> awaited and measured, one
full-page PNG per page into <out>/screenshots/, cut at --max-height pixels, default 24000), otherwise the chromium CLI
(--dump-dom: data: URIs must decode to images, file srcs must exist; --screenshot of the first 4000 px).

Prints a table (notebook, cells, images, failures), the failures and a summary; with --json the last stdout line is
one JSON object. Exit 0: no failure; 1: failures; 2: Chromium missing (install: apt-get install -y chromium
chromium-driver; or pass --no-browser for the static checks alone).
"""

import argparse
import ast
import base64
import binascii
import copy
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / "nbs"
MARKER = ".docs_check"  # written into the output folder: only such a folder is ever emptied
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
TRACEBACK = "Traceback (most recent call last)"
DIRECTIVE_RE = re.compile(r"^\s*#\s*\|\s*(.*?)\s*$")
MD_IMG_RE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
HTML_IMG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.I)
CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "install it with `apt-get install -y chromium chromium-driver` (Debian/Ubuntu; `pip install selenium` "
    "for the full check), or pass --no-browser for the static checks only"
)


# ------------------------------------------------------------------------------------------------ notebook reading
def src_of(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def text_of(v):
    return "".join(v) if isinstance(v, list) else (v if isinstance(v, str) else json.dumps(v))


def directives(src):
    """nbdev/Quarto cell directives as {name: value} ("hide" -> "", "eval: false" -> "false")."""
    out = {}
    for line in src.splitlines():
        m = DIRECTIVE_RE.match(line)
        if not m:
            if line.strip():
                break  # directives sit at the top of a cell
            continue
        name, _, val = m.group(1).partition(":")
        out[name.strip().lower()] = val.strip().lower()
    return out


def output_text(o):
    """All text an output shows: stream text, error traceback, text/* data."""
    if o.get("output_type") == "stream":
        return text_of(o.get("text", ""))
    if o.get("output_type") == "error":
        return "\n".join([f"{o.get('ename', '')}: {o.get('evalue', '')}"] + list(o.get("traceback", [])))
    return "\n".join(text_of(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))


def image_outputs(cell):
    return [(o, m) for o in cell.get("outputs", []) for m in IMAGE_MIMES if m in o.get("data", {})]


def image_data_ok(mime, data):
    """Does an output's image data decode to its format?"""
    raw = text_of(data)
    if mime == "image/svg+xml":
        return "<svg" in raw
    try:
        b = base64.b64decode("".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return {
        "image/png": b.startswith(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg": b.startswith(b"\xff\xd8"),
        "image/gif": b[:6] in (b"GIF87a", b"GIF89a"),
    }.get(mime, len(b) > 0)


def data_uri_ok(uri):
    """Does a data: URI decode to an image (PNG/JPEG/GIF header, or SVG markup)?"""
    head, _, payload = uri.partition(",")
    try:
        b = (
            base64.b64decode(payload, validate=False)
            if head.endswith(";base64")
            else urllib.parse.unquote(payload).encode()
        )
    except (binascii.Error, ValueError):
        return False
    return b.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"GIF87a", b"GIF89a")) or b"<svg" in b[:4096]


# ------------------------------------------------------------------------------------------- plotting detection
class _TopLevelCalls(ast.NodeVisitor):
    """Calls in a cell's top-level code: the bodies of functions, lambdas and classes it defines are not run."""

    def __init__(self):
        self.calls = []

    def visit_FunctionDef(self, node):
        self.generic_visit_decorators(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self.generic_visit_decorators(node)

    def visit_Lambda(self, node):
        pass

    def generic_visit_decorators(self, node):
        for d in getattr(node, "decorator_list", []):
            self.visit(d)

    def visit_Call(self, node):
        self.calls.append(node)
        self.generic_visit(node)


def _name(node):
    return node.id if isinstance(node, ast.Name) else (node.attr if isinstance(node, ast.Attribute) else "")


def prints(src):
    """Does the cell's top-level code call print()? (False where it does not parse.)"""
    try:
        tree = ast.parse("\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines()))
    except SyntaxError:
        return False
    v = _TopLevelCalls()
    v.visit(tree)
    return any(isinstance(c.func, ast.Name) and c.func.id == "print" for c in v.calls)


def plot_calls(src):
    """(plotting calls found, closes its figure?) for a cell's source; regex fallback where it does not parse."""
    code = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        found = re.findall(
            r"plt\.show\(|\.plot\(|savefig\(|display\(fig|\bsns\.\w+\(|\bplot_\w+\(|plt\.subplots\(", code
        )
        return found, bool(re.search(r"plt\.close\(", code))
    v = _TopLevelCalls()
    v.visit(tree)
    found, closes = [], False
    for c in v.calls:
        f = c.func
        if isinstance(f, ast.Attribute):
            base = _name(f.value)
            if f.attr == "close" and base in ("plt", "pyplot"):
                closes = True
            elif f.attr == "show" and base in ("plt", "pyplot"):
                found.append("plt.show")
            elif f.attr in ("subplots", "figure", "subplot_mosaic") and base in ("plt", "pyplot"):
                found.append(f"plt.{f.attr}")
            elif f.attr == "plot":
                found.append(".plot(")
            elif f.attr == "savefig":
                found.append("savefig")
            elif base == "sns":
                found.append(f"sns.{f.attr}")
            elif f.attr.startswith("plot_"):
                found.append(f"{f.attr}(")
        elif isinstance(f, ast.Name):
            if f.id.startswith("plot_"):
                found.append(f"{f.id}(")
            elif f.id == "display" and any(_name(a).startswith("fig") for a in c.args):
                found.append("display(fig")
    return found, closes


# ----------------------------------------------------------------------------------------------- static checks
def first_line(src):
    for l in src.splitlines():
        if l.strip() and not DIRECTIVE_RE.match(l):
            return l.strip()[:70]
    return ""


def static_checks(nb, nb_path):
    """Failures [(cell index, kind, message)] and counts for one notebook's JSON."""
    fails, warns, n_images = [], [], 0
    skipped_seen = False
    for i, cell in enumerate(nb.get("cells", [])):
        src = src_of(cell)
        if cell.get("cell_type") == "markdown":
            for ref in MD_IMG_RE.findall(src) + HTML_IMG_RE.findall(src):
                why = markdown_image_problem(ref, cell, nb_path)
                if why:
                    fails.append((i, "broken image", f"markdown image {ref!r}: {why}"))
            continue
        if cell.get("cell_type") != "code":
            continue
        outs = cell.get("outputs", [])
        texts = [output_text(o) for o in outs]
        for o, t in zip(outs, texts):
            if o.get("output_type") == "error":
                fails.append((i, "traceback", f"error output {o.get('ename', '?')}: {str(o.get('evalue', ''))[:120]}"))
            elif TRACEBACK in t:
                where = o.get("name", o.get("output_type"))
                last = [l for l in t.splitlines() if l.strip()][-1][:120]
                fails.append((i, "traceback", f"traceback in {where} output: {last}"))
        imgs = image_outputs(cell)
        n_images += len(imgs)
        for o, m in imgs:
            if not image_data_ok(m, o["data"][m]):
                fails.append((i, "broken image", f"{m} output does not decode to an image"))
        says_skipped = any("SKIPPED" in t for t in texts)
        d = directives(src)
        found, closes = plot_calls(src)
        figure_repr = any(re.search(r"<(Figure|matplotlib\.figure\.Figure) size", t) for t in texts)
        if set(found) == {"savefig"}:
            found = []  # only saves a figure drawn earlier: nothing new to show here
        if (found or figure_repr) and not imgs:
            guarded = skipped_seen and re.search(r"\bHAVE_DATA\b|\bhave_data\(", src)
            exempt = d.get("eval") == "false" or closes or says_skipped or guarded
            if not exempt:
                what = ", ".join(dict.fromkeys(found)) or "a <Figure ...> text output"
                state = "no output at all" if not outs else f"{len(outs)} output(s), none an image"
                fails.append(
                    (i, "no figure", f"figure expected but no image output ({what}; {state}): {first_line(src)!r}")
                )
        elif (
            not outs
            and prints(src)
            and d.get("eval") != "false"
            and not (skipped_seen and re.search(r"\bHAVE_DATA\b|\bhave_data\(", src))
        ):
            warns.append(
                (
                    i,
                    "no output",
                    f"print() at top level but no output (run before the cell changed?): {first_line(src)!r}",
                )
            )
        skipped_seen = skipped_seen or says_skipped
    return fails, warns, n_images


def markdown_image_problem(ref, cell, nb_path):
    if re.match(r"(?i)^(https?:)?//", ref):
        return None  # remote: not checked (no network here)
    if ref.startswith("data:"):
        return None if data_uri_ok(ref) else "data: URI does not decode to an image"
    if ref.startswith("attachment:"):
        name = urllib.parse.unquote(ref[len("attachment:") :])
        return None if name in cell.get("attachments", {}) else "no such cell attachment"
    p = urllib.parse.unquote(ref.split("#")[0].split("?")[0])
    f = (NBS / p.lstrip("/")) if p.startswith("/") else (nb_path.parent / p)
    return None if f.is_file() else f"file {shown(f)} does not exist"


# ---------------------------------------------------------------------------------------------------- rendering
def reader_view(nb):
    """A copy of the notebook as nbdev's docs show it (hidden cells out, directive lines stripped)."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            src = src_of(cell)
            d = directives(src)
            if "hide" in d or d.get("include") == "false" or "default_exp" in d:
                continue
            lines = src.splitlines()
            k = 0
            while k < len(lines) and (DIRECTIVE_RE.match(lines[k]) or not lines[k].strip()):
                k += 1
            cell["source"] = "" if d.get("echo") == "false" else "\n".join(lines[k:])
            if d.get("output") == "false":
                cell["outputs"] = []
            if not cell["source"].strip() and not cell.get("outputs"):
                continue
        cells.append(cell)
    nb["cells"] = cells
    return nb


def make_exporter():
    from nbconvert import HTMLExporter

    ex = HTMLExporter(template_name="lab")
    ex.embed_images = True
    # our own committed notebooks, shown as Quarto shows them (unsanitised): skip bleach's HTML sanitiser, which
    # re-parses every highlighted code cell and output (half the render time)
    ex.register_filter("clean_html", lambda e: e.decode() if isinstance(e, bytes) else str(e))
    return ex


def render(exporter, nb, nb_path, out_html):
    import nbformat

    warnings.filterwarnings("ignore", module="nbformat")  # cell ids: nbdev_clean strips them on purpose
    node = nbformat.reads(json.dumps(reader_view(nb)), as_version=4)  # joins list-of-lines sources
    body, _ = exporter.from_notebook_node(
        node, resources={"metadata": {"path": str(nb_path.parent), "name": nb_path.stem}}
    )
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(body, encoding="utf-8")


# ------------------------------------------------------------------------------------------------------ browser
def find_chromium():
    for name in CHROMIUMS:
        p = shutil.which(name)
        if p:
            return p
    return None


CHROME_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--disable-extensions",
    "--no-first-run",
    "--mute-audio",
    # offline page: CDN scripts (require.js, MathJax) fail at once instead of waiting for a timeout
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]

PAGE_JS = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
Promise.all(imgs.map(im => im.decode().catch(() => null))).then(() => {
  const body = document.body ? document.body.innerText : "";
  done({imgs: imgs.map((im, i) => ({i: i, ok: im.complete && im.naturalWidth > 0, w: im.naturalWidth,
                                    src: (im.getAttribute("src") || "").slice(0, 80)})),
        height: Math.max(document.body.scrollHeight, document.documentElement.scrollHeight),
        traceback: body.includes("Traceback (most recent call last)")});
});
"""


class SeleniumBrowser:
    kind = "selenium"

    def __init__(self, chromium, driver_path):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for a in CHROME_ARGS + ["--window-size=1280,1000"]:
            opts.add_argument(a)
        self.driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver_path))
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(30)

    def check(self, html, shot, max_height):
        d = self.driver
        d.get(html.resolve().as_uri())
        info = d.execute_async_script(PAGE_JS)
        fails = [
            ("broken image", f"<img> #{im['i']} did not load in the browser (src {im['src']!r})")
            for im in info["imgs"]
            if not im["ok"]
        ]
        if info["traceback"]:
            fails.append(("traceback", "the rendered page shows a Python traceback"))
        note = ""
        if shot is not None:
            h = int(info["height"])
            hh = min(h, max_height)
            d.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": 1280, "height": hh, "deviceScaleFactor": 1, "mobile": False},
            )
            try:
                r = d.execute_cdp_cmd(
                    "Page.captureScreenshot",
                    {
                        "format": "png",
                        "captureBeyondViewport": True,
                        "clip": {"x": 0, "y": 0, "width": 1280, "height": hh, "scale": 1},
                    },
                )
            finally:
                d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            shot.write_bytes(base64.b64decode(r["data"]))
            if h > hh:
                note = f"screenshot cut at {hh} of {h} px"
        return len(info["imgs"]), fails, note

    def close(self):
        try:
            self.driver.quit()
        except Exception:
            pass


class _ImgParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.srcs.append(dict(attrs).get("src") or "")


class CliBrowser:
    kind = "chromium-cli"

    def __init__(self, chromium):
        self.chromium = chromium

    def _run(self, *args):
        return subprocess.run([self.chromium, *CHROME_ARGS, *args], capture_output=True, text=True, timeout=120)

    def check(self, html, shot, max_height):
        url = html.resolve().as_uri()
        r = self._run("--virtual-time-budget=5000", "--dump-dom", url)
        if r.returncode != 0 or not r.stdout.strip():
            return 0, [("browser", f"chromium --dump-dom failed: {r.stderr.strip()[-200:]}")], ""
        p = _ImgParser()
        p.feed(r.stdout)
        fails = []
        for i, src in enumerate(p.srcs):
            if src.startswith("data:"):
                ok = data_uri_ok(src)
            elif re.match(r"(?i)^(https?:)?//", src):
                ok = True  # remote: not checked offline
            else:
                f = (
                    Path(urllib.parse.unquote(urllib.parse.urlparse(src).path))
                    if src.startswith("file:")
                    else html.parent / urllib.parse.unquote(src.split("#")[0].split("?")[0])
                )
                ok = f.is_file()
            if not ok:
                fails.append(("broken image", f"<img> #{i} does not resolve to an image (src {src[:80]!r})"))
        text = re.sub(r"<[^>]+>", "", r.stdout)
        if TRACEBACK in text:
            fails.append(("traceback", "the rendered page shows a Python traceback"))
        note = ""
        if shot is not None:
            s = self._run(f"--screenshot={shot}", "--window-size=1280,4000", url)
            if s.returncode != 0 or not shot.is_file():
                fails.append(("browser", "chromium --screenshot failed"))
            note = "screenshot: first 4000 px"
        return len(p.srcs), fails, note

    def close(self):
        pass


def open_browser(chromium):
    """selenium + chromedriver when both are here, else the chromium CLI."""
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.access(p, os.X_OK)), None
    )
    try:
        import selenium  # noqa: F401
    except ImportError:
        return CliBrowser(chromium), "selenium not installed (pip install selenium): using the chromium CLI"
    if not driver:
        return CliBrowser(chromium), "no chromedriver (apt-get install chromium-driver): using the chromium CLI"
    try:
        return SeleniumBrowser(chromium, driver), ""
    except Exception as e:
        return CliBrowser(
            chromium
        ), f"selenium could not start Chromium ({str(e).splitlines()[0][:150]}): using the CLI"


# --------------------------------------------------------------------------------------------------------- main
def notebooks():
    """The docs pages (nbs/*.ipynb, nbs/repro/*.ipynb) and every other notebook under nbs/, with why it is skipped."""
    pages = sorted(NBS.glob("*.ipynb")) + sorted((NBS / "repro").glob("*.ipynb"))
    skipped = []
    for p in sorted(NBS.rglob("*.ipynb")):
        if p in pages:
            continue
        rel = p.relative_to(NBS)
        why = (
            "Jupyter checkpoint copy"
            if ".ipynb_checkpoints" in rel.parts
            else "not a docs page (only nbs/*.ipynb and nbs/repro/*.ipynb are rendered)"
        )
        skipped.append((str(p.relative_to(ROOT)), why))
    return pages, skipped


def sidebar_notes(pages):
    """Pages missing from nbs/sidebar.yml and sidebar entries with no notebook (information, not failures)."""
    f = NBS / "sidebar.yml"
    if not f.is_file():
        return []
    listed = set(re.findall(r"^\s*-\s*([\w./-]+\.ipynb)\s*$", f.read_text(), re.M))
    have = {str(p.relative_to(NBS)) for p in pages}
    return [f"not in nbs/sidebar.yml (a reader cannot navigate to it): {n}" for n in sorted(have - listed)] + [
        f"nbs/sidebar.yml lists a missing notebook: {n}" for n in sorted(listed - have)
    ]


def shown(path):
    """A path as printed: relative to the repository root when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def prepare_out(out):
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            sys.exit(f"docs_check: {out} exists and was not made by docs_check (no {MARKER}): choose another --out")
        shutil.rmtree(out)
    (out / "screenshots").mkdir(parents=True)
    (out / MARKER).write_text("made by scripts/docs_check.py; emptied on each run\n")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("notebooks", nargs="*", help="check only these notebooks (default: nbs/*.ipynb, nbs/repro/*.ipynb)")
    ap.add_argument("--out", default="_docs_check", help="output folder (git-ignored), default _docs_check")
    ap.add_argument(
        "--screenshots",
        dest="screenshots",
        action="store_true",
        default=True,
        help="one PNG per page into <out>/screenshots (default)",
    )
    ap.add_argument("--no-screenshots", dest="screenshots", action="store_false")
    ap.add_argument("--max-height", type=int, default=24000, help="cut full-page screenshots at this height (px)")
    ap.add_argument("--no-browser", action="store_true", help="render and run the static checks only (no Chromium)")
    ap.add_argument("--json", action="store_true", help="last stdout line: one JSON object with every result")
    ap.add_argument("--known", default="scripts/docs_known_failures.txt",
                    help="failures known and explained ('NOTEBOOK CELL reason' per line): reported, not counted; "
                         "one that no longer fails is a failure (remove its line)")
    args = ap.parse_args(argv)
    t0 = time.time()
    os.chdir(ROOT)

    chromium = None if args.no_browser else find_chromium()
    if not args.no_browser and not chromium:
        print(f"docs_check: Chromium not found (looked for {', '.join(CHROMIUMS)}): {INSTALL_HINT}")
        return 2
    try:
        import nbconvert  # noqa: F401
    except ImportError:
        print("docs_check: nbconvert is not installed: pip install nbconvert")
        return 2

    out = (ROOT / args.out).resolve()
    prepare_out(out)
    pages, skipped = notebooks()
    notes = sidebar_notes(pages)
    if args.notebooks:
        chosen = [Path(n).resolve() for n in args.notebooks]
        for c in chosen:
            if not c.is_file():
                print(f"docs_check: no notebook {c}")
                return 2
        n_other = sum(p not in chosen for p in pages)
        skipped = [(f"{n_other} other docs page(s)", "not named on the command line")] if n_other else []
        pages, notes = chosen, []
    ig = subprocess.run(["git", "check-ignore", "-q", str(out)], cwd=ROOT, capture_output=True)
    if ig.returncode == 1:
        rel_out = os.path.relpath(out, ROOT)
        notes.append(f"{rel_out}/ is not git-ignored: add the line '/{rel_out}/' to .gitignore")

    browser, why = (None, "--no-browser") if args.no_browser else open_browser(chromium)
    if why:
        notes.append(f"browser: {why}")
    exporter = make_exporter()
    results = []
    try:
        for p in pages:
            rel = str(p.relative_to(NBS)) if p.is_relative_to(NBS) else str(p)
            name = rel[: -len(".ipynb")] if p.is_relative_to(NBS) else p.stem
            r = {
                "notebook": rel,
                "cells": 0,
                "code_cells": 0,
                "images": 0,
                "page_images": None,
                "failures": [],
                "warnings": [],
                "html": None,
                "screenshot": None,
                "note": "",
            }
            results.append(r)
            try:
                nb = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                r["failures"].append({"cell": None, "kind": "unreadable", "message": f"not a notebook: {e}"})
                continue
            r["cells"] = len(nb.get("cells", []))
            r["code_cells"] = sum(c.get("cell_type") == "code" for c in nb.get("cells", []))
            fails, warns, r["images"] = static_checks(nb, p)
            r["warnings"] = [{"cell": i, "kind": k, "message": m} for i, k, m in warns]
            r["failures"] += [{"cell": i, "kind": k, "message": m} for i, k, m in fails]
            html_path = out / (name.replace("/", "__") + ".html")
            try:
                render(exporter, nb, p, html_path)
                r["html"] = shown(html_path)
            except Exception as e:
                r["failures"].append({"cell": None, "kind": "render", "message": f"nbconvert failed: {e!r}"[:300]})
                continue
            if browser is None:
                continue
            shot = out / "screenshots" / (name.replace("/", "__") + ".png") if args.screenshots else None
            try:
                n_img, bfails, r["note"] = browser.check(html_path, shot, args.max_height)
                r["page_images"] = n_img
                r["failures"] += [{"cell": None, "kind": k, "message": m} for k, m in bfails]
                if shot is not None and shot.is_file():
                    r["screenshot"] = shown(shot)
            except Exception as e:
                r["failures"].append({"cell": None, "kind": "browser", "message": f"page check failed: {e!r}"[:300]})
    finally:
        if browser is not None:
            browser.close()

    # ---- known failures: listed with their reason, strict (a fixed one must leave the list)
    known = {}
    kp = ROOT / args.known
    if kp.is_file():
        for line in kp.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                nb_name, cell, why = (line.split(None, 2) + [""])[:3]
                known[(nb_name, int(cell))] = why
    seen = set()
    for r in results:
        r["known"] = []
        for f in list(r["failures"]):
            if (r["notebook"], f["cell"]) in known:
                seen.add((r["notebook"], f["cell"]))
                r["failures"].remove(f)
                r["known"].append({**f, "reason": known[(r["notebook"], f["cell"])]})
        for (nb_name, cell), why in known.items():
            if nb_name == r["notebook"] and (nb_name, cell) not in seen:
                r["failures"].append({"cell": cell, "kind": "known-fixed",
                                      "message": f"listed in {args.known} but passes now: remove its line"})
    for r in results:
        for f in r["known"]:
            print(f"  KNOWN {r['notebook']} cell {f['cell']}: [{f['kind']}] {f['message']} -- {f['reason']}")

    # ---- report
    w = max(len(r["notebook"]) for r in results) if results else 10
    print(f"{'notebook':<{w}}  cells  images  page <img>  failures")
    for r in results:
        pi = "-" if r["page_images"] is None else r["page_images"]
        print(
            f"{r['notebook']:<{w}}  {r['cells']:>5}  {r['images']:>6}  {pi:>10}  {len(r['failures']):>8}"
            + (f"   ({r['note']})" if r["note"] else "")
        )
    n_fail = sum(len(r["failures"]) for r in results)
    failed = [r for r in results if r["failures"]]
    if failed:
        print("\nFailures (cell = 0-based index in the notebook's cells):")
        for r in failed:
            for f in r["failures"]:
                where = f"cell {f['cell']}" if f["cell"] is not None else "page"
                print(f"  FAIL {r['notebook']} {where}: [{f['kind']}] {f['message']}")
    warned = [r for r in results if r["warnings"]]
    if warned:
        print("\nWarnings (not failures):")
        for r in warned:
            for f in r["warnings"]:
                print(f"  WARN {r['notebook']} cell {f['cell']}: [{f['kind']}] {f['message']}")
    if skipped:
        print("\nSkipped:")
        for s, why in skipped:
            print(f"  SKIPPED {s}: {why}")
    if notes:
        print("\nNotes:")
        for n in notes:
            print(f"  {n}")
    secs = round(time.time() - t0, 1)
    kind = browser.kind if browser is not None else "none"
    print(
        f"\ndocs_check: {len(results)} pages rendered into {shown(out)}/ (browser: {kind}), "
        f"{n_fail} failure(s) in {len(failed)} notebook(s), {sum(len(r['warnings']) for r in results)} warning(s), "
        f"{len(skipped)} skipped, {secs} s: " + ("FAIL" if n_fail else "OK")
    )
    if args.json:
        print(
            json.dumps(
                {
                    "ok": n_fail == 0,
                    "failures": n_fail,
                    "failed_notebooks": [r["notebook"] for r in failed],
                    "warnings": sum(len(r["warnings"]) for r in results),
                    "pages": results,
                    "skipped": [{"notebook": s, "reason": why} for s, why in skipped],
                    "notes": notes,
                    "browser": kind,
                    "out": shown(out),
                    "seconds": secs,
                }
            )
        )
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
