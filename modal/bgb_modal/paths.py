"""Rewrite the trainer config's data and output paths for a run on Modal.

- data.data_dir       -> the dataset root (the S3 mount, or its staged copy on the data Volume),
                         keeping the part of the path inside the dataset (e.g. `edf/train`)
- data.cache_dir      -> the shared preprocessing cache of the run's dataset version and
                         settings, /results/cache/<dataset>/<version>-<hash> (cache_key.py)
- experiment.cache_dir-> the same directory (upstream rewrote only this one while the
                         loop read data.cache_dir, so the cache went to ephemeral disk)
- experiment.output_dir -> /results/<run>
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

RUN_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class PathError(ValueError):
    pass


@dataclass(frozen=True)
class RunPaths:
    root: PurePosixPath  # /results/<run>

    @classmethod
    def of(cls, results_root: str | PurePosixPath, run: str) -> RunPaths:
        check_run_name(run)
        return cls(PurePosixPath(results_root) / run)

    @property
    def run_json(self) -> PurePosixPath:
        return self.root / "run.json"

    @property
    def checkpoints(self) -> PurePosixPath:
        return self.root / "checkpoints"

    @property
    def last_pt(self) -> PurePosixPath:
        return self.checkpoints / "last.pt"

    @property
    def best_pt(self) -> PurePosixPath:
        return self.checkpoints / "best.pt"

    @property
    def tensorboard(self) -> PurePosixPath:
        return self.root / "tensorboard"

    @property
    def logs(self) -> PurePosixPath:
        return self.root / "logs"

    @property
    def train_log(self) -> PurePosixPath:
        return self.logs / "train.log"

    @property
    def evaluations(self) -> PurePosixPath:
        return self.root / "evaluations"

    @property
    def config(self) -> PurePosixPath:
        """The effective (rewritten) config the trainer ran with."""
        return self.root / "config.yaml"


def check_run_name(run: str) -> str:
    if not isinstance(run, str) or not RUN_NAME_RE.match(run) or run in (".", ".."):
        raise PathError(
            f"run name {run!r} is not usable as a directory name "
            "(letters, digits, '.', '_', '-', at most 100, starting with a letter or digit)"
        )
    return run


def dataset_subpath(data_dir: str | None) -> PurePosixPath:
    """The part of a configured data_dir that lies inside the dataset.

    `edf/...` is kept from the first `edf` segment on (TUSZ layout, e.g. a local
    `data_ext4/tusz/edf/train` or the upstream Modal `/data/edf/train` -> `edf/train`);
    any other path (e.g. a local path to a flat CHB-MIT tree) maps to the dataset root.
    """
    if not data_dir:
        return PurePosixPath()
    p = PurePosixPath(str(data_dir))
    parts = [x for x in p.parts if x not in ("/", ".")]
    if ".." in parts:
        raise PathError(f"data.data_dir {data_dir!r} contains '..'")
    if "edf" in parts:
        return PurePosixPath(*parts[parts.index("edf") :])
    return PurePosixPath()


def _section(cfg: dict[str, Any], name: str) -> dict[str, Any]:
    sec = cfg.get(name)
    if sec is None:
        sec = cfg[name] = {}
    if not isinstance(sec, dict):
        raise PathError(f"config section {name!r} must be a mapping, got {type(sec).__name__}")
    return sec


def rewrite_config(
    cfg: dict[str, Any],
    run_paths: RunPaths,
    data_root: str | PurePosixPath,
    *,
    cache_dir: str | PurePosixPath,
    wandb_available: bool | None = None,
) -> tuple[dict[str, Any], list[tuple[str, Any, Any]]]:
    """Return (new config, [(dotted key, old value, new value)]). The input is not modified.

    With wandb_available=False (no wandb-secret attached), experiment.wandb.enabled is turned
    off so the trainer never waits for a W&B login it cannot get."""
    if not isinstance(cfg, dict):
        raise PathError("config must be a mapping at the top level")
    out = copy.deepcopy(cfg)
    changes: list[tuple[str, Any, Any]] = []

    def put(section: str, key: str, value: str) -> None:
        sec = _section(out, section)
        old = sec.get(key)
        sec[key] = value
        if old != value:
            changes.append((f"{section}.{key}", old, value))

    data = _section(out, "data")
    sub = dataset_subpath(data.get("data_dir"))
    root = PurePosixPath(data_root)
    put("data", "data_dir", str(root / sub) if str(sub) not in ("", ".") else str(root))
    put("data", "cache_dir", str(cache_dir))
    put("experiment", "cache_dir", str(cache_dir))
    put("experiment", "output_dir", str(run_paths.root))
    wandb = out["experiment"].get("wandb")
    if wandb_available is False and isinstance(wandb, dict) and wandb.get("enabled"):
        wandb["enabled"] = False
        changes.append(("experiment.wandb.enabled", True, False))
    return out, changes
