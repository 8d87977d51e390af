#!/usr/bin/env python3
"""PyTorch peer of the MLNet.Mlp training benchmark (workloads W1-W4) and of its inference benchmark.

Run by `dotnet MLNet.Mlp.Benchmarks.dll train|torch|all` in a fresh process per workload; usable alone:

    python3 mlp_bench.py train --workload W2 --data samples/data/full [--epochs N] [--threads N]
    python3 mlp_bench.py infer --data samples/data/full

The loop is the fastest honest one: the whole data set pre-loaded as tensors, a randperm per epoch and index
slicing per batch, zero_grad(set_to_none=True), the fused F.cross_entropy. Prints one line `RESULT {json}`.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

WORKLOADS = {
    "W1": dict(data="mnist", hidden=[128], opt="sgd", lr=0.01, batch=20, epochs=10),
    "W2": dict(data="mnist", hidden=[128], opt="adam", lr=1e-3, batch=64, epochs=10),
    "W3": dict(data="mnist", hidden=[512, 256], opt="adam", lr=1e-3, batch=256, epochs=5),
    "W4": dict(data="fashion-mnist", hidden=[128], opt="adam", lr=1e-3, batch=64, epochs=10),
}


def read_idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load(folder, split):
    images = read_idx(os.path.join(folder, f"{split}-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
    labels = read_idx(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz"), 8)
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def build(hidden):
    layers, width = [], 784
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def blas_info():
    """Which BLAS/OpenMP libraries this process has actually mapped, and OpenBLAS's own report."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if any(k in name for k in ("blas", "mkl", "gomp", "omp", "dnnl", "lapack")):
                libs.add(os.path.realpath(path))
    info = {"blasLibraries": " ".join(sorted(libs))}
    for path in sorted(libs):
        if "openblas" in path:
            try:
                import ctypes
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                info["openblasCore"] = lib.openblas_get_corename().decode()
                info["openblasConfig"] = lib.openblas_get_config().decode().strip()
                info["openblasThreads"] = str(lib.openblas_get_num_threads())
            except (OSError, AttributeError):
                pass
            break
    config = torch.__config__.show()
    for part in config.replace("\n", ",").split(","):
        part = part.strip()
        if part.startswith("BLAS_INFO") or part.startswith("LAPACK_INFO"):
            info[part.split("=")[0]] = part.split("=", 1)[1]
    info["torchParallel"] = torch.__config__.parallel_info().splitlines()[0:4].__str__()
    return info


def common_info(threads):
    info = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "torchThreads": str(torch.get_num_threads()),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
        "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH", ""),
    }
    info.update(blas_info())
    return info


def train(args):
    w = WORKLOADS[args.workload]
    epochs = args.epochs or w["epochs"]
    folder = os.path.join(args.data, w["data"])
    x, y = load(folder, "train")
    xt, yt = load(folder, "t10k")
    torch.manual_seed(0)
    model = build(w["hidden"])
    if w["opt"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=w["lr"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=w["lr"], foreach=args.foreach)
    n, b = x.shape[0], w["batch"]
    gen = torch.Generator().manual_seed(0)
    seconds = []
    start = time.perf_counter()
    for _ in range(epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, b):
            idx = perm[i:i + b]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
    fit = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        accuracy = (model(xt).argmax(1) == yt).float().mean().item()
    info = common_info(args.threads)
    info["lastLoss"] = f"{loss.item():.5f}"
    info["medianEpoch"] = f"{statistics.median(seconds):.3f}"
    return dict(side="torch", workload=args.workload, epochSeconds=seconds, accuracy=accuracy, fitSeconds=fit,
                peakBytes=0, dataBytes=int(x.numel()) * 4, threads=torch.get_num_threads(), info=info)


def infer(args):
    folder = os.path.join(args.data, "mnist")
    xt, _ = load(folder, "t10k")
    torch.manual_seed(0)
    model = build([128]).eval()
    n = xt.shape[0]
    single, batch = [], []

    def predict(x):
        # What the ML.NET side produces per row: Score (the class probabilities) and PredictedLabel (their argmax).
        score = torch.softmax(model(x), dim=1)
        return score, score.argmax(dim=1)

    with torch.inference_mode():
        # Warm-up as on the .NET side (at least 3 s), then the measured passes.
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 3:
            for i in range(n):
                predict(xt[i:i + 1])
            predict(xt)
        for _ in range(10):
            t0 = time.perf_counter()
            for i in range(n):
                predict(xt[i:i + 1])
            single.append(n / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            predict(xt)
            batch.append(n / (time.perf_counter() - t0))
    info = common_info(args.threads)
    info["batch1RowsPerSecondBest"] = f"{max(single):.0f}"
    info["batch1RowsPerSecondMedian"] = f"{statistics.median(single):.0f}"
    info["fullBatchRowsPerSecondBest"] = f"{max(batch):.0f}"
    info["fullBatchRowsPerSecondMedian"] = f"{statistics.median(batch):.0f}"
    return dict(side="torch", workload="infer", epochSeconds=[], accuracy=0.0, fitSeconds=0,
                peakBytes=0, dataBytes=0, threads=torch.get_num_threads(), info=info)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["train", "infer"])
    p.add_argument("--workload", default="W2", choices=sorted(WORKLOADS))
    p.add_argument("--data", required=True, help="folder holding mnist/ and fashion-mnist/ IDX .gz files")
    p.add_argument("--epochs", type=int, default=0, help="0: the workload's own count")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--foreach", action=argparse.BooleanOptionalAction, default=None,
                   help="Adam's multi-tensor path (default: torch's own choice)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    result = train(args) if args.mode == "train" else infer(args)
    print("RESULT " + json.dumps(result, allow_nan=False), flush=True)


if __name__ == "__main__":
    main()
