"""The style gate of the test command: ruff (rules in ruff.toml) on the exported library, fixed in the notebooks.

One exception, and only one: nbdev 2.4 wraps the generated `__all__ = [...]` list at 120 characters *before* it
prefixes `__all__ = `, so that first line can reach 130 characters and no notebook edit can change it. E501 on a
line that starts with `__all__ = [` is therefore not counted. Run: `python scripts/style_check.py` (exit 1 on findings).
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def findings() -> list[dict]:
    "ruff's findings on crystal_design/, less E501 on nbdev's generated `__all__` lines."
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "crystal_design", "--output-format", "json"],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"style_check: ruff failed: {r.stderr.strip()}")
    kept = []
    for f in json.loads(r.stdout or "[]"):
        line = Path(f["filename"]).read_text().splitlines()[f["location"]["row"] - 1]
        if f["code"] == "E501" and line.startswith("__all__ = ["):
            continue
        kept.append(f)
    return kept


def main() -> int:
    kept = findings()
    for f in kept:
        rel = Path(f["filename"]).resolve().relative_to(ROOT)
        print(f"{rel}:{f['location']['row']}: {f['code']} {f['message']}")
    print(f"style_check: {len(kept)} finding(s) in crystal_design/ (ruff.toml; fix them in nbs/, then nbdev_export)")
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
