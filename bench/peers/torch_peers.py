"""PyTorch CPU peers of spikeproof's training runs, one thread, for `npm run bench:peers`.

Each case prints one JSON line: its seconds (and what it measured), the BLAS and threads.
Written to be faithful to what spikeproof computes:
  mlp      ttfs-fc2's twin as one plain MLP 784-340-10 (ReLU), Adam lr 1e-3, batch 64, one
           epoch over the given images, then the test evaluation (spikeproof's epoch record).
  lenet5   LeNet-5 (conv6k5 same/maxpool2, conv16k5/maxpool2, fc120, fc84, fc10, ReLU), one
           Adam step on a batch of 64 (seconds per step).
  lif      784-512-10 LIF, T = 6, batch 64, direct input, soft reset with a detached reset,
           the sigmoid surrogate (slope 4), loss at every step (CE + 0.05 MSE, each / T), Adam
           after every step. --method ottt: OTTT_O as the authors' code runs it (Replace: two
           matmuls per wrapped layer per step, W s for the potential and W a_hat for the
           gradient; layer 1 unwrapped, so one). --method saf-e: SAF-E, one matmul per layer per
           step on the accumulations (U = W A, the threshold moving with a_hat).
  onb      the Open Neuromorphic SNN-library benchmark (open-neuromorphic.org, "Spiking Neural
           Network (SNN) Library Benchmarks", 2023, updated 2024; its run_benchmark.py in
           github.com/open-neuromorphic/open-neuromorphic.github.io, content/blog/
           spiking-neural-network-framework-benchmarking/docker): Linear(n, n) then a LIF layer,
           input randn(T, batch, n), forward over all T, loss = spikes.sum(), backward (BPTT by
           autograd); defaults n 512, T 500, batch 16. The LIF is spikeproof's (lambda 0.5,
           V_th 1, soft reset detached, Heaviside forward with the sigmoid surrogate slope 4);
           the Linear runs once on all T x batch rows. One warm-up on the first 2 steps, then
           --steps timed forward+backward passes (forward and backward timed apart too).
           Peak memory: VmHWM - VmRSS from /proc/self/status, the high-water mark reset by
           writing 5 to /proc/self/clear_refs before the model is built (what the
           configuration added, as bench/onb.ts measures spikeproof), and ru_maxrss (the whole
           process, Python and torch included); torch has no allocator statistics on CPU.
  info     the BLAS and threads, and the BLAS's float32 matmul rate on one thread (GFLOP/s,
           best of 5 after a warm-up): 64 x 784 by 784 x 512 (lif-mlp's product) and 512^3.
Usage: python3 torch_peers.py CASE [--images F --labels F --count N --test-images F
       --test-labels F --test-count N] [--steps S] [--method ottt|saf-e] [--n N --T T
       --batch B]
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def blas():
    cfg = torch.__config__.show()
    info = [l.strip() for l in cfg.splitlines() if "BLAS_INFO" in l or "CPU capability" in l]
    return {
        "blas": "openblas" if "openblas" in os.environ.get("LD_LIBRARY_PATH", "") else "system",
        "config": info,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }


def load(images, labels, count):
    x = np.fromfile(images, dtype=np.uint8, count=count * 784).reshape(count, 784)
    y = np.fromfile(labels, dtype=np.uint8, count=count)
    return torch.from_numpy(x.astype(np.float32) / 255), torch.from_numpy(y.astype(np.int64))


def mlp(a):
    x, y = load(a.images, a.labels, a.count)
    tx, ty = load(a.test_images, a.test_labels, a.test_count)
    net = nn.Sequential(nn.Linear(784, 340), nn.ReLU(), nn.Linear(340, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    t0 = time.perf_counter()
    order = torch.randperm(a.count)
    for s in range(0, a.count, 64):
        idx = order[s:s + 64]
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x[idx]), y[idx]).backward()
        opt.step()
    with torch.no_grad():
        acc = (net(tx).argmax(1) == ty).float().mean().item()
    return {"seconds": time.perf_counter() - t0, "accuracy": acc}


def lenet5(a):
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()
    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    return {"seconds": (time.perf_counter() - t0) / a.steps, "per": "step"}


class Spike(torch.autograd.Function):
    """Heaviside forward, sigmoid-surrogate backward (slope 4), as spikeproof's surrogate."""

    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return (v >= 0).float()

    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors
        s = torch.sigmoid(4 * v)
        return g * 4 * s * (1 - s)


class Replace(torch.autograd.Function):
    """The OTTT code's Replace: the value of the second argument, the gradient to both."""

    @staticmethod
    def forward(ctx, z, z_r):
        return z_r

    @staticmethod
    def backward(ctx, g):
        return g, g


def lif(a):
    lam, vth, T, B = 0.5, 1.0, 6, 64
    fc1, fc2 = nn.Linear(784, 512), nn.Linear(512, 10)
    opt = torch.optim.Adam(list(fc1.parameters()) + list(fc2.parameters()), lr=3e-4, eps=1e-7)
    x, y = torch.rand(B, 784), torch.randint(0, 10, (B,))
    onehot = F.one_hot(y, 10).float()

    def loss_of(o):
        return (F.cross_entropy(o, y) + 0.05 * F.mse_loss(o, onehot)) / T

    def ottt_batch():
        v = torch.zeros(B, 512)
        trace = torch.zeros(B, 512)
        for _ in range(T):
            opt.zero_grad(set_to_none=True)
            u = lam * v.detach() + fc1(x)            # layer 1 unwrapped: one matmul
            s = Spike.apply(u - vth)
            v = u - vth * s.detach()                 # soft reset, detached
            trace = lam * trace + s.detach()
            with torch.no_grad():
                out = fc2(s)                         # matmul 1: W s, the forward's value
            out_g = fc2(Replace.apply(s, trace))     # matmul 2: W a_hat, the gradient path
            o = Replace.apply(out_g, out)
            loss_of(o).backward()
            opt.step()

    def safe_batch():
        A = torch.zeros(B, 784)
        ahat = torch.zeros(B, 512)
        for _ in range(T):
            opt.zero_grad(set_to_none=True)
            A = lam * A + x
            U = fc1(A)                               # U[t] = W A[t] + c b: one matmul
            s = Spike.apply(U - vth * (lam * ahat + 1))
            ahat = lam * ahat.detach() + s
            o = fc2(ahat)                            # the readout on the accumulation
            loss_of(o).backward()
            ahat = ahat.detach()
            opt.step()

    batch = ottt_batch if a.method == "ottt" else safe_batch
    batch()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        batch()
    return {"seconds": (time.perf_counter() - t0) / a.steps, "per": "batch", "method": a.method}


def rss():
    """VmRSS and VmHWM of this process in bytes."""
    with open("/proc/self/status") as f:
        kv = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    return int(kv["VmRSS"].split()[0]) * 1024, int(kv["VmHWM"].split()[0]) * 1024


def onb(a):
    lam, vth, n, T, B = 0.5, 1.0, a.n, a.T, a.batch
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # VmHWM := VmRSS
    except OSError:
        pass
    base, _ = rss()
    fc = nn.Linear(n, n)
    x = torch.randn(T, B, n)

    def forward(inp):
        # one matmul over all T x batch rows; unbind, not current[t], whose backward would
        # write each step's gradient into a zeroed [T, batch, n] tensor (T^2 work)
        current = fc(inp).unbind(0)
        v, out = torch.zeros(B, n), []
        for c in current:
            u = lam * v + c
            s = Spike.apply(u - vth)
            v = u - vth * s.detach()                 # soft reset, detached
            out.append(s)
        return torch.stack(out)

    fc.zero_grad(set_to_none=True)
    forward(x[:2]).sum().backward()                  # warm-up
    fwd, bwd = [], []
    for _ in range(a.steps):
        fc.zero_grad(set_to_none=True)
        t0 = time.perf_counter()
        out = forward(x)
        t1 = time.perf_counter()
        out.sum().backward()
        fwd.append(t1 - t0), bwd.append(time.perf_counter() - t1)
        del out
    _, peak = rss()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    total = sorted(f + b for f, b in zip(fwd, bwd))
    return {
        "n": n, "T": T, "batch": B,
        "ms": {"runs": [1000 * (f + b) for f, b in zip(fwd, bwd)], "min": 1000 * total[0],
               "median": 1000 * float(np.median(total))},
        "forwardMs": 1000 * float(np.median(fwd)), "backwardMs": 1000 * float(np.median(bwd)),
        "memoryMB": {"peak": round((peak - base) / 1e6, 2), "baseRss": round(base / 1e6, 2),
                     "ruMaxrss": round(maxrss / 1e6, 2),
                     "input": round(x.numel() * 4 / 1e6, 2)},
    }


def matmul_rates():
    rates = {}
    for m, k, n in [(64, 784, 512), (512, 512, 512)]:
        a, b = torch.randn(m, k), torch.randn(k, n)
        reps = max(1, int(2e9 / (2 * m * k * n)))  # about 2 GFLOP a timing
        a @ b
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(reps):
                a @ b
            best = min(best, (time.perf_counter() - t0) / reps)
        rates[f"{m}x{k}x{n}"] = 2 * m * k * n / best / 1e9
    return {"matmulGflops": rates}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["mlp", "lenet5", "lif", "onb", "info"])
    for f in ["images", "labels", "test-images", "test-labels"]:
        p.add_argument("--" + f)
    p.add_argument("--count", type=int)
    p.add_argument("--test-count", type=int)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--method", default="saf-e", choices=["ottt", "saf-e"])
    p.add_argument("--n", type=int, default=512)
    p.add_argument("--T", type=int, default=500)
    p.add_argument("--batch", type=int, default=16)
    a = p.parse_args()
    out = {"mlp": mlp, "lenet5": lenet5, "lif": lif, "onb": onb, "info": lambda _: matmul_rates()}[a.case](a)
    print(json.dumps({"case": a.case, **out, **blas()}))


if __name__ == "__main__":
    main()
