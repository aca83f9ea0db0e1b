"""Evaluate a checkpoint against the real seizure labels of a split (runs in the image).

    python -m bgb_modal.evaluate_job --checkpoint /results/<run>/checkpoints/best.pt \\
        --output-json /results/<run>/evaluations/<eval run>.json [--split eval] \\
        [--config <trainer config.yaml>] [--data-root /data/tuh] [--cache-dir <cache key dir>]

The trainer's `python -m src evaluate` builds its dataset without label files, so every label
is 0 (AUROC 0.5, sensitivity 0, exit 0). This program uses the trainer's own parts instead:
its `Config` (from the checkpoint, or --config), the loop's split selection (split_files.py:
`get_tusz_official_splits`, the `.csv` beside each EDF), `EEGWindowDataset` with those label
files over the shared cache, `SeizureDetector.from_config` and the loop's `validate_epoch`,
which scores with `evaluate_predictions` from eval/metrics.py (AUROC, TAES, sensitivity and
threshold per configured FA/24h rate). Before any inference it checks that every EDF has its
label file, that the cached windows carry labels, and that the split holds at least one
seizure sample; otherwise it exits 3 and writes no metrics.

Exit codes: 0 metrics written, 2 usage (no config, unknown split, not a checkpoint),
3 no labels, 1 anything else.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from .cache_check import npz_path, npz_problem
from .paths import dataset_subpath
from .split_files import SplitError, split_files

EXIT_FAILED, EXIT_USAGE, EXIT_NO_LABELS = 1, 2, 3
REQUIRED_METRICS = ("auroc", "taes")


class JobError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bgb_modal.evaluate_job")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--output-json", required=True)
    p.add_argument("--split", default="eval", help="eval (held out, default), dev, train, val")
    p.add_argument("--config", default=None, help="trainer config, for checkpoints without one")
    p.add_argument("--data-root", default=None, help="dataset root in this container")
    p.add_argument("--cache-dir", default=None, help="preprocessing cache (default: the config's)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    return p


def load_config(ckpt: dict[str, Any], config: str | None) -> tuple[Any, str]:
    from src.brain_brr.config.schemas import Config

    if config:
        return Config.from_yaml(config), config
    if ckpt.get("config") is None:
        raise JobError(
            EXIT_USAGE,
            "the checkpoint carries no config (mid-epoch checkpoints have none); pass "
            "--config with the training run's config (/results/<run>/config.yaml)",
        )
    return Config(**ckpt["config"]), "checkpoint"


def label_evidence(edf: list[Path], labels: list[Path], split_cache: Path) -> dict[str, Any]:
    """Count what the cached windows of the split say about seizures; JobError(3) when the
    scores would be computed against no labels."""
    import numpy as np

    lacking = [p for p in labels if not p.is_file()]
    if lacking:
        raise JobError(
            EXIT_NO_LABELS,
            f"{len(lacking)} of {len(labels)} EDF files have no label file beside them "
            f"(e.g. {lacking[0]}); they would be scored as seizure-free",
        )
    windows = positive_windows = positive_samples = samples = 0
    for p in edf:
        npz = npz_path(split_cache, p.stem)
        problem = npz_problem(npz)
        if problem:
            raise JobError(
                EXIT_NO_LABELS,
                f"cached windows {npz}: {problem}; a cache built without label files cannot be "
                f"scored (remove {split_cache} and evaluate again)",
            )
        with np.load(npz) as z:
            lab = np.asarray(z["labels"])
        pos = lab > 0
        windows += int(lab.shape[0])
        samples += int(lab.size)
        positive_samples += int(pos.sum())
        positive_windows += int(pos.reshape(lab.shape[0], -1).any(axis=1).sum()) if lab.size else 0
    if positive_samples == 0:
        raise JobError(
            EXIT_NO_LABELS,
            f"the labels of the {len(edf)} files of this split hold no seizure sample: "
            "AUROC and sensitivity would be meaningless (check the label files)",
        )
    return {
        "label_files": len(labels),
        "windows": windows,
        "seizure_windows": positive_windows,
        "seizure_sample_fraction": positive_samples / samples,
    }


def _json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_safe(v) for v in x]
    if isinstance(x, bool | int | float | str) or x is None:
        return x
    try:
        return float(x)  # numpy / torch scalars
    except (TypeError, ValueError):
        return str(x)


def run(a: argparse.Namespace) -> dict[str, Any]:
    import torch

    ckpt_path = Path(a.checkpoint)
    if not ckpt_path.is_file():
        raise JobError(EXIT_USAGE, f"checkpoint {ckpt_path} does not exist")
    ckpt = torch.load(str(ckpt_path), map_location="cpu")
    if not isinstance(ckpt, dict) or "model_state_dict" not in ckpt:
        raise JobError(EXIT_USAGE, f"{ckpt_path} is not a trainer checkpoint (no model_state_dict)")
    cfg, config_source = load_config(ckpt, a.config)
    if a.data_root:
        sub = dataset_subpath(str(cfg.data.data_dir))
        cfg.data.data_dir = Path(a.data_root) / sub
    if a.cache_dir:
        cfg.data.cache_dir = Path(a.cache_dir)
    try:
        edf, labels = split_files(cfg, a.split, limit=None)
    except SplitError as e:
        raise JobError(EXIT_USAGE, str(e)) from None
    missing = [p for p in labels if not p.is_file()]
    if len(missing) == len(labels):
        raise JobError(
            EXIT_NO_LABELS,
            f"no label file for any of the {len(edf)} EDF files of split {a.split!r} "
            f"(expected e.g. {labels[0]}): the trainer would score all-zero labels",
        )
    split_cache = Path(cfg.data.cache_dir) / a.split
    print(f"[eval] split {a.split}: {len(edf)} EDF files, cache {split_cache}", flush=True)

    from src.brain_brr.data.datasets import EEGWindowDataset

    dataset = EEGWindowDataset(edf, label_files=labels, cache_dir=split_cache)
    evidence = label_evidence(edf, labels, split_cache)
    print(
        f"[eval] labels: {evidence['seizure_windows']} of {evidence['windows']} windows "
        "contain seizure samples",
        flush=True,
    )

    from src.brain_brr.models import SeizureDetector
    from src.brain_brr.train.loop import validate_epoch
    from torch.utils.data import DataLoader

    device = a.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    model = SeizureDetector.from_config(cfg.model)
    model.load_state_dict(ckpt["model_state_dict"])
    model = model.to(device)
    loader = DataLoader(
        dataset,
        batch_size=cfg.training.batch_size,
        shuffle=False,
        num_workers=cfg.data.num_workers,
        pin_memory=device == "cuda",
    )
    fa_rates = list(cfg.evaluation.fa_rates)
    metrics = validate_epoch(model, loader, cfg.postprocessing, device=device, fa_rates=fa_rates)
    wanted = [*REQUIRED_METRICS, *(f"sensitivity_at_{fa}fa" for fa in fa_rates)]
    absent = [k for k in wanted if k not in metrics]
    if absent:
        raise JobError(EXIT_FAILED, f"the trainer's validation returned no {', '.join(absent)}")
    doc = _json_safe(metrics)
    doc["metadata"] = {
        "checkpoint": str(ckpt_path),
        "epoch": _json_safe(ckpt.get("epoch")),
        "split": a.split,
        "files": len(edf),
        "data_dir": str(cfg.data.data_dir),
        "cache_dir": str(split_cache),
        "config_source": config_source,
        "fa_rates": fa_rates,
        "device": device,
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    doc["labels"] = evidence
    return doc


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    try:
        doc = run(a)
    except JobError as e:
        print(f"[eval] error: {e}", flush=True)
        return e.code
    except Exception as e:  # noqa: BLE001 - one line for the run log, and a failed exit code
        print(f"[eval] error: {type(e).__name__}: {e}", flush=True)
        return EXIT_FAILED
    out = Path(a.output_json)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    shown = {k: doc[k] for k in doc if k in REQUIRED_METRICS or k.startswith("sensitivity_at_")}
    print("[eval] " + " ".join(f"{k} {v:.4f}" for k, v in shown.items()), flush=True)
    print(f"[eval] metrics -> {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
