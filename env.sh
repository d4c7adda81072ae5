# Put crystal_design's environment on PATH, from the repository root: `. ./env.sh`
# (activates the project virtualenv .venv when install.sh made one; otherwise changes nothing).
if [ -f "$PWD/.venv/bin/activate" ]; then . "$PWD/.venv/bin/activate"; fi
true
