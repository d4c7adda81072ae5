"""Loading skeletons from the on-disk cache of `skeletons_from_cifs` (09_trajectories): time and peak memory for N MP-20
training crystals, against parsing the CIFs (the cold path that writes the cache) and against the straightforward way
to read the cache, measured in the same run: one `z[name][i]` access per skeleton and array. An npz archive re-reads
the whole array on every `z[name]` access, and a slice keeps that copy alive, so the straightforward reader needs
O(N^2) memory (the bug of b012299: 24 GB for the 7,014 MP-20 training crystals). Each variant runs in its own process
against a private cache folder; memory is what the loaded skeletons keep resident (RSS after minus before, in MB,
at least 1 MB in the ratio).

Usage: CRYSTAL_DESIGN_DATA=../shared/data python benchmarks/skeleton_cache.py [--crystals 2000]
Last line: JSON.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def rss_mb() -> float:
    "This process's resident memory now (Linux)."
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker(variant: str, n: int) -> dict:
    import numpy as np
    from crystal_design.core import cache_dir
    from crystal_design.data import mp20_qe_splits, pick_rows
    from crystal_design.trajectories import Skeleton, skeletons_from_cifs
    cifs = list(pick_rows(mp20_qe_splits(nonmetals_only=True)["train"], n).cif)
    import gc
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    if variant in ("parse", "cached"):
        sk = skeletons_from_cifs(cifs)                    # parse: the cache folder is empty; cached: it holds the file
    else:                                                 # the straightforward reader of the same cache file
        path = next((cache_dir()/"skeletons").glob("*.npz"))
        z = np.load(path, allow_pickle=False)
        sk = [Skeleton(z["lattice"][i], z["frac"][i, :int(z["n"][i])], int(z["sg"][i]), f"crystal {i}",
                       tuple(str(z["species"][i]).split())) for i in range(len(cifs))]
    secs = time.perf_counter() - t0
    gc.collect()
    held = rss_mb() - rss0                                # what the loaded skeletons keep alive
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024       # KiB on Linux
    return dict(variant=variant, crystals=len(sk), seconds=round(secs, 3), held_mb=round(held, 1),
                peak_rss_mb=round(peak, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crystals", type=int, default=2000)
    ap.add_argument("--worker", default=None)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.crystals)))
        return
    res = {}
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, CRYSTAL_DESIGN_CACHE=d, OMP_NUM_THREADS="1")
        for v in ("parse", "cached", "straightforward"):     # parse first: it writes the cache the other two read
            out = subprocess.run([sys.executable, __file__, "--worker", v, "--crystals", str(a.crystals)], env=env,
                                 capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            res[v] = json.loads(out)
            print(res[v])
    c, s, p = res["cached"], res["straightforward"], res["parse"]
    summary = dict(benchmark="skeleton_cache", crystals=a.crystals, **{f"{k}_{m}": r[m] for k, r in res.items()
                                                                     for m in ("seconds", "held_mb")},
                   speedup_vs_parse=round(p["seconds"] / c["seconds"], 1),
                   speedup_vs_straightforward=round(s["seconds"] / c["seconds"], 1),
                   memory_ratio_straightforward_over_cached=round(s["held_mb"] / max(c["held_mb"], 1.0), 1))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
