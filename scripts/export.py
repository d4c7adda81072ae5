"""Notebooks -> library, the one way: `python scripts/export.py` (the test command checks that it changes nothing).

It runs `nbdev_clean`, `nbdev_export`, re-wraps nbdev's generated `__all__` lists, runs `nbdev_clean` again and
regenerates README.md from nbs/index.ipynb. The re-wrap exists because nbdev 2.4 wraps the `__all__` list at 120
characters *before* it puts `__all__ = ` in front of the first line, so that line can reach 130 characters and fail
the project's ruff gate (ruff.toml) with nothing a notebook could change. The same names, in the same order, are
wrapped with the prefix counted.
"""
import re
import subprocess
import sys
from pathlib import Path
from textwrap import TextWrapper

ROOT = Path(__file__).resolve().parent.parent
ALL = re.compile(r"^__all__ = (\[.*?\])$", re.M | re.S)


def rewrap_all(text: str, width: int = 120) -> str:
    "The module text with its nbdev `__all__ = [...]` list wrapped to `width` characters, prefix included."
    m = ALL.search(text)
    if not m: return text
    names = " ".join(m.group(1).split())
    tw = TextWrapper(width=width, initial_indent="__all__ = ", subsequent_indent=" " * 11, break_long_words=False)
    return text[:m.start()] + "\n".join(tw.wrap(names)) + text[m.end():]


def main() -> int:
    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT).returncode
    if run("nbdev_clean") or run("nbdev_export"): return 1
    for p in sorted((ROOT / "crystal_design").rglob("*.py")):
        text = p.read_text()
        new = rewrap_all(text)
        if new != text: p.write_text(new)
    return run("nbdev_clean") or run(sys.executable, "scripts/make_readme.py")


if __name__ == "__main__":
    sys.exit(main())
