#!/usr/bin/env python3
"""Time PyTorch's FP32 matmul (cuBLAS, TF32 off) on the models' own products.

ssmbench's FP32 matmul kernels are written in CubeCL; the one thing that
says how far they are from what the vendor library reaches on the same GPU
is the vendor library on the same problems. This script times ``torch.mm``
in strict FP32 on the products ``ssmbench selftest`` timed with its own
kernels, read from its CSV (``--selftest``: the rows of check ``matmul``,
variant ``fp32-model-rhsT`` for a weight stored ``[out, in]`` and multiplied
transposed, as both stacks store it, or ``fp32-model`` for ``[in, out]``),
and writes one row per problem:

    stack,m,k,n,rhs,median_ms,tflops,runs,device,driver,software,timestamp

``rhs`` is ``out_in`` or ``in_out``. Protocol: operands drawn once from a
fixed seed; 3 warm-up products; ``--runs`` timed products, each between
``torch.cuda.synchronize()`` calls around ``time.perf_counter()`` (as
ssmbench times its own); the median is kept.
"""

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_common  # noqa: E402

# The self-check's variant names for the two weight layouts, and the prefix of
# its quantity column, which carries the shared dimension k.
LAYOUTS = {"fp32-model-rhsT": True, "fp32-model": False}
K_PREFIX = "sampled k="

COLUMNS = ["stack", "m", "k", "n", "rhs", "median_ms", "tflops", "runs",
           "device", "driver", "software", "timestamp"]


def parse_args(argv=None):
    """Command-line interface."""
    p = argparse.ArgumentParser(
        description="Time torch.mm (cuBLAS) in strict FP32 on the models' "
                    "matrix products at N = 8,192.")
    p.add_argument("--selftest", required=True, metavar="CSV",
                   help="ssmbench's selftest.csv, whose model-shape matmul "
                        "rows name the products to time")
    p.add_argument("--out", required=True, metavar="CSV", help="output CSV")
    p.add_argument("--runs", type=int, default=5, help="timed products")
    p.add_argument("--device", default=None, help="cuda or cpu")
    return p.parse_args(argv)


def shapes_from(selftest):
    """(m, k, n, weight stored [out, in]) of the self-check's model products."""
    shapes = []
    with open(selftest, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            quantity = row.get("quantity", "")
            if (row.get("check") == "matmul" and row.get("variant") in LAYOUTS
                    and quantity.startswith(K_PREFIX)):
                shapes.append((int(row["n"]), int(quantity[len(K_PREFIX):]),
                               int(row["channels"]), LAYOUTS[row["variant"]]))
    if not shapes:
        sys.exit(f"{selftest}: no model-shape matmul rows (variant fp32-model"
                 f"[-rhsT], quantity '{K_PREFIX}K'); run `ssmbench selftest` "
                 "on the GPU first")
    return shapes


def time_product(a, b, out, runs, sync):
    """Median milliseconds of ``runs`` synchronised products."""
    for _ in range(3):
        torch.mm(a, b, out=out)
    times = []
    for _ in range(runs):
        sync()
        start = time.perf_counter()
        torch.mm(a, b, out=out)
        sync()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main(argv=None):
    """Times every shape and writes the CSV."""
    args = parse_args(argv)
    shapes = shapes_from(args.selftest)
    fp32 = hf_common.strict_fp32()
    device = hf_common.pick_device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    name = hf_common.device_name(device)
    driver = hf_common.driver_version()
    software = hf_common.software_string([f"cublas via torch.mm; {fp32}"])
    stamp = hf_common.now_iso()
    gen = torch.Generator(device="cpu").manual_seed(0)
    rows = []
    for m, k, n, out_in in shapes:
        a = torch.randn(m, k, generator=gen).to(device)
        if out_in:
            b = torch.randn(n, k, generator=gen).to(device).t()
        else:
            b = torch.randn(k, n, generator=gen).to(device)
        out = torch.empty(m, n, device=device)
        ms = time_product(a, b, out, args.runs, sync)
        tflops = 2.0 * m * k * n / (ms * 1e-3) / 1e12
        rhs = "out_in" if out_in else "in_out"
        print(f"{m}x{k}x{n} ({rhs}): {ms:.3f} ms, {tflops:.1f} TFLOP/s",
              flush=True)
        rows.append(dict(zip(COLUMNS, [
            "cublas", m, k, n, rhs, f"{ms:.4f}", f"{tflops:.2f}", args.runs,
            name, driver, software, stamp])))
        del a, b, out
    hf_common.write_csv_atomic(args.out, COLUMNS, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
