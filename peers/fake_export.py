#!/usr/bin/env python3
"""Write an export directory the way ``ssmbench export-weights`` should,
but from HF itself: a self-test for hf_parity.py and a reference for the
file format.

The model is HF's own randomly initialised ``*ForCausalLM`` (the paper's
configuration unless ``--layers``/``--vocab`` shrink it), and
``ssmbench_outputs.safetensors`` holds HF's own outputs, so hf_parity.py
must pass with ~0 error. ``--corrupt`` perturbs the export to check that it
then fails:

* ``swap-qk``     swap layer 0's q_proj and k_proj (llama) or in_proj halves
  (mamba) in the weights -- outputs from layer 0 on must fail;
* ``shift-hidden`` save hidden states shifted by one index;
* ``drop-key``    leave one weight out -- the strict loader must refuse.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hf_common  # noqa: E402


def parse_args(argv=None):
    """Command-line interface."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", choices=["llama", "mamba"])
    p.add_argument("dir", help="output directory")
    p.add_argument("--n", type=int, default=64, help="sequence length")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layers", type=int, default=None,
                   help="override num_hidden_layers (default: paper's 8)")
    p.add_argument("--vocab", type=int, default=None,
                   help="override vocab_size (default: paper's 32000)")
    p.add_argument("--corrupt", default=None,
                   choices=["swap-qk", "shift-hidden", "drop-key"])
    return p.parse_args(argv)


def main(argv=None):
    """Entry point."""
    args = parse_args(argv)
    hf_common.strict_fp32()
    cfg = dict(hf_common.PAPER_CONFIGS[args.model])
    if args.layers:
        cfg["num_hidden_layers"] = args.layers
    if args.vocab:
        cfg["vocab_size"] = args.vocab
    torch.manual_seed(args.seed)
    model = hf_common.build_model(hf_common.build_config(cfg), "eager")
    gen = torch.Generator().manual_seed(args.seed + 1)
    ids = torch.randint(0, cfg["vocab_size"], (1, args.n), generator=gen)
    with torch.no_grad():
        out = model(input_ids=ids, output_hidden_states=True,
                    use_cache=False)

    # Every parameter under its HF name; Mamba's tied lm_head.weight is
    # written too (a copy equal to backbone.embeddings.weight).
    weights = {k: v.detach().clone().contiguous()
               for k, v in model.state_dict().items()}
    hidden = list(out.hidden_states)
    if args.corrupt == "swap-qk":
        if args.model == "llama":
            q, k = "model.layers.0.self_attn.q_proj.weight", \
                   "model.layers.0.self_attn.k_proj.weight"
            weights[q], weights[k] = weights[k], weights[q]
        else:
            w = weights["backbone.layers.0.mixer.in_proj.weight"]
            half = w.shape[0] // 2
            weights["backbone.layers.0.mixer.in_proj.weight"] = torch.cat(
                [w[half:], w[:half]]).contiguous()
    elif args.corrupt == "shift-hidden":
        hidden = hidden[1:] + hidden[:1]
    elif args.corrupt == "drop-key":
        weights.pop(sorted(weights)[1])

    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    config = model.config.to_dict()
    config["model_type"] = args.model
    with open(d / "config.json", "w", encoding="utf-8") as fh:
        json.dump(config, fh, indent=2, default=str)
    save_file(weights, str(d / "model.safetensors"))
    with open(d / "input_ids.json", "w", encoding="utf-8") as fh:
        json.dump({"input_ids": ids[0].tolist()}, fh)
    outputs = {"logits": out.logits.contiguous()}
    for i, h in enumerate(hidden):
        outputs[f"hidden_states.{i}"] = h.contiguous()
    save_file(outputs, str(d / "ssmbench_outputs.safetensors"))
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True,
                             check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    meta = {"model": args.model, "seed": args.seed, "n": args.n,
            "device": "hf-" + hf_common.pick_device().type,
            "ssmbench_version": "fake-export (HF outputs)", "git_rev": rev}
    with open(d / "meta.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2)
    print(f"wrote {d}: {args.model} n={args.n} "
          f"{len(hidden)} hidden states, corrupt={args.corrupt}")


if __name__ == "__main__":
    main()
