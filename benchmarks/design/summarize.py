import json, sys, pathlib
import pandas as pd
rows = []
for d in sys.argv[1:]:
    d = pathlib.Path(d); c = json.loads((d/"config.json").read_text()); s = c["summary"]; p = s["policy"]
    df = pd.read_csv(d/"designs.csv")
    top = df[df.smact_valid & df.duplicate_of_rank.isna()].head(10)
    ver = s["verified"]
    rows.append(dict(run=d.name, total_s=s["seconds_total"], train_s=s["seconds_training"], stab_s=s["seconds_stability"], dft_s=s["seconds_verify"],
                     last10=f"{p['last10']['reward']:.3f}/{p['last10']['mean_abs_error']:.2f}", greedy=f"{p['greedy']['reward']:.3f}/{p['greedy']['mean_abs_error']:.2f}",
                     explore=f"{p['explore']['reward']:.3f}/{p['explore']['mean_abs_error']:.2f}",
                     stable_top10=f"{(top.e_above_hull_ev_atom <= 0.1).sum()}/{top.e_above_hull_ev_atom.notna().sum()}",
                     stable_complete=s["stability"]["stable_with_complete_binaries"],
                     top_err_max=round(top.abs_error.max(), 3), sd_mean=round(top.model_sd.mean(), 3),
                     dft=" ".join(f"{v['formula']}:{v['model_relaxed']:.2f}->{v['dft']:.2f}({v['status']})" for v in ver),
                     dft_within_0p3=f"{sum(v['dft_abs_error'] <= 0.3 for v in ver)}/{len(ver)}"))
print(pd.DataFrame(rows).to_markdown(index=False))
