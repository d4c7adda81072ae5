__version__ = "0.1.0"

# Register the Gymnasium environment on import, so `gymnasium.make("CrystalDesign-v0")` works
# right after `import crystal_design` (the entry point is imported lazily by gymnasium).
try:
    import gymnasium as _gym
    if "CrystalDesign-v0" not in _gym.registry:
        _gym.register(id="CrystalDesign-v0", entry_point="crystal_design.env:CrystalDesignEnv")
except ImportError:  # gymnasium is a hard dependency; keep `import crystal_design` working without it anyway
    pass
