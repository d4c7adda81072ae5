"""Re-assess the top designs of finished design runs against the hull with binary prototypes (issue 15).
usage: python reassess.py RUN_DIR [RUN_DIR ...]   (prints one JSON line per run)"""
import json, sys, time, pathlib
import pandas as pd
from crystal_design.graphs import load_skeleton
from crystal_design.stability import assess_stability
from crystal_design.store import EvaluationStore
for d in map(pathlib.Path, sys.argv[1:]):
    cfg = json.loads((d/"config.json").read_text())
    df = pd.read_csv(d/"designs.csv")
    assessed = df[df.relax_status.notna()]
    sk = load_skeleton(cfg["skeleton"])
    structs = [sk.structure(s.split()) for s in assessed.sites]
    t0 = time.time()
    t = assess_stability(structs, EvaluationStore(str(d.parent/"store-reassess.sqlite")))
    top = assessed.assign(new=t.e_above_hull_ev_atom.to_numpy(), new_missing=t.missing_subsystems.to_numpy(),
                          dup=t.duplicate_of.to_numpy())
    top = top[top.smact_valid & top.duplicate_of_rank.isna()].head(10)
    print(json.dumps(dict(run=d.name, n=len(top), seconds=round(time.time() - t0, 1),
                          stable_before=int((top.e_above_hull_ev_atom <= 0.1).sum()), stable_after=int((top.new <= 0.1).sum()),
                          rows=[dict(formula=f, before=round(a, 3), after=round(b, 3), missing=m)
                                for f, a, b, m in zip(top.reduced_formula, top.e_above_hull_ev_atom, top.new, top.new_missing)])))
