"""Offline training throughput (transitions/s) for behavioral cloning and CQL on CPU: batches gathered from
per-crystal graphs built once (`TrajectoryData` + `GraphPool.collate`) vs the straightforward way, rebuilding
every state's periodic graph (radius neighbour search) for each batch. Same network, same batches, same run.

Usage: CRYSTAL_DESIGN_DATA=../shared/data python benchmarks/training.py [--steps 10] [--batch 256] [--threads 0]
Last line: JSON.
"""
import argparse
import json
import time
import warnings

import torch

warnings.filterwarnings("ignore")

from crystal_design.bc import bc_loss
from crystal_design.cql import CQLConfig, cql_loss, terminal_reward
from crystal_design.data import mp20_qe_splits, perov5_splits
from crystal_design.graphs import GraphBatch, radius_graph
from crystal_design.models import build_model
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


def bench(name, data, model, step_fn, batch_fn, steps, batch):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    idxs = [torch.randint(len(data), (batch,), generator=g) for _ in range(steps + 1)]
    step_fn(model, opt, batch_fn(idxs[0]))                 # warm-up
    t0 = time.perf_counter(); tb = 0.0
    for idx in idxs[1:]:
        t1 = time.perf_counter(); b = batch_fn(idx); tb += time.perf_counter() - t1
        step_fn(model, opt, b)
    dt = time.perf_counter() - t0
    return dict(transitions_per_s=round(steps * batch / dt, 1), batch_build_share=round(tb / dt, 3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=10); ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--crystals", type=int, default=500); ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    res = dict(benchmark="training", steps=a.steps, batch=a.batch, threads=torch.get_num_threads())

    perov = TrajectoryData.from_frame(perov5_splits()["train"].head(a.crystals), "perov5", k=5)
    mp = TrajectoryData.from_frame(mp20_qe_splits(nonmetals_only=True)["train"].head(a.crystals), "mp20", k=5, label_columns=LABELS)

    def bc_step(model, opt, b):
        loss = bc_loss(model, b)["loss"]
        opt.zero_grad(); loss.backward(); opt.step()

    cfg = CQLConfig()
    def make_cql_step(data):
        target = build_model("megnet", "mp20", conditioned=True).eval()
        def step(model, opt, b):
            r = torch.zeros(len(b.action))
            if b.done.any(): r[b.done] = terminal_reward(data, b.crystal[b.done], b.target[b.done], cfg)
            q = model(b.state)
            with torch.no_grad(): qn = target(b.next_state)
            loss = cql_loss(q, qn, b.action, r, b.done)["loss"]
            opt.zero_grad(); loss.backward(); opt.step()
        return step

    p_hat = torch.full((a.batch,), 1.12)
    cases = [
        ("bc_egnn64_perov5", perov, lambda: build_model("egnn", "perov5", hidden=64, out_dim=64), bc_step, dict(next_state=False), None),
        ("bc_gcn128_perov5", perov, lambda: build_model("gcn", "perov5", hidden=128, out_dim=128), bc_step, dict(next_state=False), None),
        ("cql_megnet_mp20", mp, lambda: build_model("megnet", "mp20", conditioned=True), make_cql_step(mp), dict(), p_hat),
    ]
    for name, data, mk, fn, kw, tgt in cases:
        torch.manual_seed(0); fast = bench(name, data, mk(), fn, lambda i: data.batch(i, target=tgt, **kw), a.steps, a.batch)
        torch.manual_seed(0); slow = bench(name, data, mk(), fn, lambda i: rebuilt_batch(data, i, target=tgt, **kw), a.steps, a.batch)
        ratio = fast["transitions_per_s"] / slow["transitions_per_s"]
        res[name] = dict(pool=fast, rebuilt=slow, ratio=round(ratio, 2))
        print(f"{name:18s} pool {fast['transitions_per_s']:9.1f} transitions/s (batch building {100 * fast['batch_build_share']:.1f} %) | "
              f"rebuilt graphs {slow['transitions_per_s']:9.1f} /s ({100 * slow['batch_build_share']:.1f} %) | ratio {ratio:.2f}x")
    # batch construction alone (the part the pool removes)
    idx = torch.randint(len(mp), (a.batch,), generator=torch.Generator().manual_seed(1))
    t0 = time.perf_counter(); [mp.batch(idx, target=p_hat) for _ in range(5)]; tp = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter(); rebuilt_batch(mp, idx, target=p_hat); tr = time.perf_counter() - t0
    res["batch_only_mp20"] = dict(pool_ms=round(1e3 * tp, 2), rebuilt_ms=round(1e3 * tr, 1), ratio=round(tr / tp, 1))
    print(f"building one MP-20 CQL batch (states + next states): pool {1e3 * tp:.2f} ms vs rebuilt {1e3 * tr:.1f} ms ({tr / tp:.0f}x)")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
