#!/usr/bin/env python3
"""Cuts the committed MNIST subset (samples/data/mnist-subset/) out of the full MNIST files.

Selection: the FIRST N items of each file, in file order (no shuffling, no class balancing), so the
subset is the plain prefix of the official files and is byte-for-byte reproducible:
  train: the first 6,000 of 60,000 images/labels; test: the first 1,000 of 10,000 images/labels.

Usage (after samples/get-data.sh has fetched the full data):
  python3 samples/tools/make-mnist-subset.py [FULL_MNIST_DIR] [OUT_DIR] [TRAIN_N] [TEST_N]
Defaults: samples/data/full/mnist samples/data/mnist-subset 6000 1000.
Uses the Python standard library only. Output gzip files carry no name and mtime 0 (deterministic).
"""
import gzip
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)


def read_idx(path):
    """Returns (magic_bytes, dims, payload) of a gzip or raw IDX file (detected by the 1f 8b magic)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    ndim = raw[3]
    dims = list(struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim]))
    payload = raw[4 + 4 * ndim:]
    return raw[:4], dims, payload


def write_prefix(src, dst, n):
    magic, dims, payload = read_idx(src)
    if dims[0] < n:
        raise ValueError(f"{src}: has {dims[0]} items, fewer than {n}")
    item = 1
    for d in dims[1:]:
        item *= d
    out = magic + struct.pack(">" + "I" * len(dims), n, *dims[1:]) + payload[: n * item]
    with open(dst, "wb") as f:
        # mtime=0 and no file name make the .gz bytes depend on the content only.
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
            gz.write(out)
    return dims, payload[: n * item]


def main():
    full = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SAMPLES, "data", "full", "mnist")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(SAMPLES, "data", "mnist-subset")
    train_n = int(sys.argv[3]) if len(sys.argv) > 3 else 6000
    test_n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    os.makedirs(out, exist_ok=True)
    for prefix, n in (("train", train_n), ("t10k", test_n)):
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
            name = f"{prefix}-{kind}.gz"
            dims, data = write_prefix(os.path.join(full, name), os.path.join(out, name), n)
            size = os.path.getsize(os.path.join(out, name))
            line = f"{name}: first {n} of {dims[0]} items, {size} bytes gzip"
            if kind.startswith("labels"):
                counts = [data.count(bytes([d])) for d in range(10)]
                line += f", per-digit counts {counts}"
            print(line)


if __name__ == "__main__":
    main()
