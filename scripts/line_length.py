"""The line-length half of the style gate: ruff's E501 at 120 characters on the exported library, except nbdev's own
generated `__all__ = [...]` block.

nbdev 2.4 wraps that list at 120 characters *before* it puts `__all__ = ` in front of the first line, so the line can
reach 130 characters with nothing a notebook could change, and the library must stay exactly what plain
`nbdev_export` writes. ruff.toml therefore leaves E501 out for crystal_design/ and this script applies it: every
module is handed to ruff on stdin with the lines of its `__all__` block blanked (line numbers unchanged), so every
other line is held to 120. Exit status 1 and ruff's findings when a line is too long; `python scripts/line_length.py`.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "crystal_design"
ALL = re.compile(r"^__all__ = \[.*?\]$", re.M | re.S)


def all_block_lines(text: str) -> set[int]:
    "1-based numbers of the lines of nbdev's generated `__all__ = [...]` block (empty when there is none)."
    m = ALL.search(text)
    if not m: return set()
    first = text.count("\n", 0, m.start()) + 1
    return set(range(first, first + m.group(0).count("\n") + 1))


def without_all_block(text: str) -> str:
    "The module text with the `__all__` block's lines blanked, so line numbers stay those of the file."
    skip = all_block_lines(text)
    return "\n".join("" if k in skip else line for k, line in enumerate(text.split("\n"), 1))


def main() -> int:
    bad = 0
    for p in sorted(PKG.rglob("*.py")):
        if p.name == "_modidx.py": continue            # nbdev's index, not code (excluded in ruff.toml as well)
        rel = p.relative_to(ROOT).as_posix()
        r = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E501", "--line-length",
                            "120", "--output-format", "concise", "--stdin-filename", rel, "-"],
                           input=without_all_block(p.read_text()), capture_output=True, text=True, cwd=ROOT)
        if r.returncode:
            bad += 1
            print("\n".join(line for line in r.stdout.splitlines() if line.startswith(rel)))
    print(f"line length (E501, 120) on {PKG.name}/ without nbdev's __all__ blocks: "
          + (f"{bad} module(s) with long lines" if bad else "all lines fit"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
