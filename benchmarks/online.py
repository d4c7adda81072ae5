"""Online RL throughput on CPU (Rb3ScF6, band gap 1.12 eV, the shipped band-gap model as the reward oracle).

1. Acting: environment steps/s of the batched loop (`BatchDesignEnv` with n_envs episodes, one network call for all of
   them, finished crystals scored in one oracle batch) vs the straightforward loop (one episode at a time through the
   Gymnasium env `CrystalDesign-v0`, one network call per step on that state, the oracle called per finished crystal).
   Same network, same oracle, same run; no design cache in either, so every finished crystal is featurised.
2. Training: agent steps/s (env + network + oracle + learning updates) of DQN, PPO and SAC with their design-job settings,
   and learning updates/s, on the networks' reference path (plain indexing, unfused Adam) and on the fast path.

Usage: python benchmarks/online.py [--arch megnet] [--n-envs 64] [--episodes 256] [--threads 2]
Last line: JSON.
"""
import argparse
import json
import time
import warnings
from contextlib import nullcontext

import numpy as np
import torch

warnings.filterwarnings("ignore")

from crystal_design.bandgap import BandGapOracle
from crystal_design.graphs import load_skeleton
from crystal_design.design import default_agent_config
from crystal_design.env import BatchDesignEnv, CrystalDesignEnv
from crystal_design.graphs import GraphPool
from crystal_design.core import tune_allocator
from crystal_design.models import build_model, reference_kernels
from crystal_design.online import EpisodeScorer, make_agent, masked_logits
from crystal_design.rewards import Task


def batched_acting(net, sk, oracle, n_envs, episodes):
    env = BatchDesignEnv(sk, "paper001", n_envs=n_envs, max_distinct=5, seed=0)
    done, steps, t0 = 0, 0, time.perf_counter()
    while done < episodes:
        with torch.no_grad(): a = masked_logits(net(env.observe(1.12)), env.action_mask()).argmax(1)
        fin = env.step(a); steps += n_envs
        if len(fin):
            oracle.evaluate(env.structures(fin)); done += len(fin)
    return steps / (time.perf_counter() - t0)


def single_acting(net, sk, oracle, episodes):
    gym_env = CrystalDesignEnv(sk, task="band_gap=1.12", oracle=lambda ss: [e.band_gap_ev for e in oracle.evaluate(ss)])
    pool: GraphPool = gym_env.pool
    steps, t0 = 0, time.perf_counter()
    for ep in range(episodes):
        obs, _ = gym_env.reset(seed=ep); done = False
        while not done:
            V = len(gym_env.vocab)
            sp = torch.as_tensor(np.where(obs["species"] == V, -1, obs["species"]))[None]
            g = pool.collate(torch.tensor([0]), sp, torch.tensor([int(obs["focus"])]), 1.12, n_vocab=V)
            with torch.no_grad(): a = masked_logits(net(g), torch.as_tensor(obs["action_mask"], dtype=torch.bool)[None]).argmax(1)
            obs, r, done, _, _ = gym_env.step(int(a)); steps += 1
    return steps / (time.perf_counter() - t0)


def training(algo, sk, n_envs, episodes, arch, fast: bool = True):
    "Agent steps/s of a design-job agent, and its learning updates per second (time inside `update` only)."
    env = BatchDesignEnv(sk, "paper001", n_envs=n_envs, max_distinct=5, seed=0)
    task = Task("band_gap", 1.12)
    sc = EpisodeScorer(env, task, BandGapOracle(), invalid_penalty=-1.0)
    cfg = default_agent_config(algo, episodes, n_envs, sk.n_sites, arch)
    with (nullcontext() if fast else reference_kernels()):
        ag = make_agent(algo, env, sc, **cfg)
    if not fast:                                   # the reference optimiser too: plain (unfused) Adam
        for name in [k for k, v in vars(ag).items() if isinstance(v, torch.optim.Adam)]:
            old = getattr(ag, name)
            setattr(ag, name, torch.optim.Adam([p for grp in old.param_groups for p in grp["params"]], lr=old.param_groups[0]["lr"]))
    ag.train(n_envs)             # warm-up: replay filled, first updates run
    spent = [0.0]; update = ag.update
    def timed_update():
        t = time.perf_counter(); r = update(); spent[0] += time.perf_counter() - t; return r
    ag.update = timed_update
    t0, s0, u0 = time.perf_counter(), ag.env_steps, ag.updates
    ag.train(n_envs + episodes)
    dt = time.perf_counter() - t0
    return dict(steps_per_s=(ag.env_steps - s0) / dt, episodes_per_s=episodes / dt, updates=ag.updates - u0, seconds=dt,
                updates_per_s=(ag.updates - u0) / max(spent[0], 1e-9), update_seconds=spent[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="megnet")
    ap.add_argument("--n-envs", type=int, default=64)
    ap.add_argument("--episodes", type=int, default=256)
    ap.add_argument("--single-episodes", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sk = load_skeleton("Rb3ScF6")
    oracle = BandGapOracle()
    net = build_model(a.arch, "paper001").eval()
    oracle.evaluate([sk.structure(["Na"] * sk.n_sites)])        # load CHGNet once
    b = batched_acting(net, sk, oracle, a.n_envs, a.episodes)
    s = single_acting(net, sk, oracle, a.single_episodes)
    print(f"acting ({a.arch}, band-gap model reward): batched {a.n_envs} envs {b:,.0f} steps/s, one episode at a time "
          f"{s:,.1f} steps/s -> {b / s:.1f}x")
    res = dict(arch=a.arch, n_envs=a.n_envs, threads=a.threads, acting_batched_steps_per_s=round(b, 1),
               acting_single_steps_per_s=round(s, 2), acting_ratio=round(b / s, 2))
    tune_allocator()
    for algo in ("dqn", "ppo", "sac"):
        for fast in (False, True):
            r = training(algo, sk, a.n_envs, a.episodes, a.arch, fast=fast)
            path = "fast" if fast else "reference"
            print(f"{algo} training ({a.arch}, {a.n_envs} envs, {path} path): {r['steps_per_s']:,.0f} agent steps/s, "
                  f"{r['episodes_per_s']:.1f} episodes/s, {r['updates']} updates at {r['updates_per_s']:.1f}/s")
            res[f"{algo}_{path}"] = dict(steps_per_s=round(r["steps_per_s"], 1), episodes_per_s=round(r["episodes_per_s"], 2),
                                         updates=r["updates"], updates_per_s=round(r["updates_per_s"], 2))
        res[f"{algo}_update_ratio"] = round(res[f"{algo}_fast"]["updates_per_s"] / res[f"{algo}_reference"]["updates_per_s"], 2)
        print(f"{algo}: learning updates {res[f'{algo}_update_ratio']:.2f}x faster on the fast path")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
