"""Helper process for the store tests: evaluate a fixed batch into a store, printing each result as it is stored.

usage: python store_worker.py STORE_PATH ORACLE(gpaw|chgnet|density) [N]
"""
import sys

from pymatgen.core import Structure

from crystal_design.data import prototype_structure
from crystal_design.store import EvaluationStore, structure_fingerprint

PAIRS = [("Na", "Cl"), ("K", "Cl"), ("Na", "F"), ("K", "F"), ("Li", "F"), ("Li", "Cl"), ("Na", "Br"), ("K", "Br")]


def batch(n):
    nacl = prototype_structure("rocksalt")
    return [Structure(nacl.lattice, list(p), nacl.frac_coords) for p in PAIRS[:n]]


def oracle(name):
    if name == "gpaw":
        from crystal_design.dft.gpaw import GPAWOracle
        return GPAWOracle()
    if name == "chgnet":
        from crystal_design.oracles import CHGNetOracle
        return CHGNetOracle(relax=True, fmax=0.01)
    from crystal_design.oracles import DensityOracle
    return DensityOracle()


if __name__ == "__main__":
    path, name = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    structures = batch(n)
    computed = []
    def report(i, ev):
        computed.append(i)
        print("stored", structure_fingerprint(structures[i]), ev.status, flush=True)
    EvaluationStore(path).evaluate(structures, oracle(name), on_result=report)
    print("computed", len(computed), flush=True)
