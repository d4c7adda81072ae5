"""Structure-prediction energy engines on an 80-atom cell (conventional bixbyite Y2O3, randomly displaced and strained).

1. Ionic engine (LAMMPS buck/coul/long + Ewald, one in-process instance): energy + forces evaluations per second, against
   the straightforward alternative measured in the same run: pymatgen's EwaldSummation (energy + forces) plus a Python
   Buckingham pair sum over all images within 12 Å (the same model; its agreement is printed).
2. CHGNet (pretrained 0.3.0, CPU): energy + forces evaluations per second on the same cell.
3. A full relaxation (positions + cell) from the same start: ionic (LAMMPS CG + box/relax) and CHGNet (ASE FIRE +
   Fréchet cell filter, fmax 0.05 eV/Å, at most --chgnet-steps steps).

Usage: python benchmarks/csp.py [--repeats 20] [--chgnet-steps 300] [--threads 2]
Last line: JSON.
"""
import argparse
import json
import time
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")

from pymatgen.analysis.ewald import EwaldSummation

from crystal_design.csp import CHGNetEngine, IonicEngine, Y2O3_POTENTIAL, bixbyite_y2o3


def buckingham_sum(s, pot):
    e, f = 0.0, np.zeros((len(s), 3))
    for i, nbrs in enumerate(s.get_all_neighbors(pot.cutoff)):
        for nb in nbrs:
            A, rho, C = pot.pair(s[i].species_string, nb.species_string)
            r = nb.nn_distance; d = (s[i].coords - nb.coords) / r
            e += 0.5 * (A * np.exp(-r / rho) - C / r**6)
            f[i] += (A / rho * np.exp(-r / rho) - 6 * C / r**7) * d
    return e, f


def rate(fn, repeats):
    fn()                                   # warm-up
    t0 = time.perf_counter()
    for _ in range(repeats): fn()
    return repeats / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--chgnet-steps", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    s = bixbyite_y2o3(primitive=False)
    np.random.seed(0); s.perturb(0.15); s.apply_strain([0.03, -0.02, 0.01])
    print(f"cell: {s.composition.reduced_formula}, {len(s)} atoms, {s.volume:.0f} Å³")

    ion = IonicEngine()
    r_ion = rate(lambda: ion.calculate(s), a.repeats)
    q = s.copy(); q.add_oxidation_state_by_element({"Y": 3, "O": -2})

    def baseline():
        ew = EwaldSummation(q, compute_forces=True)
        return ew.total_energy + buckingham_sum(s, Y2O3_POTENTIAL)[0], ew.forces
    e_base, _ = baseline()
    r_base = rate(baseline, max(2, a.repeats // 10))
    e_ion = ion.calculate(s)["energy"]
    print(f"ionic (LAMMPS): {r_ion:.1f} energy+forces/s; pymatgen Ewald + Python Buckingham: {r_base:.2f}/s "
          f"-> {r_ion / r_base:.0f}x; energies {e_ion / len(s):.6f} vs {e_base / len(s):.6f} eV/atom")

    ch = CHGNetEngine(fmax=0.05, max_steps=a.chgnet_steps)
    s2 = s.copy(); s2.translate_sites([0], [1e-3, 0, 0], frac_coords=False)    # alternate two cells: ASE calculators cache results
    cells = [s, s2]; k = [0]

    def chg():
        k[0] ^= 1; return ch.calculate(cells[k[0]])
    r_ch = rate(chg, max(2, a.repeats // 4))
    print(f"CHGNet: {r_ch:.2f} energy+forces/s -> ionic is {r_ion / r_ch:.0f}x faster per evaluation")

    t0 = time.perf_counter(); ri = ion.relax(s); t_ion = time.perf_counter() - t0
    print(f"ionic relaxation: {t_ion:.2f} s, {ri.steps} force calls, {ri.status}, {ri.energy_per_atom:.6f} eV/atom")
    t0 = time.perf_counter(); rc = ch.relax(s); t_ch = time.perf_counter() - t0
    print(f"CHGNet relaxation: {t_ch:.1f} s, {rc.steps} FIRE steps, {rc.status}, {rc.energy_per_atom:.4f} eV/atom "
          f"-> ionic relaxation {t_ch / t_ion:.0f}x faster")
    print(json.dumps(dict(n_atoms=len(s), ionic_evals_per_s=round(r_ion, 2), baseline_evals_per_s=round(r_base, 3),
                          ionic_vs_baseline=round(r_ion / r_base, 1), chgnet_evals_per_s=round(r_ch, 3),
                          ionic_vs_chgnet=round(r_ion / r_ch, 1), ionic_relax_s=round(t_ion, 3), ionic_relax_steps=ri.steps,
                          ionic_relax_status=ri.status, chgnet_relax_s=round(t_ch, 2), chgnet_relax_steps=rc.steps,
                          chgnet_relax_status=rc.status, threads=a.threads)))


if __name__ == "__main__":
    main()
