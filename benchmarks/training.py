"""Offline training throughput (transitions/s) on CPU: the networks' fast path (gathers and segment sums through
per-batch CSR incidence matrices, GCN's summed-image propagation matrix, flushed denormals, fused Adam, a tuned
allocator) against the reference path (plain indexing and `index_add_`, glibc's default allocator), same batches,
same weights, same run. Also reports achieved dense GFLOP/s beside this machine's float32 matmul rate, and what
building a batch from the per-crystal graph pool costs against rebuilding every state's periodic graph.

Usage: CRYSTAL_DESIGN_DATA=../shared/data python benchmarks/training.py [--steps 6] [--rounds 3] [--batch 256] [--threads 2]
Each variant is measured in fresh processes (the allocator setting is per process), interleaved over rounds.
Last line: JSON.
"""
import argparse
import json
import statistics
import time
import warnings

import torch

warnings.filterwarnings("ignore")

from crystal_design.bc import bc_loss
from crystal_design.cql import CQLConfig, cql_loss, terminal_reward
from crystal_design.data import mp20_qe_splits, perov5_splits
from crystal_design.graphs import GraphBatch, radius_graph
from crystal_design.core import tune_allocator
from crystal_design.models import adam, build_model
from crystal_design.trajectories import Transitions, TrajectoryData

LABELS = {"gap_ev": "qe_band_gap", "total_energy_ry": "qe_total_energy", "formation_ev_atom": "qe_formation_energy_per_atom"}


def rebuilt_batch(data: TrajectoryData, idx, target=None, next_state=True):
    "The straightforward batch: one graph per state, built from the skeleton with a neighbour search, then concatenated."
    c, o, t = data.t_crystal[idx], data.t_order[idx], data.t_step[idx]
    V = len(data.vocab)

    def states(tt, focus_of):
        parts = []
        for ci, oi, ti in zip(c.tolist(), o.tolist(), tt.tolist()):
            sk = data.skeletons[ci]
            g = radius_graph(sk.frac_coords, sk.lattice, data.pool.graphs[ci].cutoff_ang)      # rebuilt for every state
            sp = data.prefix(torch.tensor([ci]), torch.tensor([oi]), torch.tensor([ti]))[0, :sk.n_sites]
            parts.append((sk, g, torch.where(sp < 0, torch.full_like(sp, V), sp), focus_of(ci, oi, ti, sk.n_sites)))
        n0, sp_l, pos, bat, ei, sh, dist, eb, st, fo = 0, [], [], [], [], [], [], [], [], []
        for b, (sk, g, sp, f) in enumerate(parts):
            sp_l.append(sp); pos.append(torch.tensor(sk.cart_coords, dtype=torch.float32)); bat.append(torch.full((sk.n_sites,), b))
            ei.append(torch.stack([torch.tensor(g.src), torch.tensor(g.dst)]) + n0)
            sh.append(torch.tensor(g.shift_ang, dtype=torch.float32)); dist.append(torch.tensor(g.dist_ang, dtype=torch.float32))
            eb.append(torch.full((g.n_edges,), b))
            st.append(torch.tensor([*sk.lattice_params, sk.spacegroup, 0.0 if target is None else float(target[b])], dtype=torch.float32))
            fo.append(n0 + f if f >= 0 else -1); n0 += sk.n_sites
        return GraphBatch(torch.cat(sp_l), torch.cat(pos), torch.cat(bat), torch.cat(ei, 1), torch.cat(sh), torch.cat(dist),
                          torch.cat(eb), torch.stack(st), torch.tensor(fo), len(parts))

    cur = lambda ci, oi, ti, n: int(data.orders[ci, oi, ti])
    nxt = lambda ci, oi, ti, n: int(data.orders[ci, oi, ti + 1]) if ti + 1 < n else -1
    s = states(t, cur)
    ns = states(t + 1, nxt) if next_state else None
    focus = data.orders[c, o, t]
    tgt = torch.zeros(len(idx)) if target is None else torch.as_tensor(target, dtype=torch.float32)
    return Transitions(s, data.species[c, focus], ns, t + 1 >= data.n_sites[c], c, tgt)


def matmul_gflops(n: int = 2048, reps: int = 5) -> float:
    "float32 dense matmul rate of this machine (GFLOP/s), the ceiling the model rates are compared with."
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t0 = time.perf_counter()
    for _ in range(reps): a @ b
    return 2 * n**3 * reps / (time.perf_counter() - t0) / 1e9


def step_flops(step_fn, model, opt, b, nets) -> float:
    """Dense (matmul) FLOPs of one training step, forward + backward, counted by torch's FlopCounterMode on the reference
    path (the counter would price the fast path's sparse products as dense ones); both paths do the same dense work."""
    from torch.utils.flop_counter import FlopCounterMode
    for m in nets: m.fast = False
    try:
        with FlopCounterMode(display=False) as fc: step_fn(model, opt, b)
    finally:
        for m in nets: m.fast = True
    return float(fc.get_total_flops())


def timed_steps(step_fn, model, opt, batches) -> list[float]:
    step_fn(model, opt, batches[0]); step_fn(model, opt, batches[0])        # warm-up
    out = []
    for b in batches[1:]:
        t0 = time.perf_counter(); step_fn(model, opt, b); out.append(time.perf_counter() - t0)
    return out


CASES = {  # name: (dataset, architecture, model settings, learner)
    "bc_egnn64_perov5": ("perov5", "egnn", dict(hidden=64, out_dim=64), "bc"),
    "bc_gcn128_perov5": ("perov5", "gcn", dict(hidden=128, out_dim=128), "bc"),
    "cql_megnet_mp20": ("mp20", "megnet", dict(conditioned=True), "cql"),
}
VARIANTS = {  # name: (fast kernels, fused Adam, tuned allocator)
    "reference": (False, False, False),                   # the code before the speed work
    "reference_tuned_allocator": (False, False, True),    # isolates the allocator's share
    "fast": (True, True, True),
}


def worker(case: str, variant: str, steps: int, batch: int, crystals: int, seed: int) -> dict:
    "One measurement in this process: step times of `case` on `variant` (and dense FLOPs per step)."
    fast, fused, tuned = VARIANTS[variant]
    if tuned: tune_allocator()
    ds, arch, kw, learner = CASES[case]
    if ds == "perov5": data = TrajectoryData.from_frame(perov5_splits()["train"].head(crystals), "perov5", k=5)
    else: data = TrajectoryData.from_frame(mp20_qe_splits(nonmetals_only=True)["train"].head(crystals), "mp20", k=5, label_columns=LABELS)
    torch.manual_seed(0)
    model = build_model(arch, data.vocab, **kw); model.fast = fast
    nets = [model]
    if learner == "bc":
        def step(model, opt, b):
            loss = bc_loss(model, b)["loss"]
            opt.zero_grad(); loss.backward(); opt.step()
        tgt, bkw = None, dict(next_state=False)
    else:
        cfg, target = CQLConfig(), build_model(arch, data.vocab, **kw).eval()
        target.fast = fast; nets.append(target)
        def step(model, opt, b):
            r = torch.zeros(len(b.action))
            if b.done.any(): r[b.done] = terminal_reward(data, b.crystal[b.done], b.target[b.done], cfg)
            q = model(b.state)
            with torch.no_grad(): qn = target(b.next_state)
            loss = cql_loss(q, qn, b.action, r, b.done)["loss"]
            opt.zero_grad(); loss.backward(); opt.step()
        tgt, bkw = torch.full((batch,), 1.12), {}
    opt = adam(model.parameters(), 1e-3) if fused else torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    batches = [data.batch(torch.randint(len(data), (batch,), generator=g), target=tgt, **bkw) for _ in range(steps + 1)]
    times = timed_steps(step, model, opt, batches)
    flops = step_flops(step, model, opt, batches[0], nets) if fast else None
    return dict(times=times, flops=flops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=6, help="timed steps per measurement")
    ap.add_argument("--rounds", type=int, default=3, help="measurements per variant, interleaved (each in a fresh process)")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--crystals", type=int, default=500); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--worker", nargs=3, metavar=("CASE", "VARIANT", "SEED"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    if a.worker:
        case, variant, seed = a.worker
        print(json.dumps(worker(case, variant, a.steps, a.batch, a.crystals, int(seed)))); return
    import subprocess, sys
    peak = matmul_gflops()
    res = dict(benchmark="training", steps=a.steps, rounds=a.rounds, batch=a.batch, threads=torch.get_num_threads(),
               matmul_gflops=round(peak, 1))
    print(f"float32 matmul 2048^2 on {torch.get_num_threads()} threads: {peak:.0f} GFLOP/s")
    for name in CASES:
        times, flops = {v: [] for v in VARIANTS}, None
        for r in range(a.rounds):                 # interleaved: machine drift hits every variant alike
            for v in VARIANTS:
                cmd = [sys.executable, __file__, "--worker", name, v, str(r), "--steps", str(a.steps), "--batch", str(a.batch),
                       "--crystals", str(a.crystals), "--threads", str(a.threads)]
                out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
                times[v] += out["times"]; flops = out["flops"] or flops
        r = {v: dict(step_ms=round(1e3 * statistics.median(t), 1), transitions_per_s=round(a.batch / statistics.median(t), 1),
                     gflops=round(flops / statistics.median(t) / 1e9, 2)) for v, t in times.items()}
        for x in r.values(): x["percent_of_matmul_peak"] = round(100 * x["gflops"] / peak, 1)
        ratio = r["fast"]["transitions_per_s"] / r["reference"]["transitions_per_s"]
        ratio_k = r["fast"]["transitions_per_s"] / r["reference_tuned_allocator"]["transitions_per_s"]
        res[name] = dict(**r, gflop_per_step=round(flops / 1e9, 3), ratio=round(ratio, 2), ratio_same_allocator=round(ratio_k, 2))
        print(f"{name:18s} reference {r['reference']['transitions_per_s']:7.0f}/s ({r['reference']['gflops']:5.1f} GFLOP/s) | "
              f"fast {r['fast']['transitions_per_s']:7.0f}/s ({r['fast']['gflops']:5.1f} GFLOP/s, "
              f"{r['fast']['percent_of_matmul_peak']:.0f} % of matmul) | {ratio:.2f}x ({ratio_k:.2f}x with the same allocator)")
    # batch construction alone: gathering from the graph pool vs rebuilding every state's graph
    mp = TrajectoryData.from_frame(mp20_qe_splits(nonmetals_only=True)["train"].head(a.crystals), "mp20", k=5, label_columns=LABELS)
    p_hat = torch.full((a.batch,), 1.12)
    idx = torch.randint(len(mp), (a.batch,), generator=torch.Generator().manual_seed(1))
    t0 = time.perf_counter(); [mp.batch(idx, target=p_hat) for _ in range(5)]; tp = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter(); rebuilt_batch(mp, idx, target=p_hat); tr = time.perf_counter() - t0
    res["batch_only_mp20"] = dict(pool_ms=round(1e3 * tp, 2), rebuilt_ms=round(1e3 * tr, 1), ratio=round(tr / tp, 1))
    print(f"building one MP-20 CQL batch (states + next states): pool {1e3 * tp:.2f} ms vs rebuilt {1e3 * tr:.1f} ms ({tr / tp:.0f}x)")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
