"""The networks' fast path (CSR gathers and segment sums, GCN's summed-image matrix, flushed denormals) computes what the
reference path computes: outputs and gradients on a fixed batch, and a few training steps, for EGNN, GCN and MEGNet."""
import copy

import pytest
import torch

from crystal_design.core import CrystalDesignError, resolve_device
from crystal_design.data import prototype_structure
from crystal_design.elements import get_vocabulary
from crystal_design.graphs import GraphPool, Skeleton
from crystal_design.models import (FastSegments, Segments, adam, build_model, path_difference, reference_kernels, rbf)

OUT_RTOL, GRAD_RTOL = 1e-5, 1e-4      # float32 sums in another order differ by ~1e-7


@pytest.fixture(scope="module")
def batch():
    voc = get_vocabulary("perov5")
    sks = [Skeleton.from_structure(prototype_structure(n), n) for n in ("rocksalt", "perovskite", "Rb3ScF6")]
    pool = GraphPool(sks)
    gen = torch.Generator().manual_seed(0)
    skel = torch.randint(0, len(sks), (40,), generator=gen)
    fill = torch.randint(0, len(voc), (40, pool.max_sites), generator=gen)
    fill[torch.rand(fill.shape, generator=gen) < 0.5] = -1
    focus = torch.zeros(40, dtype=torch.long); focus[::7] = -1           # a few complete states (no focus)
    return voc, pool.collate(skel, fill, focus=focus, target=torch.full((40,), 2.0), n_vocab=len(voc))


@pytest.mark.parametrize("arch,kw", [("egnn", dict(hidden=32, out_dim=32)), ("gcn", dict(hidden=32, out_dim=32)),
                                     ("megnet", dict()), ("megnet", dict(edge_dim=16))])
def test_outputs_and_gradients_agree(batch, arch, kw):
    voc, g = batch
    torch.manual_seed(0)
    d = path_difference(build_model(arch, voc, **kw), g)
    assert d["output"] < OUT_RTOL and d["gradient"] < GRAD_RTOL, d


@pytest.mark.parametrize("arch", ["egnn", "gcn", "megnet"])
def test_training_steps_agree(batch, arch):
    voc, g = batch
    torch.manual_seed(1)
    ref = build_model(arch, voc, **({} if arch == "megnet" else dict(hidden=32, out_dim=32)))
    fast = copy.deepcopy(ref); ref.fast, fast.fast = False, True
    y = torch.randint(0, len(voc), (g.n_graphs,), generator=torch.Generator().manual_seed(2))
    losses = {}
    for name, m in (("ref", ref), ("fast", fast)):
        opt, losses[name] = adam(m.parameters(), 1e-3), []
        for _ in range(5):
            loss = torch.nn.functional.cross_entropy(m(g), y)
            opt.zero_grad(); loss.backward(); opt.step(); losses[name].append(float(loss.detach()))
    assert losses["ref"][-1] < losses["ref"][0]
    torch.testing.assert_close(torch.tensor(losses["fast"]), torch.tensor(losses["ref"]), rtol=1e-4, atol=1e-5)


def test_segments_primitives():
    idx = torch.tensor([2, 0, 0, 3, 3, 3])                    # unsorted, segment 1 empty
    x = torch.randn(6, 4, dtype=torch.float64, requires_grad=True)
    for op in ("sum", "mean"):
        torch.testing.assert_close(getattr(FastSegments(idx, 4), op)(x), getattr(Segments(idx, 4), op)(x))
    assert torch.autograd.gradcheck(lambda t: FastSegments(idx, 4).sum(t), (x,))
    assert torch.autograd.gradcheck(lambda t: FastSegments(idx, 4).gather(t), (torch.randn(4, 3, dtype=torch.float64, requires_grad=True),))
    e = torch.randn(6, dtype=torch.float64, requires_grad=True)
    torch.testing.assert_close(FastSegments(idx, 4).softmax(e), Segments(idx, 4).softmax(e))


def test_denormals_flushed_only_below_e80():
    d = torch.linspace(0, 8, 200)
    a, b = rbf(d), rbf(d, flush_denormals=True)
    assert (b == 0).sum() > 0 and ((a - b).abs() <= 1e-34).all()
    assert ((b[b > 0] - a[b > 0]) == 0).all()


def test_reference_kernels_context():
    with reference_kernels(): m = build_model("gcn", "perov5")
    assert m.fast is False and build_model("gcn", "perov5").fast is True


def test_device_errors_are_one_line():
    with pytest.raises(CrystalDesignError, match="unknown device"): resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(CrystalDesignError, match="no CUDA GPU"): resolve_device("cuda")
