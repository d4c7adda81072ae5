"""The one MP-20 split (issue 13.5): parts disjoint by row_index, equal to the band-gap head's split, and the
offline-RL notebooks take their evaluation skeletons from the head's test part; with twins left out (the default),
no val or test crystal repeats a crystal of an earlier part, by structure and not only by row."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crystal_design.data import (SPLITS, have_data, load_mp20_qe, mp20_qe_split, mp20_qe_splits, mp20_qe_twins, pick_rows,
                                 split_indices)

NBS = Path(__file__).resolve().parents[1]/"nbs"
pytestmark = pytest.mark.skipif(not have_data("mp_20/train_qe.csv.gz"), reason="MP-20 QE data not available")

def _source(nb):
    return "\n".join("".join(c["source"]) for c in json.loads((NBS/nb).read_text())["cells"] if c["cell_type"] == "code")

@pytest.fixture(scope="module")
def split(): return mp20_qe_split()

def test_parts_disjoint_and_complete(split):
    parts = {k: set(split.index[split == k]) for k in SPLITS}
    assert not parts["train"] & parts["val"] and not parts["train"] & parts["test"] and not parts["val"] & parts["test"]
    lab = load_mp20_qe(with_labels_only=True)
    assert set().union(*parts.values()) == set(lab.row_index) and len(split) == len(lab) == 24855

def test_is_the_band_gap_heads_split(split):
    lab = load_mp20_qe(with_labels_only=True)     # the head: split_indices over the labelled rows, seed 0
    for k, i in zip(SPLITS, split_indices(len(lab), (0.8, 0.1, 0.1), seed=0)):
        assert set(split.index[split == k]) == set(lab.row_index.values[i])

def test_nonmetal_parts_filter_the_split(split):
    nm = mp20_qe_splits(nonmetals_only=True)
    for k in SPLITS: assert (split.loc[nm[k].row_index.values] == k).all()

@pytest.mark.parametrize("n_eval", [None, 300, 60, 10])
def test_cql_evaluation_skeletons_in_head_test_part(split, n_eval):
    # 11_cql and repro/cql_mp20 take their held-out skeletons from the nonmetal test part ...
    assert 'sp["test"].head(10)' in _source("11_cql.ipynb")
    for nb in ("repro/cql_mp20.ipynb", "repro/cql_mp20_scaling.ipynb"):
        assert 'ev = TrajectoryData.from_frame(pick_rows(sp["test"], n_eval)' in _source(nb)
        assert "sp = mp20_qe_splits(nonmetals_only=True)" in _source(nb)       # the default: twins left out
    for nb in ("11_cql.ipynb", "repro/cql_mp20.ipynb", "repro/cql_mp20_scaling.ipynb"): assert 'sp["val"]' not in _source(nb)
    # ... and their training crystals from the train part; so every evaluation skeleton is in the head's test part
    sp = mp20_qe_splits(nonmetals_only=True)
    ev = pick_rows(sp["test"], n_eval); tr = pick_rows(sp["train"], None)
    assert (split.loc[ev.row_index.values] == "test").all() and (split.loc[tr.row_index.values] == "train").all()
    assert len(ev) == (len(sp["test"]) if n_eval is None else n_eval)
    assert len(sp["test"].head(10)) == 10 and (split.loc[sp["test"].head(10).row_index.values] == "test").all()

def _same(sm, a, b): return sm.fit(a, b) or sm.fit(b, a)     # StructureMatcher.fit is not symmetric

def test_no_evaluation_crystal_repeats_an_earlier_part(split):
    """By structure: every val/test crystal of the default parts is compared with every crystal of the same formula in
    an earlier part (pymatgen StructureMatcher, default tolerances, either direction); none may match."""
    from pymatgen.analysis.structure_matcher import StructureMatcher
    from pymatgen.core import Structure
    sp, whole, sm = mp20_qe_splits(), mp20_qe_splits(drop_twins=False), StructureMatcher()
    earlier = {"val": sp["train"], "test": pd.concat([sp["train"], whole["val"]])}
    cif = lambda c: Structure.from_str(c, fmt="cif")
    for k in ("val", "test"):
        same_formula = earlier[k][earlier[k].formula.isin(set(sp[k].formula))]
        ref = {f: [cif(c) for c in g.cif] for f, g in same_formula.groupby("formula")}      # each parsed once
        hits = [r.row_index for r in sp[k].itertuples() if r.formula in ref
                and any(_same(sm, cif(r.cif), s) for s in ref[r.formula])]
        assert not hits, f"{len(hits)} {k} crystals repeat an earlier part's crystal: rows {hits[:10]}"
    tw = mp20_qe_twins()
    left_out = set(whole["test"].row_index) - set(sp["test"].row_index)
    assert left_out == set(tw.row_index[tw.part == "test"]) and len(left_out) > 0     # exactly the twins, and some exist
