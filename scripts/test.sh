#!/usr/bin/env bash
# The whole default test suite (what CI runs after install.sh). Fails when:
#   * the library is out of sync with the notebooks, a notebook is not clean, or README.md is stale;
#   * ruff finds long lines (scripts/line_length.py), semicolon-joined statements or unused imports (ruff.toml) in the
#     exported library;
#   * a rendered notebook page shows a traceback, misses a figure or has a broken image (scripts/docs_check.py);
#   * any notebook fails to execute (nbdev_test; cells flagged slow/dft/gpu are skipped);
#   * pytest fails or collects no test (exit 5 is a failure here).
set -uo pipefail
cd "$(dirname "$0")/.."
# Data: $CRYSTAL_DESIGN_DATA (developers: ../shared/data) or the download cache; whatever cannot be had is skipped
# with one printed reason per notebook / test (see the list printed below). Nothing is auto-detected here, so
# `CRYSTAL_DESIGN_DATA= bash scripts/test.sh` really is the run of a user without data.
export MPLBACKEND=Agg PYTHONWARNINGS=ignore
t_start=$(date +%s)
elapsed() { echo "($(( $(date +%s) - t_start )) s since start)"; }
python scripts/data_skips.py || exit 1

echo "== 1/5 notebooks clean, library and README in sync; style (ruff)"
python scripts/export.py || exit 1
if ! git diff --exit-code --stat -- crystal_design nbs README.md; then
  echo "FAIL: python scripts/export.py changed tracked files: commit the synced, cleaned result"; exit 1
fi
untracked=$(git status --porcelain --untracked-files=all -- crystal_design nbs | grep '^??' || true)
if [ -n "$untracked" ]; then echo "FAIL: untracked generated files:"; echo "$untracked"; exit 1; fi
python -m ruff check crystal_design || { echo "FAIL: ruff (fix the notebooks, then python scripts/export.py)"; exit 1; }
python scripts/line_length.py || { echo "FAIL: long lines (fix the notebooks, then python scripts/export.py)"; exit 1; }

echo "== 2/5 docs: every committed notebook page rendered and opened in headless Chromium $(elapsed)"
python scripts/docs_check.py --no-screenshots > /tmp/docs_check.$$ 2>&1; rc=$?
grep -E "^  (FAIL|KNOWN)|^docs_check" /tmp/docs_check.$$; rm -f /tmp/docs_check.$$
[ $rc -eq 0 ] || { echo "FAIL: docs check (python scripts/docs_check.py shows the pages and screenshots)"; exit 1; }

echo "== 3/5 notebooks execute (nbdev_test) $(elapsed)"
# one torch/BLAS thread per notebook process: two workers on 2 cores must not oversubscribe (torch slows 10x+)
# CRYSTAL_DESIGN_TEST_NOTEBOOKS=data-guarded (CI's data-free pass): run only the notebooks whose cells depend on data;
# every other notebook has no data dependence and was executed by the pass before, so it is skipped here with that reason.
if [ "${CRYSTAL_DESIGN_TEST_NOTEBOOKS:-all}" = "data-guarded" ]; then
  guarded=$(grep -l "have_data(" $(find nbs -name "*.ipynb" -not -path "*/.ipynb_checkpoints/*") | xargs -n1 basename | sed 's/\.ipynb$//' | paste -sd'|')
  echo "SKIPPED in this pass (no data dependence, executed by the pass with data):" \
       $(find nbs -name "*.ipynb" | xargs -n1 basename | sed 's/\.ipynb$//' | grep -v -E "^($guarded)$" | sort | paste -sd' ')
  OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --timing --file_re "^($guarded)\.ipynb$" || { echo "FAIL: a notebook did not execute"; exit 1; }
else
  OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --timing || { echo "FAIL: a notebook did not execute"; exit 1; }
fi

echo "== 4/5 pytest $(elapsed)"
python -m pytest --durations=10; rc=$?
if [ $rc -eq 5 ]; then echo "FAIL: pytest collected no tests"; exit 1; fi
[ $rc -eq 0 ] || { echo "FAIL: pytest exit $rc"; exit $rc; }

echo "== 5/5 main job smoke run (a short crystal-design design: 128 episodes, 3 designs relaxed, 1 checked by DFT) $(elapsed)"
out=$(mktemp -d)/design
crystal-design design --episodes 128 --n-envs 32 --stability-top 3 --verify-top 1 --out "$out" --no-progress || { echo "FAIL: main job"; exit 1; }
for f in designs.csv report.md learning_curve.png property_distribution.png config.json; do
  [ -s "$out/$f" ] || { echo "FAIL: main job wrote no $f"; exit 1; }
done
echo "all checks passed in $(( $(date +%s) - t_start )) s"
