"""Build one split of the preprocessing cache with the trainer's own code (runs in the image).

    python -m bgb_modal.cache_build --config <effective config.yaml> --split train \\
        --into /results/cache/<dataset>/<key>/.building/train [--limit N]

The same files as the training loop (split_files.py), their label files, and the trainer's
`EEGWindowDataset(edf_files, label_files=..., cache_dir=...)`, which writes one
`<stem>_windows.npz` per EDF, keeps the ones already there that load, and writes
`_dataset_index.json`. For train/ it also writes the balanced-sampling `manifest.json` with the
trainer's `scan_existing_cache`. Last it writes `.bgb-build.json` (the files it built), which
cache_check.py verifies before the split is marked complete.

Exit codes: 0 built, 2 bad config or split, 1 anything else. EDF files without a label file
are reported (the trainer gives them all-zero labels); evaluate_job.py refuses them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .cache_check import BUILD_REPORT
from .split_files import SplitError, split_files

EXIT_USAGE, EXIT_FAILED = 2, 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bgb_modal.cache_build")
    p.add_argument("--config", required=True, help="the effective trainer config (YAML)")
    p.add_argument("--split", required=True)
    p.add_argument("--into", required=True, help="directory to write the split's files into")
    p.add_argument("--limit", type=int, default=None, help="BGB_LIMIT_FILES of the run")
    return p


def build(config: str, split: str, into: Path, limit: int | None) -> int:
    from src.brain_brr.config.schemas import Config

    try:
        cfg = Config.from_yaml(config)
        edf, labels = split_files(cfg, split, limit=limit)
    except (SplitError, ValueError, FileNotFoundError) as e:
        print(f"[cache] error: {e}", flush=True)
        return EXIT_USAGE
    present = sum(1 for p in labels if p.is_file())
    if present < len(labels):
        # The trainer reads a missing label file as "no seizure"; its own sampler stops a
        # (non-smoke) run that finds no seizure window. Said here so the log shows why.
        print(
            f"[cache] warning: {len(labels) - present} of {len(labels)} EDF files of split "
            f"{split!r} have no label file (e.g. {next(p for p in labels if not p.is_file())}); "
            "their windows get all-zero labels",
            flush=True,
        )

    from src.brain_brr.data.datasets import EEGWindowDataset

    into.mkdir(parents=True, exist_ok=True)
    print(f"[cache] split {split}: {len(edf)} EDF files -> {into}", flush=True)
    dataset = EEGWindowDataset(edf, label_files=labels, cache_dir=into)
    report: dict[str, object] = {
        "files": [p.stem for p in edf],
        "label_files": present,
        "windows": len(dataset),
        "limit_files": limit,
        "manifest": split == "train",
    }
    if split == "train":
        from src.brain_brr.data.cache_utils import scan_existing_cache

        manifest = scan_existing_cache(into)
        report["seizure_windows"] = {
            k: len(manifest.get(k, [])) for k in ("partial_seizure", "full_seizure", "no_seizure")
        }
    tmp = into / f"{BUILD_REPORT}.tmp"
    tmp.write_text(json.dumps(report) + "\n", encoding="utf-8")
    os.replace(tmp, into / BUILD_REPORT)
    print(f"[cache] split {split}: {len(edf)} files, {len(dataset)} windows", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    try:
        return build(a.config, a.split, Path(a.into), a.limit)
    except Exception as e:  # noqa: BLE001 - one line for the run log, and a failed exit code
        print(f"[cache] error: {type(e).__name__}: {e}", flush=True)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
