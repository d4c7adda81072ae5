"""Notebooks -> library, the one way: `python scripts/export.py` (the test command checks that it changes nothing).

It runs `nbdev_clean`, `nbdev_export`, `nbdev_clean` and regenerates README.md from nbs/index.ipynb. The library is
exactly what plain `nbdev_export` writes (nothing is rewritten afterwards), so `nbdev_export && nbdev_clean` on a
clean checkout changes no file. Line lengths are checked by scripts/line_length.py.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    run = lambda *cmd: subprocess.run(cmd, cwd=ROOT).returncode
    return run("nbdev_clean") or run("nbdev_export") or run("nbdev_clean") or run(sys.executable, "scripts/make_readme.py")


if __name__ == "__main__":
    sys.exit(main())
