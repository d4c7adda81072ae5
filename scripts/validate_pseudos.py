#!/usr/bin/env python
"""Validate the ld1.x-generated pslibrary PAW datasets (crystal_design.dft.espresso.PSLIBRARY) against GPAW.

For each element a small cell containing it is computed with pw.x (the generated PAW files) and with GPAW
(PW mode, its own PBE setups) on the SAME cell, k-mesh and functional:
  (a) the equilibrium lattice constant from an E(V) fit (5 points, `--quick`: 3 points), each engine on its own;
  (b) the band gap (over the SCF k-mesh) of both engines at the GPAW equilibrium lattice constant.
Tolerance: |da|/a <= 1 % and |dgap| <= 0.2 eV. This is an engine-vs-engine check, not a ground-state search:
several cells are hypothetical polymorphs (rocksalt BeO, Li3Bi-type Li3P) or weakly bound (fcc He/Ne/Kr).

Everything runs serially (OMP_NUM_THREADS=1, one pw.x / GPAW calculation at a time).
The last line of stdout is a JSON summary.

    python scripts/validate_pseudos.py --out crystal_design/assets/pslibrary_validation.json
"""
import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.build import bulk
from ase.io import read
from ase.io.espresso import write_espresso_in
from ase.units import Ry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

A_TOL, GAP_TOL = 0.01, 0.2            # |da|/a, |dgap| in eV


# --------------------------------------------------------------------------------------------- cells
def li3n(a):
    "Li3N, P6/mmm (the real alpha phase), 4 atoms; c/a fixed at experiment (3.875/3.648), scaled uniformly."
    c = a * 3.875 / 3.648
    cell = [[a, 0, 0], [-a / 2, a * np.sqrt(3) / 2, 0], [0, 0, c]]
    return Atoms("NLiLiLi", cell=cell, pbc=True,
                 scaled_positions=[(0, 0, 0), (0, 0, 0.5), (1 / 3, 2 / 3, 0), (2 / 3, 1 / 3, 0)])


def li3bi_type(x, a):
    "X Li3 in the cubic Li3Bi (BiF3) structure, Fm-3m, 4-atom primitive cell (closed shell for X = N, P)."
    cell = 0.5 * a * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    pos = a * np.array([[0, 0, 0], [0.25, 0.25, 0.25], [0.75, 0.75, 0.75], [0.5, 0.5, 0.5]])
    return Atoms(x + "LiLiLi", cell=cell, positions=pos, pbc=True)


# name -> (builder(a), starting a in Angstrom, description); a = conventional cubic / hexagonal a
CELLS = {
    "LiH":  (lambda a: bulk("LiH", "rocksalt", a=a), 4.01, "rocksalt LiH, 2 atoms"),
    "NaCl": (lambda a: bulk("NaCl", "rocksalt", a=a), 5.69, "rocksalt NaCl, 2 atoms"),
    "KBr":  (lambda a: bulk("KBr", "rocksalt", a=a), 6.70, "rocksalt KBr, 2 atoms"),
    "RbF":  (lambda a: bulk("RbF", "rocksalt", a=a), 5.75, "rocksalt RbF, 2 atoms"),
    "MgO":  (lambda a: bulk("MgO", "rocksalt", a=a), 4.25, "rocksalt MgO, 2 atoms"),
    "CaS":  (lambda a: bulk("CaS", "rocksalt", a=a), 5.72, "rocksalt CaS, 2 atoms"),
    "SrSe": (lambda a: bulk("SrSe", "rocksalt", a=a), 6.30, "rocksalt SrSe, 2 atoms"),
    "BeO":  (lambda a: bulk("BeO", "rocksalt", a=a), 3.65, "rocksalt BeO (high-pressure polymorph), 2 atoms"),
    "C":    (lambda a: bulk("C", "diamond", a=a), 3.57, "diamond C, 2 atoms"),
    "Li3N": (li3n, 3.65, "alpha-Li3N P6/mmm, 4 atoms, c/a fixed, uniform scaling (a = hexagonal a)"),
    "Li3P": (lambda a: li3bi_type("P", a), 5.80, "Li3P in cubic Li3Bi type (hypothetical), 4 atoms"),
    "He":   (lambda a: bulk("He", "fcc", a=a), 4.20, "fcc He, 1 atom"),
    "Ne":   (lambda a: bulk("Ne", "fcc", a=a), 4.60, "fcc Ne, 1 atom"),
    "Kr":   (lambda a: bulk("Kr", "fcc", a=a), 6.30, "fcc Kr, 1 atom"),
}

# element -> cell that validates it
ELEMENT_CELL = {"Li": "LiH", "H": "LiH", "Na": "NaCl", "Cl": "NaCl", "K": "KBr", "Br": "KBr",
                "Rb": "RbF", "F": "RbF", "Mg": "MgO", "O": "MgO", "Ca": "CaS", "S": "CaS",
                "Sr": "SrSe", "Se": "SrSe", "Be": "BeO", "C": "C", "N": "Li3N", "P": "Li3P",
                "He": "He", "Ne": "Ne", "Kr": "Kr"}
ALL_ELEMENTS = list(ELEMENT_CELL)


def kmesh(atoms, k2):
    "k2 x k2 x k2 for cubic cells; for hexagonal Li3N keep about the same density along c."
    if atoms.cell.angles()[2] > 100:                # hexagonal
        return (k2, k2, max(2, int(round(k2 * atoms.cell.lengths()[0] / atoms.cell.lengths()[2]))))
    return (k2, k2, k2)


# --------------------------------------------------------------------------------------------- engines
def upf_cutoffs(path):
    txt = Path(path).read_text(errors="replace")[:20000]
    w = re.search(r"Suggested minimum cutoff for wavefunctions:\s*([\d.]+)", txt)
    r = re.search(r"Suggested minimum cutoff for charge density:\s*([\d.]+)", txt)
    return (float(w.group(1)) if w else 0.0), (float(r.group(1)) if r else 0.0)


class QE:
    def __init__(self, pseudo_dir, workdir, ecutwfc=50.0, ecutrho=400.0, timeout=3600):
        self.pseudo_dir, self.workdir = Path(pseudo_dir), Path(workdir)
        self.ecutwfc0, self.ecutrho0, self.timeout = ecutwfc, ecutrho, timeout
        self.n = 0

    def settings(self, atoms, upfs):
        sug = [upf_cutoffs(self.pseudo_dir / upfs[s]) for s in set(atoms.get_chemical_symbols())]
        ew = float(np.ceil(max([self.ecutwfc0] + [w for w, _ in sug])))
        er = float(np.ceil(max([self.ecutrho0, 4 * ew] + [r for _, r in sug])))
        return ew, er

    def run(self, atoms, kpts, upfs, tag):
        ew, er = self.settings(atoms, upfs)
        d = self.workdir / tag
        d.mkdir(parents=True, exist_ok=True)
        inp = {"control": {"calculation": "scf", "prefix": "v", "outdir": "./tmp", "pseudo_dir": str(self.pseudo_dir),
                           "tprnfor": False, "tstress": False, "disk_io": "none"},
               "system": {"ecutwfc": ew, "ecutrho": er, "occupations": "fixed", "input_dft": "PBE",
                          "nbnd": None},
               "electrons": {"conv_thr": 1e-10 * len(atoms), "mixing_beta": 0.5}}
        nval = sum(self._zval(upfs[s]) for s in atoms.get_chemical_symbols())
        inp["system"]["nbnd"] = int(np.ceil(nval / 2)) + 4
        buf = io.StringIO()
        write_espresso_in(buf, atoms, input_data=inp, pseudopotentials={s: upfs[s] for s in set(atoms.get_chemical_symbols())},
                          kpts=kpts)
        (d / "pw.in").write_text(buf.getvalue())
        t = time.time()
        with open(d / "pw.out", "w") as fo:
            subprocess.run(["pw.x", "-in", "pw.in"], cwd=d, stdout=fo, stderr=subprocess.STDOUT,
                           timeout=self.timeout, env={**os.environ, "OMP_NUM_THREADS": "1"}, check=False)
        out = (d / "pw.out").read_text(errors="replace")
        if "convergence has been achieved" not in out:
            raise RuntimeError(f"pw.x did not converge in {d}: {out[-600:]}")
        res = read(d / "pw.out", format="espresso-out")
        e = res.get_potential_energy()
        calc = res.calc
        nk = len(calc.get_ibz_k_points())
        eps = np.array([calc.get_eigenvalues(kpt=k) for k in range(nk)])
        nelec = float(re.search(r"number of electrons\s*=\s*([\d.]+)", out).group(1))
        subprocess.run(["rm", "-rf", str(d / "tmp")], check=False)
        return {"energy": e, "gap": gap(eps, nelec), "seconds": time.time() - t, "ecut": (ew, er)}

    def _zval(self, upf):
        txt = (self.pseudo_dir / upf).read_text(errors="replace")[:20000]
        m = re.search(r'z_valence\s*=\s*"\s*([-+\d.Ee]+)', txt) or re.search(r"([-+\d.Ee]+)\s+Z valence", txt)
        return float(m.group(1))


class GPAWEngine:
    def __init__(self, ecut_ev=600.0, workdir="."):
        self.ecut, self.workdir = ecut_ev, Path(workdir)

    def run(self, atoms, kpts, tag):
        from gpaw import GPAW, PW
        t = time.time()
        a = atoms.copy()
        calc = GPAW(mode=PW(self.ecut), xc="PBE", kpts={"size": kpts, "gamma": True},
                    occupations={"name": "fermi-dirac", "width": 0.0}, nbands="120%",
                    convergence={"energy": 1e-7, "density": 1e-6, "eigenstates": 1e-9},
                    txt=str(self.workdir / f"{tag}.txt"))
        a.calc = calc
        e = a.get_potential_energy()
        nk = len(calc.get_ibz_k_points())
        eps = np.array([calc.get_eigenvalues(kpt=k) for k in range(nk)])
        return {"energy": e, "gap": gap(eps, calc.get_number_of_electrons()), "seconds": time.time() - t}


def gap(eps, nelec):
    "Band gap (eV) over the k-mesh for a spin-degenerate insulator with `nelec` electrons; 0 if the bands overlap."
    nocc = int(round(nelec)) // 2
    if int(round(nelec)) % 2 or eps.shape[1] <= nocc:
        return None
    return float(max(0.0, eps[:, nocc].min() - eps[:, nocc - 1].max()))


# --------------------------------------------------------------------------------------------- fitting
def fit_eos(vols, ens, nat):
    "Equilibrium volume: Birch-Murnaghan for >= 5 points, else a parabola in V. Returns (v0, e0, B in GPa)."
    vols, ens = np.asarray(vols), np.asarray(ens)
    if len(vols) >= 5:
        try:
            from ase.eos import EquationOfState
            from ase.units import kJ
            v0, e0, b = EquationOfState(vols, ens, eos="birchmurnaghan").fit()
            if np.isfinite(v0) and v0 > 0:
                return float(v0), float(e0), float(b / kJ * 1.0e24)
        except Exception:
            pass
    c = np.polyfit(vols, ens, 2)
    if c[0] <= 0:
        return float("nan"), float("nan"), float("nan")
    v0 = -c[1] / (2 * c[0])
    from ase.units import kJ
    return float(v0), float(np.polyval(c, v0)), float(2 * c[0] * v0 / kJ * 1.0e24)


def scan(run, build, a_center, npts, step, max_recentre=2, log=print):
    "E(a) on npts points a_center*(1+i*step); recentre when the fitted minimum is outside the scanned range."
    done = {}
    for it in range(max_recentre + 1):
        offs = np.arange(npts) - (npts - 1) / 2
        grid = [round(float(a_center * (1 + o * step)), 5) for o in offs]
        for a in grid:
            if a not in done:
                done[a] = run(build(a), a)
        use = sorted(grid)             # fit on the current (evenly spaced) grid only
        vols = [build(a).get_volume() for a in use]
        ens = [done[a]["energy"] for a in use]
        v0, e0, b = fit_eos(vols, ens, len(build(use[0])))
        a0 = float(use[0] * (v0 / vols[0]) ** (1 / 3)) if np.isfinite(v0) else float("nan")
        inside = np.isfinite(a0) and use[0] <= a0 <= use[-1]
        log(f"    fit: a0={a0:.4f} B={b:.1f} GPa from a={use} {'(inside)' if inside else '(OUTSIDE: recentring)'}")
        if inside:
            return {"a0": a0, "B_GPa": b, "points": {str(a): done[a]["energy"] for a in use}, "ok": True}
        if np.isfinite(a0):
            a_center = float(np.clip(a0, use[0] * (1 - 2 * step), use[-1] * (1 + 2 * step)))
        else:   # no curvature: move towards the lowest energy
            a_center = min(use, key=lambda x: done[x]["energy"])
            a_center = a_center * (1 + step * (1 if a_center == use[-1] else -1 if a_center == use[0] else 0))
    return {"a0": a0, "B_GPa": b, "points": {str(a): done[a]["energy"] for a in sorted(done)}, "ok": False}


# --------------------------------------------------------------------------------------------- main
def load_entries(path):
    import crystal_design.dft.espresso as E
    if path:
        ns = {}
        exec(Path(path).read_text(), ns)
        E.PSLIBRARY.update(ns["ENTRIES"])
    return E


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--elements", default=",".join(ALL_ELEMENTS),
                    help="comma-separated symbols (default: all 21 of paper 001)")
    ap.add_argument("--out", default="results.json", help="JSON results file")
    ap.add_argument("--quick", action="store_true", help="3-point E(V) fits instead of 5")
    ap.add_argument("--entries", default=None,
                    help="python file with ENTRIES = {...} to add to PSLIBRARY before generating (candidate recipes)")
    ap.add_argument("--pseudo-dir", default=None,
                    help="where the ld1.x UPF files are, generated if absent (default: the library's pseudo cache)")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir())/"validate_pseudos"))
    ap.add_argument("--kpts", type=int, default=6, help="Monkhorst-Pack (Gamma-centred) k per direction")
    ap.add_argument("--ecutwfc", type=float, default=50.0, help="pw.x minimum ecutwfc (Ry); raised to the UPF's suggestion")
    ap.add_argument("--ecutrho", type=float, default=400.0, help="pw.x minimum ecutrho (Ry)")
    ap.add_argument("--gpaw-ecut", type=float, default=600.0, help="GPAW plane-wave cutoff (eV)")
    ap.add_argument("--step", type=float, default=None, help="relative step in a (default 0.015; --quick 0.02)")
    a = ap.parse_args()

    els = [s.strip() for s in a.elements.split(",") if s.strip()]
    bad = [s for s in els if s not in ELEMENT_CELL]
    if bad:
        ap.error(f"no validation cell for {bad}")
    E = load_entries(a.entries)
    cells = []
    for s in els:
        if ELEMENT_CELL[s] not in cells:
            cells.append(ELEMENT_CELL[s])
    npts = 3 if a.quick else 5
    step = a.step or (0.02 if a.quick else 0.015)
    workdir = Path(a.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if a.pseudo_dir is None:                   # generate_paw's default folder
        from crystal_design.core import cache_dir
        a.pseudo_dir = str(cache_dir()/"pseudo"/"ld1-pslibrary")
    qe = QE(a.pseudo_dir, workdir / "qe", a.ecutwfc, a.ecutrho)
    gp = GPAWEngine(a.gpaw_ecut, workdir / "gpaw")
    (workdir / "gpaw").mkdir(parents=True, exist_ok=True)

    out_path = Path(a.out)
    results = json.loads(out_path.read_text()) if out_path.exists() else {}
    results.setdefault("cells", {})
    results["settings"] = {"kpts": a.kpts, "npts": npts, "step": step, "qe_min_ecut_Ry": [a.ecutwfc, a.ecutrho],
                           "gpaw_ecut_eV": a.gpaw_ecut, "tolerance": {"da_rel": A_TOL, "dgap_eV": GAP_TOL}}

    for name in cells:
        build, a_start, desc = CELLS[name]
        t0 = time.time()
        row = {"cell": desc, "elements": [s for s in els if ELEMENT_CELL[s] == name]}
        print(f"== {name}: {desc}", flush=True)
        try:
            species = sorted(set(build(a_start).get_chemical_symbols()))
            upfs = {s: E.generate_paw(s, dest=a.pseudo_dir).name for s in species}
            row["upf"] = upfs
            k = kmesh(build(a_start), a.kpts)
            row["kpts"] = k
            row["qe_ecut_Ry"] = qe.settings(build(a_start), upfs)
            tagq = lambda at, aa: qe.run(at, k, upfs, f"{name}_{aa:.5f}")
            tagg = lambda at, aa: gp.run(at, k, f"{name}_{aa:.5f}")
            print("  GPAW scan", flush=True)
            g = scan(tagg, build, a_start, npts, step)
            print("  QE scan", flush=True)
            q = scan(tagq, build, g["a0"] if np.isfinite(g["a0"]) else a_start, npts, step)
            print("  gaps at a_GPAW", flush=True)
            ag = g["a0"]
            gq = qe.run(build(ag), k, upfs, f"{name}_gap")
            gg = gp.run(build(ag), k, f"{name}_gap")
            da = (q["a0"] - g["a0"]) / g["a0"]
            dgap = (None if gq["gap"] is None or gg["gap"] is None else gq["gap"] - gg["gap"])
            row.update({"a_QE": q["a0"], "a_GPAW": g["a0"], "da_rel": da, "B_QE_GPa": q["B_GPa"], "B_GPAW_GPa": g["B_GPa"],
                        "gap_QE": gq["gap"], "gap_GPAW": gg["gap"], "dgap": dgap,
                        "fit_inside_QE": q["ok"], "fit_inside_GPAW": g["ok"],
                        "E_QE": q["points"], "E_GPAW": g["points"],
                        "pass_a": bool(abs(da) <= A_TOL), "pass_gap": bool(dgap is not None and abs(dgap) <= GAP_TOL)})
            row["pass"] = row["pass_a"] and row["pass_gap"] and q["ok"] and g["ok"]
        except Exception as e:          # record and go on
            row.update({"error": f"{type(e).__name__}: {e}"[-1500:], "pass": False})
        row["seconds"] = round(time.time() - t0, 1)
        row["npts"] = npts
        results["cells"][name] = row
        out_path.write_text(json.dumps(results, indent=1))
        print(f"  -> {json.dumps({k: row.get(k) for k in ('a_QE', 'a_GPAW', 'da_rel', 'gap_QE', 'gap_GPAW', 'dgap', 'pass', 'seconds', 'error')})}",
              flush=True)

    summary = {"out": str(out_path), "npts": npts, "cells": {}}
    for name in cells:
        r = results["cells"][name]
        summary["cells"][name] = {"elements": r.get("elements"), "a_QE": r.get("a_QE"), "a_GPAW": r.get("a_GPAW"),
                                  "da_pct": None if r.get("da_rel") is None else round(100 * r["da_rel"], 3),
                                  "gap_QE": r.get("gap_QE"), "gap_GPAW": r.get("gap_GPAW"), "dgap": r.get("dgap"),
                                  "pass": r.get("pass"), "seconds": r.get("seconds"), "error": r.get("error")}
    summary["n_pass"] = sum(bool(v["pass"]) for v in summary["cells"].values())
    summary["n_cells"] = len(cells)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
