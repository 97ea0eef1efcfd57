"""Helpers shared by the peer scripts (hf_parity.py, hf_bench.py, gemm_bench.py).

These scripts run the paper's own software stack (PyTorch + Hugging Face
``transformers``) beside ssmbench. Everything here is FP32 with TF32 off, as
in the paper's Section 4.3.
"""

import csv
import importlib.util
import inspect
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

# Parameter counts of the paper's two models (unique tensors; Mamba's
# lm_head is tied to its embeddings and counted once).
EXPECTED_PARAMS = {"llama": 53_748_224, "mamba": 29_946_368}

# The paper's configurations (Section 4.2), spelled as HF config fields.
PAPER_CONFIGS = {
    "llama": {
        "model_type": "llama",
        "vocab_size": 32000,
        "hidden_size": 512,
        "intermediate_size": 1024,
        "num_hidden_layers": 8,
        "num_attention_heads": 8,
        "num_key_value_heads": 8,
        "hidden_act": "silu",
        "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": False,
    },
    "mamba": {
        "model_type": "mamba",
        "vocab_size": 32000,
        "hidden_size": 512,
        "state_size": 16,
        "num_hidden_layers": 8,
        "expand": 2,
        "conv_kernel": 4,
        "time_step_rank": 32,
        "use_bias": False,
        "use_conv_bias": True,
        "layer_norm_epsilon": 1e-5,
        "tie_word_embeddings": True,
        "use_mambapy": False,
    },
}

# Config keys that describe a checkpoint rather than the architecture.
_NON_ARCH_KEYS = {"model_type", "transformers_version", "architectures",
                  "torch_dtype", "dtype", "_name_or_path"}


def strict_fp32():
    """Force true FP32 math: no TF32 in matmuls or cuDNN convolutions.

    Returns a short description of the resulting settings for logs.
    """
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    return (f"matmul.allow_tf32={torch.backends.cuda.matmul.allow_tf32} "
            f"cudnn.allow_tf32={torch.backends.cudnn.allow_tf32} "
            f"float32_matmul_precision={torch.get_float32_matmul_precision()}")


def pick_device(requested=None):
    """The requested ``torch.device``, else CUDA if present, else CPU."""
    if requested:
        return torch.device(requested)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def device_name(device):
    """Human-readable name of the device (GPU model, or the CPU model)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return "cpu: " + line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "cpu: " + (platform.processor() or "unknown")


def driver_version():
    """NVIDIA driver version from nvidia-smi, or '' if unavailable."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version",
             "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = [ln.strip() for ln in out.stdout.splitlines() if ln.strip()]
    return lines[0] if lines else ""


def now_iso():
    """Current time, ISO-8601 UTC, second precision."""
    return datetime.now(timezone.utc).isoformat(
        timespec="seconds").replace("+00:00", "Z")


def write_csv_atomic(path, columns, rows):
    """Write ``rows`` (dicts keyed by ``columns``) to ``path`` atomically
    (temp file + rename), so a crash never leaves a half-written CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def software_string(notes=()):
    """'torch X; transformers Y; python Z' plus optional notes."""
    parts = [f"torch {torch.__version__}",
             f"transformers {transformers.__version__}",
             f"python {platform.python_version()}"]
    parts.extend(notes)
    return "; ".join(parts)


def _wrapped_uses_kernel(func, package):
    """Whether an HF ``*_with_fallback`` wrapper calls a compiled kernel.

    transformers 5.x picks the implementation once, at import of the
    modeling module, and keeps it in the wrapper's closure
    (``is_new_implementation``). If the closure is not inspectable (another
    transformers version) fall back to whether the package is importable.
    """
    try:
        nonlocals = inspect.getclosurevars(func).nonlocals
        if "is_new_implementation" in nonlocals:
            return bool(nonlocals["is_new_implementation"])
    except (TypeError, ValueError):
        pass
    return importlib.util.find_spec(package) is not None


def mamba_path_info(use_mambapy):
    """Describe which code path HF's MambaMixer takes for a no-grad forward.

    In transformers 5.17 an eval-mode forward over a whole sequence calls
    ``causal_conv1d_fn`` and ``mamba_selective_scan``; each is a compiled
    kernel (``causal_conv1d`` / ``mamba_ssm``) when that package is
    importable, otherwise a PyTorch reference. The PyTorch scan uses
    mamba.py's ``pscan`` only if ``use_mambapy`` is set AND the ``mambapy``
    package is installed; otherwise it is a Python loop over time steps.
    (``use_associative_scan`` only acts under torch.compile.)

    Returns (path, detail): ``path`` is one of ``fast-kernels``,
    ``mambapy-pscan``, ``slow-sequential``; ``detail`` is a ';'-joined record.
    """
    from transformers.models.mamba import modeling_mamba as mm
    from transformers.utils import import_utils

    scan_kernel = _wrapped_uses_kernel(mm.mamba_selective_scan, "mamba_ssm")
    conv_kernel = _wrapped_uses_kernel(mm.causal_conv1d_fn, "causal_conv1d")
    mambapy_installed = bool(import_utils.is_mambapy_available())
    # Name kept from transformers 4.x, where the module had this flag.
    fast_path_available = scan_kernel and conv_kernel
    if scan_kernel:
        path = "fast-kernels"
    elif use_mambapy and mambapy_installed:
        path = "mambapy-pscan"
    else:
        path = "slow-sequential"
    detail = (f"{path};scan={'mamba_ssm' if scan_kernel else 'torch'};"
              f"conv={'causal_conv1d' if conv_kernel else 'torch'};"
              f"is_fast_path_available={fast_path_available};"
              f"use_mambapy={bool(use_mambapy)};"
              f"mambapy_installed={mambapy_installed}")
    return path, detail


def build_config(cfg_dict):
    """HF config object from a dict holding ``model_type`` and fields."""
    cfg = dict(cfg_dict)
    model_type = cfg.get("model_type")
    if model_type not in ("llama", "mamba"):
        raise ValueError(f"model_type must be 'llama' or 'mamba', "
                         f"got {model_type!r}")
    kwargs = {k: v for k, v in cfg.items() if k not in _NON_ARCH_KEYS}
    return AutoConfig.for_model(model_type, **kwargs)


def build_model(config, attn_implementation=None):
    """Randomly initialised FP32 ``*ForCausalLM`` for ``config`` (on CPU).

    ``attn_implementation`` ('eager' / 'sdpa') applies to LLaMA only.
    Seed torch beforehand for a reproducible initialisation.
    """
    kwargs = {"dtype": torch.float32}
    if config.model_type == "llama":
        kwargs["attn_implementation"] = attn_implementation or "eager"
    model = AutoModelForCausalLM.from_config(config, **kwargs)
    return model.eval()


def count_params(model):
    """Number of parameters, each tensor counted once (ties counted once)."""
    return sum(p.numel() for p in model.parameters())


def hf_path(model):
    """Short record of the HF code path a model uses (attention / Mamba)."""
    if model.config.model_type == "llama":
        return f"attn={model.config._attn_implementation}"
    return mamba_path_info(model.config.use_mambapy)[1]
