#!/bin/bash
# issue 15, stability in the objective: the same short default job (seed 1, 1024 episodes, no DFT) with and without
# --stability-reward, fresh stores; then the earlier default runs re-assessed against the hull with binary prototypes.
cd "$(dirname "$0")/../.."
export CRYSTAL_DESIGN_DATA=${CRYSTAL_DESIGN_DATA:-../shared/data} OMP_NUM_THREADS=1
mkdir -p runs/issue15
case "$1" in
  stab) /usr/bin/time -v crystal-design design --seed 1 --episodes 1024 --verify-top 0 --stability-reward \
          --out runs/issue15/tradeoff-stab-s1 --store runs/issue15/store-tradeoff-stab.sqlite --overwrite --no-progress \
          > runs/issue15/tradeoff-stab-s1.log 2>&1 ;;
  plain) /usr/bin/time -v crystal-design design --seed 1 --episodes 1024 --verify-top 0 \
          --out runs/issue15/tradeoff-plain-s1 --store runs/issue15/store-tradeoff-plain.sqlite --overwrite --no-progress \
          > runs/issue15/tradeoff-plain-s1.log 2>&1
         python benchmarks/design/reassess.py runs/issue15/rb3scf6-s0 runs/issue15/rb3scf6-s1 runs/issue15/rb3scf6-s2 runs/issue15/perov5-s0 \
          > runs/issue15/reassess.jsonl 2> runs/issue15/reassess.err ;;
esac
