#!/usr/bin/env python3
"""Check that ssmbench's Burn models compute the same function as HF's.

Each DIR was written by ``ssmbench export-weights`` and holds:

* ``config.json``   HF config dict with ``model_type`` 'llama' or 'mamba';
* ``model.safetensors``  f32 weights under HF parameter names;
* ``input_ids.json``     ``{"input_ids": [...]}``;
* ``ssmbench_outputs.safetensors``  ``logits`` [1, N, V] and
  ``hidden_states.{i}`` [1, N, H] in HF's ``output_hidden_states`` order;
* ``meta.json``     {"model", "seed", "n", "device", "ssmbench_version",
  "git_rev"}.

The script builds the HF class from the config, loads the weights strictly,
runs ``model(input_ids, output_hidden_states=True)`` in FP32 (TF32 off,
eager attention for LLaMA) and compares every tensor with ssmbench's, HF
being the reference. One CSV row per tensor; exit code 1 if any row fails.

HF 5.17's hidden_states (L = num_hidden_layers, both tuples have L + 1):

* LlamaForCausalLM: (embeddings, out(layer 0), ..., out(layer L-2),
  norm(out(layer L-1))) -- the raw output of the last layer is not returned.
* MambaForCausalLM: (out(block 0), ..., out(block L-1), norm_f(out(block
  L-1))) -- no embeddings entry; entry L-1 is the un-normed last block.
"""

import argparse
import csv
import json
import math
import os
import sys
from pathlib import Path

import torch
import transformers
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_common  # noqa: E402

COLUMNS = ["model", "seed", "n", "tensor", "max_abs_err", "rel_err",
           "max_rel_err", "tol", "pass", "hf_path", "device", "torch",
           "transformers"]


def parse_args(argv=None):
    """Command-line interface."""
    p = argparse.ArgumentParser(
        description="Compare ssmbench's exported outputs with HF "
                    "transformers' LlamaForCausalLM / MambaForCausalLM.")
    p.add_argument("dirs", nargs="+", metavar="DIR",
                   help="directories written by `ssmbench export-weights`")
    p.add_argument("--out", required=True, metavar="CSV",
                   help="CSV file to write (one row per compared tensor)")
    p.add_argument("--tol", type=float, default=1e-4,
                   help="pass if ||a-b||_2/||b||_2 <= TOL (default 1e-4)")
    p.add_argument("--rel-floor", type=float, default=1e-3,
                   help="max_rel_err = max |a-b| / max(|b|, F*rms(b)); "
                        "F defaults to 1e-3")
    p.add_argument("--device", default=None,
                   help="torch device (default: cuda if available, else cpu)")
    return p.parse_args(argv)


def load_export(d):
    """Read one export directory; returns a dict of its parts."""
    d = Path(d)
    with open(d / "config.json", encoding="utf-8") as fh:
        config = json.load(fh)
    with open(d / "input_ids.json", encoding="utf-8") as fh:
        input_ids = [int(t) for t in json.load(fh)["input_ids"]]
    meta = {}
    if (d / "meta.json").exists():
        with open(d / "meta.json", encoding="utf-8") as fh:
            meta = json.load(fh)
    return {
        "dir": d,
        "config": config,
        "input_ids": input_ids,
        "meta": meta,
        "weights": load_file(str(d / "model.safetensors")),
        "outputs": load_file(str(d / "ssmbench_outputs.safetensors")),
    }


def load_weights_strict(model, state):
    """Load ``state`` into ``model``; return a list of problems (empty = ok).

    Every parameter must be present with its exact shape and dtype float32,
    and no extra key may be present. The only allowed omission is Mamba's
    ``lm_head.weight``, which HF ties to ``backbone.embeddings.weight``; if
    it is present it must equal the embeddings exactly.
    """
    problems = []
    state = dict(state)
    expected = model.state_dict()
    model_type = model.config.model_type
    tied = model.lm_head.weight is model.get_input_embeddings().weight
    want_tied = model_type == "mamba"
    if tied != want_tied:
        problems.append(f"HF model has tied lm_head={tied}, "
                        f"expected {want_tied} for {model_type}")
    emb_key = ("backbone.embeddings.weight" if model_type == "mamba"
               else "model.embed_tokens.weight")
    if tied and "lm_head.weight" in state:
        if emb_key in state and not torch.equal(state["lm_head.weight"],
                                                state[emb_key]):
            problems.append("lm_head.weight differs from " + emb_key +
                            " but HF ties them")
        del state["lm_head.weight"]
    allowed_missing = {"lm_head.weight"} if tied else set()
    missing = sorted(set(expected) - set(state) - allowed_missing)
    unexpected = sorted(set(state) - set(expected))
    if missing:
        problems.append(f"missing keys: {missing}")
    if unexpected:
        problems.append(f"unexpected keys: {unexpected}")
    for key, tensor in state.items():
        if key not in expected:
            continue
        if tensor.dtype != torch.float32:
            problems.append(f"{key}: dtype {tensor.dtype}, want float32")
        if tuple(tensor.shape) != tuple(expected[key].shape):
            problems.append(f"{key}: shape {tuple(tensor.shape)}, "
                            f"HF wants {tuple(expected[key].shape)}")
    if problems:
        return problems
    result = model.load_state_dict(state, strict=False)
    leftover = set(result.missing_keys) - allowed_missing
    if leftover or result.unexpected_keys:
        problems.append(f"load_state_dict: missing={sorted(leftover)} "
                        f"unexpected={sorted(result.unexpected_keys)}")
    embeddings = model.get_input_embeddings().weight
    if tied and model.lm_head.weight is not embeddings:
        problems.append("tie between lm_head and embeddings was broken")
    return problems


def compare(a, b, tol, rel_floor):
    """Error metrics of ``a`` (ssmbench) against reference ``b`` (HF)."""
    a = a.to(torch.float64)
    b = b.to(torch.float64)
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        return {"max_abs_err": math.nan, "rel_err": math.nan,
                "max_rel_err": math.nan, "pass": False}
    diff = (a - b).abs()
    b_norm = torch.linalg.vector_norm(b).item()
    diff_norm = torch.linalg.vector_norm(diff).item()
    rel = diff_norm / b_norm if b_norm > 0 else (0.0 if diff_norm == 0
                                                 else math.inf)
    rms = b_norm / math.sqrt(max(b.numel(), 1))
    floor = max(rel_floor * rms, torch.finfo(torch.float32).tiny)
    max_rel = (diff / b.abs().clamp(min=floor)).max().item()
    return {"max_abs_err": diff.max().item(), "rel_err": rel,
            "max_rel_err": max_rel, "pass": rel <= tol}


def rel_err(a, b):
    """||a - b|| / ||b|| in float64 (shapes must match)."""
    a = a.to(torch.float64)
    b = b.to(torch.float64)
    return (torch.linalg.vector_norm(a - b)
            / torch.linalg.vector_norm(b).clamp(min=1e-300)).item()


def hf_forward(model, input_ids, device):
    """HF forward with hidden states; also the embeddings and the raw
    output of the last layer, used only to diagnose convention mismatches."""
    captured = {}
    layers = (model.model.layers if model.config.model_type == "llama"
              else model.backbone.layers)
    hook = layers[-1].register_forward_hook(
        lambda _m, _a, out: captured.__setitem__(
            "last", out[0] if isinstance(out, tuple) else out))
    x = torch.tensor([input_ids], dtype=torch.long, device=device)
    try:
        with torch.no_grad():
            out = model(input_ids=x, output_hidden_states=True,
                        use_cache=False)
            emb = model.get_input_embeddings()(x)
    finally:
        hook.remove()
    extras = {"embeddings": emb,
              f"raw output of last layer (pre-norm, layer "
              f"{len(layers) - 1})": captured.get("last")}
    return out, extras


def diagnose(a, hf_hidden, extras):
    """Name the HF tensor that ``a`` matches best (for a failing row)."""
    candidates = {f"HF hidden_states[{j}]": h for j, h in enumerate(hf_hidden)}
    candidates.update({k: v for k, v in extras.items() if v is not None})
    best = None
    for name, h in candidates.items():
        if tuple(h.shape) != tuple(a.shape):
            continue
        r = rel_err(a, h)
        if best is None or r < best[1]:
            best = (name, r)
    return best


def check_dir(d, args, device, dev_name):
    """Compare one export directory; returns a list of CSV row dicts."""
    exp = load_export(d)
    cfg, meta = exp["config"], exp["meta"]
    model_type = cfg.get("model_type", meta.get("model", "?"))
    seed = meta.get("seed", "")
    n = len(exp["input_ids"])
    if "n" in meta and int(meta["n"]) != n:
        print(f"  warning: meta.json n={meta['n']} but input_ids has {n}",
              flush=True)
    base = {"model": model_type, "seed": seed, "n": n, "tol": args.tol,
            "device": dev_name, "torch": torch.__version__,
            "transformers": transformers.__version__}
    print(f"{d}: {model_type} n={n} seed={seed} (ssmbench "
          f"{meta.get('ssmbench_version', '?')} rev "
          f"{meta.get('git_rev', '?')} on {meta.get('device', '?')})",
          flush=True)

    torch.manual_seed(0)
    model = hf_common.build_model(hf_common.build_config(cfg), "eager")
    path = hf_common.hf_path(model)
    base["hf_path"] = path
    problems = load_weights_strict(model, exp["weights"])
    if problems:
        for prob in problems:
            print(f"  ERROR weights: {prob}", flush=True)
        return [dict(base, tensor="weights", max_abs_err=math.nan,
                     rel_err=math.nan, max_rel_err=math.nan,
                     **{"pass": False})]
    params = hf_common.count_params(model)
    print(f"  HF {type(model).__name__}: {params:,} params; {path}",
          flush=True)
    model.to(device)

    out, extras = hf_forward(model, exp["input_ids"], device)
    hf = {"logits": out.logits}
    for i, h in enumerate(out.hidden_states):
        hf[f"hidden_states.{i}"] = h
    ours = exp["outputs"]

    rows = []
    for name in list(hf) + sorted(set(ours) - set(hf)):
        row = dict(base, tensor=name)
        if name not in ours or name not in hf:
            where = "ssmbench" if name not in ours else "HF"
            print(f"  FAIL {name}: absent from {where} outputs "
                  f"(HF returns {len(out.hidden_states)} hidden states)",
                  flush=True)
            rows.append(dict(row, max_abs_err=math.nan, rel_err=math.nan,
                             max_rel_err=math.nan, **{"pass": False}))
            continue
        a = ours[name].to(device)
        b = hf[name]
        if tuple(a.shape) != tuple(b.shape):
            print(f"  FAIL {name}: shape {tuple(a.shape)} vs HF "
                  f"{tuple(b.shape)}", flush=True)
            rows.append(dict(row, max_abs_err=math.nan, rel_err=math.nan,
                             max_rel_err=math.nan, **{"pass": False}))
            continue
        metrics = compare(a, b, args.tol, args.rel_floor)
        rows.append(dict(row, **metrics))
        if not metrics["pass"] and name.startswith("hidden_states"):
            best = diagnose(a, out.hidden_states, extras)
            if best and best[1] <= args.tol:
                print(f"  hint: ssmbench {name} matches {best[0]} "
                      f"(rel {best[1]:.2e}); check the hidden-state "
                      f"convention", flush=True)
    del model, out, extras
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return rows


def fmt(value):
    """CSV cell text: floats in %.6e (inf/nan spelled so), bools lowercase."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.6e}"
    return str(value)


def write_csv(path, rows):
    """Write rows atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([fmt(row[c]) for c in COLUMNS])
    os.replace(tmp, path)


def print_table(rows):
    """Compact human-readable summary."""
    print(f"\n{'model':6} {'n':>6} {'tensor':18} {'max_abs':>10} "
          f"{'rel':>10} {'max_rel':>10}  ok")

    def short(x):
        return f"{x:.2e}" if isinstance(x, float) else str(x)

    for r in rows:
        print(f"{r['model']:6} {r['n']:>6} {r['tensor']:18} "
              f"{short(r['max_abs_err']):>10} {short(r['rel_err']):>10} "
              f"{short(r['max_rel_err']):>10}  "
              f"{'PASS' if r['pass'] else 'FAIL'}", flush=True)


def main(argv=None):
    """Entry point; returns the process exit code."""
    args = parse_args(argv)
    fp32 = hf_common.strict_fp32()
    device = hf_common.pick_device(args.device)
    dev_name = hf_common.device_name(device)
    print(f"device {dev_name}; torch {torch.__version__}; transformers "
          f"{transformers.__version__}; {fp32}", flush=True)
    rows = []
    for d in args.dirs:
        try:
            rows.extend(check_dir(d, args, device, dev_name))
        except Exception as exc:  # keep going; record the failure
            print(f"{d}: ERROR {type(exc).__name__}: {exc}", flush=True)
            rows.append({"model": "?", "seed": "", "n": "",
                         "tensor": f"error:{Path(d).name}",
                         "max_abs_err": math.nan, "rel_err": math.nan,
                         "max_rel_err": math.nan, "tol": args.tol,
                         "pass": False, "hf_path": "", "device": dev_name,
                         "torch": torch.__version__,
                         "transformers": transformers.__version__})
    write_csv(args.out, rows)
    print_table(rows)
    failed = sum(not r["pass"] for r in rows)
    print(f"\n{len(rows) - failed} passed, {failed} failed "
          f"(tol {args.tol:g}); wrote {args.out}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
