"""Environment throughput and graph build time on real skeletons (oracle excluded).

Usage: CRYSTAL_DESIGN_DATA=../shared/data python benchmarks/env_throughput.py [--n-mp20 100] [--n-perov 100]
       [--n-envs 1024] [--seconds 3] [--crystalnn 200]

Reports, for random masked rollouts over MP-20 + Perov-5 skeletons:
  * batch env steps/s (torch tensors, auto-reset, n_envs episodes at a time);
  * the straightforward baseline measured in the same run: the Gymnasium env stepped one episode
    at a time (Python per step, NumPy observations), and its ratio to the batch env;
  * per-skeleton graph build time, radius cutoff vs CrystalNN;
  * batching states for a network: `GraphPool.collate` (gathers from graphs built once) vs the
    straightforward way (rebuild each state's graph with the neighbour search, then concatenate).
The last printed line is a JSON object with every figure.
"""
import argparse
import json
import os
import time
import warnings

import numpy as np
import torch

from crystal_design.data import load_mp20_qe, perov5_splits, structure_from_cif
from crystal_design.env import BatchDesignEnv, CrystalDesignEnv, random_actions
from crystal_design.graphs import GraphPool, Skeleton, radius_graph, crystalnn_graph


def skeletons(n_mp20, n_perov):
    mp = load_mp20_qe().head(n_mp20)
    pv = perov5_splits(seed=0)["train"].head(n_perov)
    sks = [Skeleton.from_structure(structure_from_cif(c), f"mp20-{i}") for i, c in enumerate(mp.cif)]
    sks += [Skeleton.from_structure(structure_from_cif(c), f"perov5-{i}") for i, c in enumerate(pv.cif)]
    return sks


def time_batch_env(sks, n_envs, seconds):
    env = BatchDesignEnv(sks, "mp20", n_envs=n_envs, max_distinct=5, seed=0)
    gen = torch.Generator().manual_seed(0)
    for _ in range(20): env.step(random_actions(env.action_mask(), gen))   # warm-up
    steps = episodes = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fin = env.step(random_actions(env.action_mask(), gen)); steps += n_envs; episodes += len(fin)
    dt = time.perf_counter() - t0
    return steps / dt, episodes / dt


def time_gym_env(sks, seconds):
    env = CrystalDesignEnv(sks, "mp20", max_distinct=5, mask_distinct=True)
    rng = np.random.default_rng(0)
    obs, _ = env.reset(seed=0)
    steps = episodes = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a = rng.choice(np.flatnonzero(obs["action_mask"]))
        obs, r, term, trunc, info = env.step(a); steps += 1
        if term:
            episodes += 1; obs, _ = env.reset()
    dt = time.perf_counter() - t0
    return steps / dt, episodes / dt


def time_collate(sks, batch=256, reps=20):
    "States/s batched by GraphPool.collate vs rebuilding every state's radius graph and concatenating."
    pool = GraphPool(sks)
    rng = np.random.default_rng(0)
    ids = torch.as_tensor(rng.integers(len(sks), size=batch))
    species = torch.as_tensor(rng.integers(-1, 88, size=(batch, pool.max_sites)))
    focus = torch.zeros(batch, dtype=torch.long)
    pool.collate(ids, species, focus, 1.0, n_vocab=88)
    t0 = time.perf_counter()
    for _ in range(reps): pool.collate(ids, species, focus, 1.0, n_vocab=88)
    fast = batch * reps / (time.perf_counter() - t0)

    def naive():
        src, dst, dist, shift, off = [], [], [], [], 0
        for i in ids.tolist():
            sk = sks[i]; g = radius_graph(sk.frac_coords, sk.lattice, 5.0)
            src.append(torch.as_tensor(g.src) + off); dst.append(torch.as_tensor(g.dst) + off)
            dist.append(torch.as_tensor(g.dist_ang)); shift.append(torch.as_tensor(g.shift_ang)); off += sk.n_sites
        return torch.stack([torch.cat(src), torch.cat(dst)]), torch.cat(dist), torch.cat(shift)
    t0 = time.perf_counter()
    for _ in range(max(1, reps // 4)): naive()
    slow = batch * max(1, reps // 4) / (time.perf_counter() - t0)
    return fast, slow


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-mp20", type=int, default=100); ap.add_argument("--n-perov", type=int, default=100)
    ap.add_argument("--n-envs", type=int, default=1024); ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--crystalnn", type=int, default=200, help="how many skeletons to time CrystalNN on")
    a = ap.parse_args()
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    t = time.perf_counter(); sks = skeletons(a.n_mp20, a.n_perov); t_load = time.perf_counter() - t
    print(f"{len(sks)} skeletons ({a.n_mp20} MP-20 + {a.n_perov} Perov-5), {np.mean([s.n_sites for s in sks]):.1f} sites on average; "
          f"parsed in {t_load:.1f} s")

    t = time.perf_counter(); gr = [radius_graph(s.frac_coords, s.lattice, 5.0) for s in sks]; t_rad = (time.perf_counter() - t) / len(sks)
    sub = sks[: a.crystalnn]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter(); gc = [crystalnn_graph(s.structure()) for s in sub]; t_cnn = (time.perf_counter() - t) / len(sub)
    print(f"graph build per skeleton: radius 5 A {1e3*t_rad:.3f} ms ({np.mean([g.n_edges for g in gr]):.0f} edges), "
          f"CrystalNN {1e3*t_cnn:.1f} ms ({np.mean([g.n_edges for g in gc]):.0f} edges) on {len(sub)} skeletons: "
          f"radius is {t_cnn/t_rad:.0f}x faster")

    b_steps, b_eps = time_batch_env(sks, a.n_envs, a.seconds)
    print(f"batch env ({a.n_envs} envs): {b_steps:,.0f} steps/s, {b_eps:,.0f} episodes/s")
    g_steps, g_eps = time_gym_env(sks, a.seconds)
    print(f"baseline, Gymnasium env one episode at a time: {g_steps:,.0f} steps/s, {g_eps:,.0f} episodes/s")
    print(f"batch env / baseline: {b_steps/g_steps:.0f}x   (goal: >= 20,000 steps/s on 2 cores: "
          f"{'met' if b_steps >= 20000 else 'NOT met'})")
    c_fast, c_slow = time_collate(sks)
    print(f"batching 256 states: GraphPool.collate {c_fast:,.0f} states/s vs rebuild-per-state {c_slow:,.0f} states/s "
          f"({c_fast/c_slow:.0f}x)")
    print(json.dumps(dict(benchmark="env_throughput", n_skeletons=len(sks), n_envs=a.n_envs, cores=os.cpu_count(),
                          batch_env_steps_per_s=round(b_steps), batch_env_episodes_per_s=round(b_eps),
                          gym_env_steps_per_s=round(g_steps), speedup_vs_gym=round(b_steps / g_steps, 1),
                          radius_graph_ms=round(1e3 * t_rad, 4), crystalnn_graph_ms=round(1e3 * t_cnn, 2),
                          crystalnn_over_radius=round(t_cnn / t_rad, 1), collate_states_per_s=round(c_fast),
                          rebuild_states_per_s=round(c_slow), collate_speedup=round(c_fast / c_slow, 1))))


if __name__ == "__main__":
    main()
