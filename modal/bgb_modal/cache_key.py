"""Which preprocessing cache a run reads: one directory per (dataset version, preprocessing
settings), shared by every run with the same ones.

    /results/cache/<dataset>/<version[:12]>-<settings hash[:12]>/{train,dev,eval,val}/

The settings hashed are everything that decides which windows the trainer writes and which
files each split folder holds:
- the dataset version (the manifest id: same bytes in, same windows out);
- `data.{dataset,sampling_rate,n_channels,window_size,stride}` and the `preprocessing` section
  as written (the trainer at 7504b39 takes these from constants, but a later one may read them);
- the split selection: `data.split_policy`, and for `custom` also `split_seed`,
  `validation_split` and the part of `data_dir` inside the dataset (they decide which EDF files
  land in train/ and val/, and so the balanced-sampling manifest);
- the file limit (BGB_LIMIT_FILES): the trainer accepts any `manifest.json` whose files exist,
  so a smoke run's 50-file manifest in a shared train/ would silently shrink a full run;
- the trainer commit when known (its preprocessing code writes the windows).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .paths import PathError, dataset_subpath

CACHE_DIR = "cache"  # /results/cache
LAYOUT_VERSION = 1  # bump when the layout under a key changes
DATA_KEYS = ("dataset", "sampling_rate", "n_channels", "window_size", "stride")


@dataclass(frozen=True)
class CacheKey:
    dataset: str  # the launch spec's dataset name (e.g. "tuh")
    version: str  # the dataset's manifest version
    settings: dict[str, Any]  # what was hashed, recorded in the marker of each split
    digest: str  # sha256 of the canonical JSON of settings
    path: PurePosixPath  # /results/cache/<dataset>/<version[:12]>-<digest[:12]>

    @property
    def name(self) -> str:
        return f"{self.dataset}/{self.path.name}"


def cache_root(results_root: str | PurePosixPath) -> PurePosixPath:
    return PurePosixPath(results_root) / CACHE_DIR


def _section(cfg: dict[str, Any], name: str) -> dict[str, Any]:
    sec = cfg.get(name)
    if sec is None:
        return {}
    if not isinstance(sec, dict):
        raise PathError(f"config section {name!r} must be a mapping, got {type(sec).__name__}")
    return sec


def settings_of(
    cfg: dict[str, Any], *, version: str, limit_files: int | None, trainer_commit: str | None
) -> dict[str, Any]:
    data = _section(cfg, "data")
    policy = data.get("split_policy", "official_tusz")
    split: dict[str, Any] = {"policy": policy}
    if policy != "official_tusz":  # official_tusz reads edf/<split> and ignores the rest
        split.update(
            seed=data.get("split_seed"),
            validation_split=data.get("validation_split"),
            subpath=str(dataset_subpath(data.get("data_dir"))),
        )
    return {
        "layout": LAYOUT_VERSION,
        "dataset_version": version,
        "data": {k: data[k] for k in DATA_KEYS if k in data},
        "preprocessing": _section(cfg, "preprocessing"),
        "split": split,
        "limit_files": limit_files,
        "trainer_commit": trainer_commit,
    }


def cache_key(
    results_root: str | PurePosixPath,
    dataset: str,
    version: str,
    cfg: dict[str, Any],
    *,
    limit_files: int | None,
    trainer_commit: str | None = None,
) -> CacheKey:
    if not dataset or "/" in dataset or dataset in (".", ".."):
        raise PathError(f"dataset name {dataset!r} is not usable as a cache directory name")
    if not version or not all(c in "0123456789abcdef" for c in version):
        raise PathError(f"dataset {dataset!r} has no usable version ({version!r}) for a cache key")
    settings = settings_of(
        cfg, version=version, limit_files=limit_files, trainer_commit=trainer_commit
    )
    canon = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canon.encode("utf-8")).hexdigest()
    path = cache_root(results_root) / dataset / f"{version[:12]}-{digest[:12]}"
    return CacheKey(dataset, version, settings, digest, path)
