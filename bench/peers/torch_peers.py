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
Usage: python3 torch_peers.py CASE [--images F --labels F --count N --test-images F
       --test-labels F --test-count N] [--steps S] [--method ottt|saf-e]
"""
import argparse
import json
import os
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["mlp", "lenet5", "lif"])
    for f in ["images", "labels", "test-images", "test-labels"]:
        p.add_argument("--" + f)
    p.add_argument("--count", type=int)
    p.add_argument("--test-count", type=int)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--method", default="saf-e", choices=["ottt", "saf-e"])
    a = p.parse_args()
    out = {"mlp": mlp, "lenet5": lenet5, "lif": lif}[a.case](a)
    print(json.dumps({"case": a.case, **out, **blas()}))


if __name__ == "__main__":
    main()
