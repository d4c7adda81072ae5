"""Write README.md from nbs/index.ipynb (nbdev's own `nbdev_readme` needs Quarto, which our machines lack).

Markdown cells are copied; code cells become ```python blocks followed by their text output;
cells marked `#| hide` are skipped; images are left to the docs site.
Usage: python scripts/make_readme.py [--check]   (--check: exit 1 if README.md is out of date)
"""
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def render(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text())
    parts = []
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip()
        if not src or src.startswith("#| hide") or "\n#| hide" in src: continue
        if cell["cell_type"] == "markdown":
            parts.append(src)
        elif cell["cell_type"] == "code":
            code = "\n".join(l for l in src.splitlines() if not l.startswith("#|"))
            parts.append(f"```python\n{code}\n```")
            texts = []
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream" and o.get("name") == "stdout": texts.append("".join(o["text"]))
                elif "data" in o and "text/plain" in o["data"] and "image/png" not in o["data"]:
                    texts.append("".join(o["data"]["text/plain"]))
            if texts: parts.append("```\n" + "\n".join(t.rstrip() for t in texts) + "\n```")
    text = "\n\n".join(parts) + "\n"
    # nbdev front matter: "# title\n> summary" -> keep as heading + blockquote
    return "<!-- generated from nbs/index.ipynb by scripts/make_readme.py: edit the notebook, not this file -->\n\n" + text


if __name__ == "__main__":
    out = render(root / "nbs" / "index.ipynb")
    readme = root / "README.md"
    if "--check" in sys.argv:
        if not readme.exists() or readme.read_text() != out:
            print("README.md is out of date with nbs/index.ipynb: run python scripts/make_readme.py"); sys.exit(1)
    else:
        readme.write_text(out)
