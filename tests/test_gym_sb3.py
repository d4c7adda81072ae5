"""A standard RL library trains on `CrystalDesign-v0` unchanged (the env's Dict observation must be
consumable by generic policies)."""
import gymnasium as gym
import numpy as np
import pytest

import crystal_design  # noqa: F401  (registers CrystalDesign-v0)


def test_sb3_ppo_trains_a_few_hundred_steps():
    sb3 = pytest.importorskip("stable_baselines3", reason="stable-baselines3 is a dev dependency: pip install -e .[dev]")
    env = gym.make("CrystalDesign-v0")
    model = sb3.PPO("MultiInputPolicy", env, n_steps=64, batch_size=32, n_epochs=2, seed=0, verbose=0, device="cpu")
    model.learn(total_timesteps=320)
    obs, _ = env.reset(seed=1)
    done, steps = False, 0
    while not done:
        action, _ = model.predict(obs, deterministic=True)
        obs, reward, done, _, info = env.step(int(action)); steps += 1
    assert steps <= 10 and np.isfinite(reward)
