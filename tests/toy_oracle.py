"""A toy oracle registered in one place: one class and one `register_oracle` line. `tests/test_oracle_registry.py`
imports this module once and uses the name from the CLI (`--oracle toy-gap`), `design` and `CrystalDesign-v0`."""
import numpy as np

from crystal_design.oracles import Evaluation, Oracle, register_oracle


class ToyGapOracle(Oracle):
    "Band gap = mean atomic number / 10 eV: it shows the wiring, not physics."
    name, properties = "toy-gap", ("band_gap",)

    def _evaluate_one(self, s):
        return Evaluation(band_gap_ev=float(np.mean(s.atomic_numbers)) / 10)


register_oracle("toy-gap", ToyGapOracle, replace=True)
