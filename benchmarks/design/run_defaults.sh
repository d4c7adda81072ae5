#!/bin/bash
# the issue-15 measurements: the default command (fresh evaluation store each: a new user's cold start) on seeds 1, 2
# (Rb3ScF6 @ 1.12 eV; seed 0 ran before GPAW used 2 MPI ranks) and on a Perov-5 test crystal @ 2.0 eV
cd "$(dirname "$0")/../.."
export CRYSTAL_DESIGN_DATA=${CRYSTAL_DESIGN_DATA:-../shared/data}
mkdir -p runs/issue15
# the unseen skeleton: the first crystal of Perov-5's test split, as a CIF
[ -f runs/issue15/perov5_test_0.cif ] || python -c "import pandas as pd, os; open('runs/issue15/perov5_test_0.cif', 'w').write(pd.read_csv(os.path.join(os.environ['CRYSTAL_DESIGN_DATA'], 'perov_5/test.csv')).cif[0])"
for s in 1 2; do
  /usr/bin/time -v crystal-design design --seed $s --out runs/issue15/rb3scf6-s$s --store runs/issue15/store-s$s.sqlite --overwrite --no-progress > runs/issue15/rb3scf6-s$s.log 2>&1
done
/usr/bin/time -v crystal-design design --skeleton runs/issue15/perov5_test_0.cif --target band_gap=2.0 --seed 0 --out runs/issue15/perov5-s0 --store runs/issue15/store-perov5.sqlite --overwrite --no-progress > runs/issue15/perov5-s0.log 2>&1
