#!/usr/bin/env python3
"""Benchmark HF transformers' LLaMA and Mamba with the paper's protocol.

Section 4.4 of arXiv 2601.01237, on the paper's own stack: FP32 with TF32
off, batch 1, ``torch.no_grad()``. For each (variant, N):
``torch.cuda.empty_cache()``; build the randomly initialised model from a
fixed torch seed and move it to the GPU; 2 warm-up forwards;
``torch.cuda.reset_peak_memory_stats()``; 5 timed forwards, each between
``torch.cuda.synchronize()`` calls around ``time.perf_counter()``. Peak
memory is ``torch.cuda.max_memory_allocated()`` since the reset. An OOM
becomes a row with ``inf`` time and memory, and larger N of that variant are
skipped.

The CSV uses ssmbench's efficiency schema (one row per (variant, N, run)):
stack,model,variant,seed,n,logits,run,time_ms,peak_alloc_gib,reserved_gib,
params,error,device,driver,backend,software,git_rev,timestamp
"""

import argparse
import csv
import gc
import json
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_common  # noqa: E402

COLUMNS = ["stack", "model", "variant", "seed", "n", "logits", "run",
           "time_ms", "peak_alloc_gib", "reserved_gib", "params", "error",
           "device", "driver", "backend", "software", "git_rev", "timestamp"]

# variant name on the command line -> (model, variant column, HF settings)
VARIANTS = {
    "llama-eager": ("llama", "eager", {"attn_implementation": "eager"}),
    "llama-sdpa": ("llama", "sdpa", {"attn_implementation": "sdpa"}),
    "mamba-slow": ("mamba", "slow", {"use_mambapy": False}),
    "mamba-mambapy": ("mamba", "mambapy", {"use_mambapy": True}),
}

GIB = float(2 ** 30)


class OverBudget(Exception):
    """A configuration would take longer than --max-seconds-per-config."""


def parse_args(argv=None):
    """Command-line interface."""
    p = argparse.ArgumentParser(
        description="Benchmark HF LlamaForCausalLM / MambaForCausalLM with "
                    "the paper's Section 4.4 protocol; writes ssmbench's "
                    "efficiency CSV schema with stack=hf.")
    p.add_argument("--n", type=int, nargs="+",
                   default=[512, 1024, 2048, 4096, 8192],
                   help="sequence lengths (default: the paper's 512..8192)")
    p.add_argument("--variants", nargs="+", default=list(VARIANTS),
                   choices=list(VARIANTS),
                   help="variants to run (default: all)")
    p.add_argument("--seed", type=int, default=0,
                   help="torch seed for the random initialisation")
    p.add_argument("--out", required=True, metavar="CSV", help="output CSV")
    p.add_argument("--tokens", metavar="FILE", default=None,
                   help='JSON {"input_ids": [...]} at least as long as the '
                        "longest N (shorter: zero-padded, as in the paper); "
                        "default: deterministic pseudo-random ids")
    p.add_argument("--logits", choices=["full", "last"], default="full",
                   help="'last' computes only the last position's logits "
                        "(logits_to_keep=1)")
    p.add_argument("--warmup", type=int, default=2,
                   help="discarded warm-up forwards (default 2)")
    p.add_argument("--runs", type=int, default=5,
                   help="timed forwards (default 5)")
    p.add_argument("--max-seconds-per-config", type=float, default=120.0,
                   help="skip a (variant, N) whose warm-up + timed forwards "
                        "are estimated to exceed this, and larger N of that "
                        "variant (default 120)")
    p.add_argument("--stop-after", type=float, default=None, metavar="SEC",
                   help="start no configuration after SEC seconds (or one "
                        "estimated to end after it); exit 3 so the run can "
                        "be finished later with --resume")
    p.add_argument("--resume", action="store_true",
                   help="keep rows already in --out and skip their "
                        "(variant, N)")
    p.add_argument("--use-cache", action="store_true",
                   help="pass use_cache=True (HF's default: builds a KV / "
                        "SSM cache); default use_cache=False, forward only")
    p.add_argument("--allow-mambapy-fallback", action="store_true",
                   help="run mamba-mambapy even if the mambapy package is "
                        "missing (HF then silently uses the sequential "
                        "path); default: record skip rows")
    p.add_argument("--llama-config", metavar="JSON", default=None,
                   help="HF config.json to use instead of the paper's LLaMA")
    p.add_argument("--mamba-config", metavar="JSON", default=None,
                   help="HF config.json to use instead of the paper's Mamba")
    p.add_argument("--device", default=None,
                   help="torch device (default: cuda if available, else cpu)")
    p.add_argument("--git-rev", default="", help="recorded in git_rev")
    return p.parse_args(argv)


def log(msg):
    """Progress line, flushed at once."""
    print(msg, flush=True)


def load_tokens(path, n_max, seed, vocab):
    """Input ids of length ``n_max`` and a note on where they came from."""
    if path and Path(path).exists():
        with open(path, encoding="utf-8") as fh:
            ids = [int(t) for t in json.load(fh)["input_ids"]]
        note = f"input_ids={Path(path).name}"
        if len(ids) < n_max:
            note += f" zero-padded from {len(ids)}"
            ids = ids + [0] * (n_max - len(ids))
        return ids[:n_max], note
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (n_max,), generator=gen).tolist()
    why = "missing" if path else "not given"
    log(f"WARNING: --tokens {why}; using deterministic fallback ids "
        f"(torch.randint, seed {seed})")
    return ids, f"input_ids=fallback randint(seed={seed})"


def model_config(model, args):
    """The config dict for ``model``: the paper's, or one given on the CLI."""
    path = args.llama_config if model == "llama" else args.mamba_config
    if path:
        with open(path, encoding="utf-8") as fh:
            cfg = json.load(fh)
        cfg["model_type"] = model
        return cfg
    return dict(hf_common.PAPER_CONFIGS[model])


def build(spec, args, device):
    """Seeded random model for a variant, moved to ``device``."""
    model, _, settings = spec
    cfg = model_config(model, args)
    if model == "mamba":
        cfg["use_mambapy"] = settings["use_mambapy"]
    torch.manual_seed(args.seed)
    hf = hf_common.build_model(hf_common.build_config(cfg),
                               settings.get("attn_implementation"))
    return hf.to(device)


def sync(device):
    """torch.cuda.synchronize() on CUDA, nothing on CPU."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def is_oom(exc):
    """Whether an exception is a (CUDA) out-of-memory error."""
    return (isinstance(exc, torch.cuda.OutOfMemoryError)
            or (isinstance(exc, RuntimeError)
                and "out of memory" in str(exc).lower()))


def one_line(text, limit=300):
    """Exception text on one line, cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def measure(spec, n, ids, args, device):
    """Run one (variant, N) configuration.

    Returns (params, [(time_ms, peak_gib, reserved_gib), ...], mean seconds
    per timed forward). Raises OverBudget, or the forward's exception (e.g.
    OOM).
    """
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.empty_cache()
    model = build(spec, args, device)
    params = hf_common.count_params(model)
    x = torch.tensor([ids[:n]], dtype=torch.long, device=device)
    kwargs = {"use_cache": args.use_cache,
              "logits_to_keep": 1 if args.logits == "last" else 0}
    results = []
    try:
        with torch.no_grad():
            spent = 0.0
            for i in range(args.warmup):
                sync(device)
                start = time.perf_counter()
                out = model(input_ids=x, **kwargs)
                sync(device)
                elapsed = time.perf_counter() - start
                del out
                spent += elapsed
                check_budget(args, i, elapsed, spent)
            if cuda:
                torch.cuda.reset_peak_memory_stats(device)
            for _ in range(args.runs):
                sync(device)
                start = time.perf_counter()
                out = model(input_ids=x, **kwargs)
                sync(device)
                elapsed = time.perf_counter() - start
                del out
                if cuda:
                    peak = torch.cuda.max_memory_allocated(device) / GIB
                    reserved = torch.cuda.memory_reserved(device) / GIB
                else:
                    peak = reserved = None
                results.append((elapsed * 1e3, peak, reserved))
    finally:
        del model, x
    per_forward = sum(r[0] for r in results) / len(results) / 1e3
    return params, results, per_forward


def check_budget(args, i, elapsed, spent):
    """Raise OverBudget if warm-up ``i`` (0-based) shows that the whole
    configuration would exceed --max-seconds-per-config.

    The first forward carries one-off costs (cuBLAS handles, allocator
    growth), so after it only a clear case (twice the budget) aborts; after
    the last warm-up the steady-state estimate must fit the budget.
    """
    budget = args.max_seconds_per_config
    remaining = args.warmup - 1 - i + args.runs
    total = spent + elapsed * remaining
    last = i == args.warmup - 1
    if total > (budget if last else 2 * budget):
        raise OverBudget(f"warm-up {i + 1} took {elapsed:.2f} s; "
                         f"~{total:.0f} s for the configuration > "
                         f"{budget:g} s")


def release(device):
    """Free what a finished or failed configuration left behind."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def fmt(value, spec):
    """CSV cell: None -> '', inf -> 'inf', floats with ``spec``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isinf(value):
            return "inf"
        if math.isnan(value):
            return "nan"
        return format(value, spec)
    return str(value)


def read_rows(path):
    """Rows of an existing CSV (list of dicts), or [] if absent."""
    if not Path(path).exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise SystemExit(f"{path}: columns {reader.fieldnames} are not "
                             f"the efficiency schema; refusing to resume")
        return list(reader)


def write_rows(path, rows):
    """Write all rows atomically (temp file + rename)."""
    hf_common.write_csv_atomic(path, COLUMNS, rows)


def config_key(model, variant, seed, n, logits):
    """Identity of a configuration's rows, as strings (CSV cells)."""
    return (model, variant, str(seed), str(n), logits)


class Bench:
    """Runs the configurations and accumulates CSV rows."""

    def __init__(self, args):
        self.args = args
        self.device = hf_common.pick_device(args.device)
        self.cuda = self.device.type == "cuda"
        self.fp32 = hf_common.strict_fp32()
        self.device_name = hf_common.device_name(self.device)
        self.driver = hf_common.driver_version()
        self.rows = read_rows(args.out) if args.resume else []
        self.t0 = time.perf_counter()
        self.params = {}
        vocab = max(int(model_config(m, args).get("vocab_size", 32000))
                    for m in ("llama", "mamba"))
        self.ids, self.ids_note = load_tokens(args.tokens, max(args.n),
                                              args.seed, vocab)

    def param_count(self, spec):
        """Parameter count of a variant's model without allocating it
        (built on the meta device), for failure rows."""
        if spec[0] not in self.params:
            try:
                with torch.device("meta"):
                    model = build(spec, self.args, torch.device("meta"))
                self.params[spec[0]] = hf_common.count_params(model)
            except Exception:  # fall back to the paper's count
                self.params[spec[0]] = hf_common.EXPECTED_PARAMS[spec[0]]
        return self.params[spec[0]]

    def software(self, spec):
        """The 'software' cell: versions plus notes on this run."""
        notes = []
        if spec[0] == "mamba":
            notes.append("hf_path=" + hf_common.mamba_path_info(
                spec[2]["use_mambapy"])[1])
        notes.append(self.ids_note)
        if self.args.use_cache:
            notes.append("use_cache=True")
        if not self.cuda:
            notes.append("no CUDA: memory not measured")
        return hf_common.software_string(notes)

    def row(self, spec, n, **cells):
        """A CSV row for ``spec`` at ``n`` with the given cells."""
        base = {"stack": "hf", "model": spec[0], "variant": spec[1],
                "seed": str(self.args.seed), "n": str(n),
                "logits": self.args.logits, "run": "", "time_ms": "",
                "peak_alloc_gib": "", "reserved_gib": "", "params": "",
                "error": "", "device": self.device_name,
                "driver": self.driver,
                "backend": "cuda" if self.cuda else "cpu",
                "software": self.software(spec),
                "git_rev": self.args.git_rev, "timestamp": hf_common.now_iso()}
        base.update(cells)
        return base

    def failure(self, spec, n, error, params=""):
        """A failure / skip row: inf time and memory, error text."""
        return self.row(spec, n, time_ms="inf", peak_alloc_gib="inf",
                        reserved_gib="inf", params=str(params), error=error)

    def existing(self, spec):
        """Rows already present for a variant, keyed by N (for --resume)."""
        found = {}
        for r in self.rows:
            if (r["stack"], r["model"], r["variant"], r["seed"],
                    r["logits"]) == ("hf", spec[0], spec[1],
                                     str(self.args.seed), self.args.logits):
                found.setdefault(int(r["n"]), []).append(r)
        return found

    def run_variant(self, name):
        """All N of one variant. Returns False if stopped by --stop-after."""
        args = self.args
        spec = VARIANTS[name]
        done = self.existing(spec)
        blocked = None  # reason that skips all larger N
        last = None  # (n, seconds per forward) of the last measured N
        if (name == "mamba-mambapy" and not args.allow_mambapy_fallback
                and hf_common.mamba_path_info(True)[0] == "slow-sequential"):
            blocked = ("skipped: mambapy package not installed (HF would "
                       "fall back to the sequential path, same as "
                       "mamba-slow)")
        # Existing rows (--resume) count for the skip state even at N not
        # requested now.
        for n in sorted(set(args.n) | set(done)):
            if n in done:
                if n in args.n:
                    log(f"{name} N={n}: already in {args.out}, not redone")
                blocked, last = self.learn(done[n], n, blocked, last)
                continue
            if blocked:
                self.add([self.failure(spec, n, blocked,
                                       self.param_count(spec))], name, n)
                continue
            estimate = None
            if last:  # at least linear in N
                estimate = last[1] * n / last[0] * (args.warmup + args.runs)
                if estimate > args.max_seconds_per_config:
                    error = (f"skipped: over time budget at N={n} "
                             f"(~{estimate:.0f} s estimated > "
                             f"{args.max_seconds_per_config:g} s)")
                    blocked = f"skipped: over time budget (from N={n})"
                    self.add([self.failure(spec, n, error,
                                           self.param_count(spec))], name, n)
                    continue
            if args.stop_after is not None:
                elapsed = time.perf_counter() - self.t0
                if elapsed + (estimate or 0.0) > args.stop_after:
                    log(f"stopping before {name} N={n}: --stop-after "
                        f"{args.stop_after:g} s; rerun with --resume")
                    return False
            blocked, last = self.run_config(spec, name, n, blocked, last)
        return True

    def learn(self, rows, n, blocked, last):
        """Update the skip state of a variant from its existing rows."""
        for e in (r["error"] for r in rows if r["error"]):
            if blocked:
                break
            if e.startswith("oom"):
                blocked = f"skipped: after OOM at N={n}"
            elif e.startswith("skipped: after OOM"):
                blocked = e
            elif e.startswith("skipped: over time budget (from"):
                blocked = e
            elif e.startswith("skipped: over time budget"):
                blocked = f"skipped: over time budget (from N={n})"
        times = [float(r["time_ms"]) for r in rows
                 if not r["error"] and r["time_ms"] not in ("", "inf")]
        if times:
            last = (n, sum(times) / len(times) / 1e3)
        return blocked, last

    def run_config(self, spec, name, n, blocked, last):
        """Measure one configuration and record its rows."""
        log(f"{name} N={n}: running ({self.args.warmup} warm-up + "
            f"{self.args.runs} timed)")
        error = None
        try:
            params, results, per_forward = measure(
                spec, n, self.ids, self.args, self.device)
        except OverBudget as exc:
            error = f"skipped: over time budget at N={n} ({exc})"
        except Exception as exc:  # OOM or anything else: record it
            if is_oom(exc):
                error = f"oom: {one_line(exc)}"
            else:
                error = f"error: {type(exc).__name__}: {one_line(exc)}"
        release(self.device)
        if error:
            params = self.param_count(spec)
            self.add([self.failure(spec, n, error, params)], name, n)
            if error.startswith("oom"):
                return f"skipped: after OOM at N={n}", last
            if error.startswith("skipped"):
                return f"skipped: over time budget (from N={n})", last
            return blocked, last
        rows = []
        for run, (t_ms, peak, reserved) in enumerate(results, start=1):
            rows.append(self.row(
                spec, n, run=str(run), time_ms=fmt(t_ms, ".4f"),
                peak_alloc_gib=fmt(peak, ".6f"),
                reserved_gib=fmt(reserved, ".6f"), params=str(params)))
        self.add(rows, name, n)
        mean = sum(r[0] for r in results) / len(results)
        mem = (f", peak {results[-1][1]:.3f} GiB" if self.cuda else "")
        log(f"{name} N={n}: mean {mean:.2f} ms over {len(results)} runs{mem}")
        return blocked, (n, per_forward)

    def add(self, rows, name, n):
        """Append rows, rewrite the CSV atomically, report."""
        self.rows.extend(rows)
        write_rows(self.args.out, self.rows)
        if rows and rows[0]["error"]:
            log(f"{name} N={n}: {rows[0]['error']}")


def main(argv=None):
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    bench = Bench(args)
    log(f"device {bench.device_name} (driver {bench.driver or '-'}); "
        f"{hf_common.software_string()}; {bench.fp32}")
    if not bench.cuda:
        log("no CUDA: CPU run, timing by perf_counter only; peak_alloc_gib "
            "and reserved_gib left empty")
    log(f"N={sorted(set(args.n))} variants={args.variants} seed={args.seed} "
        f"logits={args.logits} use_cache={args.use_cache}")
    for name in args.variants:
        if not bench.run_variant(name):
            log(f"incomplete; wrote {args.out}")
            return 3
    write_rows(args.out, bench.rows)
    log(f"done; wrote {len(bench.rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
