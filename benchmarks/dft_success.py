"""DFT success rate on valid random designs of the Rb3ScF6 skeleton, with and without the retry ladder.

Usage: python benchmarks/dft_success.py [--n 50] [--workers 2] [--store runs/dft_success.sqlite] [--preset paper]
                                        [--ecut EV] [--kpts K] [--conv EV] [--no-relax]   (cheaper screening settings)

Designs: SMACT-valid random fillings of the 10-site Rb3ScF6 skeleton with paper 001's 21 elements
(at most 5 distinct, as paper 001), relaxed with CHGNet + FIRE first (paper 001's protocol), then one
GPAW SCF each (paper preset: 408 eV = 30 Ry, 3x3x3 k, fixed occupations; --no-relax skips the relaxation). Every result goes to the
evaluation store, so an interrupted run resumes where it stopped. "Without the ladder" counts the
first attempt of each evaluation; "with the ladder" the final status. Last line: JSON.
"""
import argparse
import collections
import json
import time
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")

from crystal_design.data import prototype_structure
from crystal_design.dft.gpaw import GPAWOracle
from crystal_design.env import BatchDesignEnv, random_actions
from crystal_design.graphs import Skeleton
from crystal_design.metrics import smact_valid
from crystal_design.oracles import RelaxedOracle
from crystal_design.store import EvaluationStore, ThreadExecutor


def valid_designs(n, seed=0):
    sk = Skeleton.from_structure(prototype_structure("Rb3ScF6"), "Rb3ScF6")
    env = BatchDesignEnv(sk, "paper001", n_envs=256, max_distinct=5, seed=seed)
    gen = torch.Generator().manual_seed(seed)
    out, seen = [], set()
    while len(out) < n:
        fin = env.step(random_actions(env.action_mask(), gen))
        for s in env.structures(fin) if len(fin) else []:
            key = tuple(sp.symbol for sp in s.species)
            if key not in seen and smact_valid(s):
                seen.add(key); out.append(s)
    return out[:n]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=50); ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--store", default="runs/dft_success.sqlite"); ap.add_argument("--preset", default="paper")
    ap.add_argument("--timeout", type=float, default=720)
    ap.add_argument("--ecut", type=float, default=None, help="override the preset's plane-wave cutoff (eV)")
    ap.add_argument("--kpts", type=int, default=None, help="override the k-point grid with K x K x K")
    ap.add_argument("--conv", type=float, default=None, help="override the SCF energy criterion (eV per valence electron)")
    ap.add_argument("--no-relax", action="store_true", help="skip the CHGNet + FIRE pre-relaxation (paper 004 ran DFT unrelaxed)")
    a = ap.parse_args()
    designs = valid_designs(a.n)
    print(f"{len(designs)} SMACT-valid designs, e.g. {[d.composition.reduced_formula for d in designs[:5]]}")
    over = {}
    if a.ecut: over["ecut_ev"] = a.ecut
    if a.kpts: over.update(kpts=(a.kpts,) * 3, kpt_density=None)
    if a.conv: over["conv_energy_ev"] = a.conv
    gpaw = GPAWOracle(preset=a.preset, timeout_s=a.timeout, ladder=True, **over)
    oracle = gpaw if a.no_relax else RelaxedOracle(gpaw, fmax=0.1, steps=300)
    print("GPAW settings:", gpaw.params, "| CHGNet pre-relaxation:", not a.no_relax)
    t0 = time.time()
    evs = EvaluationStore(a.store).evaluate(designs, oracle, executor=ThreadExecutor(a.workers), progress=True)
    first = collections.Counter(e.attempts[0]["status"] if e.attempts else e.status for e in evs)
    final = collections.Counter(e.status for e in evs)
    gaps = [e.band_gap_ev for e in evs if e.ok]
    res = dict(benchmark="dft_success", n=len(evs), preset=a.preset, overrides=over, timeout_s=a.timeout, relaxed=not a.no_relax,
               success_without_ladder=round(first["ok"] / len(evs), 3), success_with_ladder=round(final["ok"] / len(evs), 3),
               first_attempt_statuses=dict(first), final_statuses=dict(final),
               mean_attempts=round(float(np.mean([max(len(e.attempts), 1) for e in evs])), 2),
               median_gpaw_s=round(float(np.median([sum(x["seconds"] for x in e.attempts) for e in evs if e.attempts])), 1) if any(e.attempts for e in evs) else None,
               gap_ev_mean_ok=round(float(np.mean(gaps)), 3) if gaps else None, wall_s=round(time.time() - t0, 1))
    print(f"success without the ladder {res['success_without_ladder']:.0%}, with the ladder {res['success_with_ladder']:.0%}")
    print("first attempts:", dict(first)); print("final:", dict(final))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
