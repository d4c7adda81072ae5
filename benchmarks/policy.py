"""Has the main job's policy learned? Train the default design agent (Rb3ScF6, band_gap=1.12, band-gap ensemble,
2,048 episodes in 64 envs) and compare its own designs — greedy, and at its final exploration level, generated exactly
as training episodes run (`Agent.generate`: the training fill orders and masks) — with the training batches of the
last 10 % of episodes.

    CRYSTAL_DESIGN_DATA=../shared/data OMP_NUM_THREADS=1 python benchmarks/policy.py VARIANT SEED [EPISODES]

VARIANT: `default` (the design job's settings), `hard-target` (the learner before issue 15: hard target copies every
250 updates, constant learning rate), `ppo`, or a JSON dict of agent settings. Prints one JSON line (the last line).
"""
import json
import sys
import time

import numpy as np
import pandas as pd

from crystal_design.core import seed_everything
from crystal_design.design import _skeletons, default_agent_config, design_oracle, policy_check
from crystal_design.elements import get_vocabulary
from crystal_design.env import BatchDesignEnv
from crystal_design.online import EpisodeScorer, make_agent
from crystal_design.rewards import Task

VARIANTS = {"default": {}, "hard-target": {"tau": 0.0, "lr_end": None}, "ppo": {"algo": "ppo"}}


def main(variant: str, seed: int, episodes: int = 2048, target: str = "band_gap=1.12", skeleton: str = "Rb3ScF6"):
    kw = dict(VARIANTS[variant]) if variant in VARIANTS else json.loads(variant)
    algo = kw.pop("algo", "dqn")
    task = Task.parse(target, max_distinct=5)
    seed_everything(seed)
    env = BatchDesignEnv(_skeletons(skeleton), get_vocabulary("paper001"), n_envs=64, max_distinct=5, seed=seed)
    scorer = EpisodeScorer(env, task, design_oracle("model", task), invalid_penalty=-1.0)
    cfg = {**default_agent_config(algo, episodes, 64, int(env.pool.n_sites.max()), "megnet", seed), **kw}
    agent = make_agent(algo, env, scorer, **cfg)
    t0 = time.time(); agent.train(episodes); t = time.time() - t0
    check, greedy, explore = policy_check(agent, scorer, 64, 256, seed)
    print(json.dumps(dict(variant=variant, algo=algo, seed=seed, episodes=episodes, train_s=round(t, 1), **check)))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2048)
