"""Which EDF files (and label files) make up a split, chosen as the trainer's loop chooses them.

Runs inside the image (PYTHONPATH=/app): `official_tusz` asks the trainer's own
`get_tusz_official_splits` (edf/<split>, the label file being the `.csv` beside each EDF);
`custom` repeats the loop's seeded shuffle and cut (train/ and val/). A file limit
(BGB_LIMIT_FILES) keeps the first `limit` training files and `limit // 5` (at least 1)
validation files, as `train/loop.py` main() does. Evaluation passes no limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SPLITS = {"official_tusz": ("train", "dev", "eval"), "custom": ("train", "val")}


class SplitError(ValueError):
    pass


def training_splits(policy: str) -> tuple[str, str]:
    """The cache folders the loop reads: train/ and dev/ (official_tusz) or val/ (custom)."""
    return ("train", "dev") if policy == "official_tusz" else ("train", "val")


def _cut(files: list[Path], split: str, limit: int | None) -> list[Path]:
    if limit is None:
        return files
    if split == "train":
        return files[: max(1, limit)]
    if split in ("dev", "val"):
        return files[: max(1, min(len(files), max(1, limit // 5)))]
    return files  # eval: never limited


def split_files(cfg: Any, split: str, *, limit: int | None) -> tuple[list[Path], list[Path]]:
    """(edf files, label files) of `split` for a trainer `Config`."""
    policy = cfg.data.split_policy
    if policy not in SPLITS:
        raise SplitError(f"data.split_policy {policy!r} is not one of {', '.join(SPLITS)}")
    if split not in SPLITS[policy]:
        raise SplitError(
            f"split {split!r} does not exist with data.split_policy {policy!r} "
            f"(choose {', '.join(SPLITS[policy])})"
        )
    root = Path(cfg.data.data_dir)
    if policy == "official_tusz":
        from src.brain_brr.data.tusz_splits import get_tusz_official_splits

        if root.name in SPLITS["official_tusz"]:
            root = root.parent  # the loop goes up from edf/train to edf
        if not (root / split).is_dir():
            raise SplitError(f"split folder {root / split} does not exist")
        edf, _labels, _patients = get_tusz_official_splits(root, split, verbose=False)
        edf = _cut(list(edf), split, limit)
    else:
        import numpy as np

        files = sorted(root.glob("**/*.edf"))
        order = np.arange(len(files))
        np.random.RandomState(cfg.data.split_seed).shuffle(order)
        files = [files[i] for i in order]
        n_val = int(len(files) * cfg.data.validation_split)
        edf = _cut(files[:n_val] if split == "val" else files[n_val:], split, limit)
    if not edf:
        raise SplitError(f"split {split!r} has no EDF files under {root}")
    return edf, [p.with_suffix(".csv") for p in edf]
