"""Oracle timings on real crystals.

Usage: python benchmarks/oracles.py [--n 4] [--scf 8] [--skip-gpaw-10]

Prints:
  * per-structure wall time of each oracle on 10-atom crystals (valid random designs on the Rb3ScF6
    skeleton): density, CHGNet energy, CHGNet + FIRE relaxation, the band-gap model, GPAW SCF;
  * the GPAW wrapper (GPAWOracle.run: child process, JSON in/out, classification) vs running GPAW
    directly (a plain ASE + GPAW script in a fresh process, same input and settings): ratio, goal <= 1.1;
  * 2 workers vs 1 on 8 SCFs through the evaluation store: ratio, goal >= 1.8.
The last printed line is a JSON object with every figure.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings

import numpy as np
from pymatgen.core import Structure

warnings.filterwarnings("ignore")

from crystal_design.bandgap import BandGapOracle
from crystal_design.data import prototype_structure
from crystal_design.dft.gpaw import GPAW_PRESETS, GPAWOracle, gpaw_available
from crystal_design.metrics import smact_valid
from crystal_design.oracles import CHGNetOracle, DensityOracle
from crystal_design.store import EvaluationStore, SerialExecutor, ThreadExecutor


def designs(n, seed=0):
    "n SMACT-valid random 10-atom designs on the Rb3ScF6 skeleton (paper 001's 21 elements, <= 3 distinct)."
    rb = prototype_structure("Rb3ScF6")
    rng = np.random.default_rng(seed)
    pool = "Li Na K Rb Be Ca Mg Sr O S F Cl Br".split()
    out = []
    while len(out) < n:
        els = rng.choice(pool, 3, replace=False)
        species = [els[0] if sp.symbol == "Rb" else els[1] if sp.symbol == "Sc" else els[2] for sp in rb.species]
        s = Structure(rb.lattice, species, rb.frac_coords)
        if smact_valid(s): out.append(s)
    return out


def per_structure(oracle, structures):
    t0 = time.perf_counter(); evs = oracle.evaluate(structures); dt = (time.perf_counter() - t0) / len(structures)
    return dt, [e.status for e in evs]


DIRECT = textwrap.dedent("""
    import json, sys, time
    t0 = time.perf_counter()
    from ase import Atoms
    from gpaw import GPAW, PW, Mixer
    j = json.load(open("in.json"))
    a = Atoms(numbers=j["numbers"], cell=j["cell"], scaled_positions=j["frac"], pbc=True)
    p = j["settings"]
    a.calc = GPAW(mode=PW(p["ecut_ev"]), xc=p["xc"], kpts=tuple(p["kpts"]), nbands=j["nbands"], txt="gpaw.txt",
                  occupations={"name": "fermi-dirac", "width": 0.0}, mixer=Mixer(beta=0.7, nmaxold=5, weight=50.0),
                  maxiter=100, convergence={"energy": p["conv_energy_ev"]})
    print(a.get_potential_energy())
""")


def direct_gpaw(s, n_el):
    "Plain ASE+GPAW script in a fresh process on the same input (what a user would run by hand)."
    p = GPAW_PRESETS["paper"]
    nb = int(np.ceil(n_el / 2 * 1.2)) + 4
    job = dict(numbers=[x.Z for x in s.species], cell=s.lattice.matrix.tolist(), frac=s.frac_coords.tolist(), settings=p, nbands=nb)
    with tempfile.TemporaryDirectory() as d:
        open(f"{d}/in.json", "w").write(json.dumps(job)); open(f"{d}/run.py", "w").write(DIRECT)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "run.py"], cwd=d, check=True, capture_output=True,
                       env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
        return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=4, help="10-atom designs per oracle")
    ap.add_argument("--scf", type=int, default=8, help="SCFs for the 2-vs-1 worker comparison")
    ap.add_argument("--skip-gpaw-10", action="store_true", help="skip GPAW on the 10-atom designs (slowest part)")
    a = ap.parse_args()
    res = {}
    ds = designs(a.n)
    print("10-atom designs:", ", ".join(s.composition.reduced_formula for s in ds))
    for name, orc in [("density", DensityOracle()), ("chgnet_energy", CHGNetOracle()),
                      ("chgnet_relax_fire", CHGNetOracle(relax=True, fmax=0.1, steps=200)), ("bandgap_model", BandGapOracle())]:
        orc.evaluate(ds[:1])                                             # load models once
        dt, st = per_structure(orc, ds)
        res[f"{name}_s_per_structure"] = round(dt, 4)
        print(f"{name:18s} {dt*1e3:10.1f} ms / structure   statuses {st}")
    if gpaw_available():
        if not a.skip_gpaw_10:
            dt, st = per_structure(GPAWOracle(ladder=False), ds[:2])
            res["gpaw_scf_10atom_s_per_structure"] = round(dt, 2)
            print(f"{'gpaw_scf (paper)':18s} {dt:10.1f} s  / structure   statuses {st}")
        g = GPAWOracle(ladder=False)
        from crystal_design.dft.gpaw import gpaw_setups
        for label, s in [("NaCl", prototype_structure("rocksalt")), ("SrTiO3", prototype_structure("perovskite"))]:
            n_el = sum(gpaw_setups()[x.symbol] for x in s.species)
            w = [g.run(s)["wall_seconds"] for _ in range(2)]
            dr = [direct_gpaw(s, n_el) for _ in range(2)]
            ratio = min(w) / min(dr)
            res[f"gpaw_wrapper_vs_direct_{label}"] = round(ratio, 3)
            print(f"GPAW {label}: wrapper {min(w):.2f} s vs direct script {min(dr):.2f} s -> ratio {ratio:.3f} (goal <= 1.1)")
        pairs = [("Na", "Cl"), ("K", "Cl"), ("Na", "F"), ("K", "F"), ("Li", "F"), ("Li", "Cl"), ("Na", "Br"), ("K", "Br")][: a.scf]
        nacl = prototype_structure("rocksalt")
        batch = [Structure(nacl.lattice, list(p), nacl.frac_coords) for p in pairs]
        times = {}
        for w, ex in [(1, SerialExecutor()), (2, ThreadExecutor(2))]:
            with tempfile.TemporaryDirectory() as d:
                t0 = time.perf_counter(); evs = EvaluationStore(f"{d}/s.sqlite").evaluate(batch, GPAWOracle(ladder=False), executor=ex)
                times[w] = time.perf_counter() - t0
                assert all(e.ok for e in evs), [e.status for e in evs]
        res["scf8_1worker_s"], res["scf8_2workers_s"] = round(times[1], 2), round(times[2], 2)
        res["speedup_2_vs_1_workers"] = round(times[1] / times[2], 3)
        print(f"{len(batch)} GPAW SCFs: 1 worker {times[1]:.1f} s, 2 workers {times[2]:.1f} s -> {times[1]/times[2]:.2f}x (goal >= 1.8)")
    else:
        print("GPAW not installed: DFT timings skipped (bash install.sh installs it)")
    print(json.dumps(dict(benchmark="oracles", **res)))


if __name__ == "__main__":
    main()
