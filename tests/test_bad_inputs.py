"""Bad input gets one clear error, nothing written, nothing cached: every case of `bad_inputs.CASES`, plus
property-based tests (hypothesis) of `read_structure` / `validate_structure` and of random action sequences.
"""
import math
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bad_inputs import CASES, make_checkpoint, make_inputs, run_case
from crystal_design.core import ActionError, CrystalDesignError, StructureError


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return make_checkpoint(tmp_path_factory.mktemp("ck"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_error(case, tmp_path, checkpoint):
    make_inputs(tmp_path)
    r = run_case(case, tmp_path, checkpoint)
    name, runner, _, expected = case
    if runner.startswith("env"): assert r["exit"] == "ActionError" if runner == "env" else r["exit"] in ("TargetError",), r
    else:
        assert r["exit"] == 2, r
        assert r["message"].count("\n") == 0 and r["message"].startswith("crystal-design: error: "), r["message"]
        assert "Traceback" not in r["message"]
    assert expected in r["message"], r
    assert r["new_files"] == [], f"{name}: wrote {r['new_files']}"     # nothing written (no store, no run folder)


def test_the_suite_is_large_enough():
    by = {}
    for _, runner, _, _ in CASES: by[runner.split("_")[0]] = by.get(runner.split("_")[0], 0) + 1
    assert len(CASES) >= 25 and set(by) >= {"evaluate", "design", "csp", "rollout", "env"}, by


def test_input_errors_are_never_cached(tmp_path):
    "A failed model evaluation is returned, not stored; a good structure afterwards is stored and comes back cached."
    from crystal_design.data import read_structure
    from crystal_design.oracles import DensityOracle, Evaluation, Oracle
    from crystal_design.store import EvaluationStore
    make_inputs(tmp_path)
    s = read_structure(tmp_path / "nacl.cif")

    class Broken(Oracle):
        name, properties = "broken", ("density",)
        def _evaluate_one(self, s): raise ValueError("cannot be converted to type int32")
    store = EvaluationStore(tmp_path / "ev.sqlite")
    ev = store.evaluate([s], Broken())[0]
    assert ev.status == "model_error" and not ev.cached and len(store) == 0
    first, again = store.evaluate([s], DensityOracle())[0], store.evaluate([s], DensityOracle())[0]
    assert not first.cached and again.cached and len(store) == 1


# ---------------------------------------------------------------- property-based tests
ELEMENTS = ["H", "Li", "O", "Na", "Mg", "Cl", "K", "Ti", "Sr", "Xx", "D"]
finite = st.floats(-20, 20, allow_nan=False)
any_float = st.one_of(finite, st.sampled_from([0.0, 1e-9, math.inf, -math.inf, math.nan]))


@st.composite
def structures(draw):
    from pymatgen.core import Lattice, Structure
    m = np.array(draw(st.lists(any_float, min_size=9, max_size=9))).reshape(3, 3)
    n = draw(st.integers(1, 6))
    species = []
    for _ in range(n):
        if draw(st.booleans()): species.append(draw(st.sampled_from(ELEMENTS)))
        else:
            a, b = draw(st.sampled_from(ELEMENTS[:9])), draw(st.sampled_from(ELEMENTS[:9]))
            occ = draw(st.floats(0.05, 1.0))
            species.append({a: occ} if a == b else {a: occ, b: round(1 - occ, 3) or 0.5})
    coords = draw(st.lists(st.lists(st.one_of(st.floats(-1, 2), st.sampled_from([0.0, 0.5, math.nan])), min_size=3, max_size=3),
                           min_size=n, max_size=n))
    try: return Structure(Lattice(m), species, coords)
    except Exception as e: return e           # pymatgen itself refused: nothing for us to validate


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures())
def test_validate_structure_clear_error_or_valid(s):
    from crystal_design.data import validate_structure
    if isinstance(s, Exception): return
    try: out = validate_structure(s)
    except StructureError as e:
        assert str(e) and "\n" not in str(e)
        return
    # accepted: ordered, real elements, finite sound lattice, atoms >= 0.5 A apart
    assert out.is_ordered and all(sp.Z >= 1 for sp in out.species)
    assert np.isfinite(out.lattice.matrix).all() and out.volume > 0
    if len(out) > 1:
        d = out.distance_matrix; np.fill_diagonal(d, np.inf); assert d.min() >= 0.5


_ENV = []
def _env():
    "One CrystalDesign-v0 for all examples (building its graphs is the slow part; reset() makes examples independent)."
    if not _ENV:
        import gymnasium as gym
        import crystal_design  # noqa: F401
        _ENV.append(gym.make("CrystalDesign-v0", disable_env_checker=True).unwrapped)
    return _ENV[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.integers(-5, 30), st.floats(-2, 30), st.text(max_size=2), st.none()), min_size=1, max_size=25))
def test_random_action_sequences_clear_error_or_valid_result(actions):
    env = _env()
    obs, _ = env.reset(seed=0)
    for a in actions:
        try: obs, r, term, trunc, info = env.step(a)
        except ActionError as e:
            assert str(e) and "\n" not in str(e); continue
        assert np.isfinite(r) and env.observation_space.contains(obs) or term
        if term: obs, _ = env.reset()
