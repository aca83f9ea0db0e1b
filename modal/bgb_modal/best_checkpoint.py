"""Keep checkpoints/best.pt the best of the whole run, not of the last attempt.

The trainer's EarlyStopping starts from -inf on every start and is not saved in its checkpoints
(train/loop.py at the pinned commit), so the first epoch after a resume always counts as a
"new best" and overwrites best.pt. The run record keeps the run's best (metric, mode, value,
epoch, attempt); before an attempt that resumes, best.pt is copied aside to best-of-run.pt;
after it, the attempt's best (from the trainer's `New best` lines) is compared with the run's:
better -> the trainer's best.pt stays and becomes the run's best; not better -> best-of-run.pt
is moved back over best.pt. An attempt killed before that step leaves best-of-run.pt behind;
the next attempt settles it first from that attempt's part of logs/train.log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

from .trainer_output import TrainerProgress, is_better

KEPT_NAME = "best-of-run.pt"
DEFAULT_METRIC = "sensitivity_at_10fa"  # the trainer's EarlyStoppingConfig defaults
DEFAULT_MODE = "max"


def early_stopping_of(cfg: Any) -> tuple[str, str, int | None]:
    """(metric, mode, patience) of a trainer config, with the trainer's defaults."""
    es = {}
    if isinstance(cfg, dict) and isinstance(cfg.get("training"), dict):
        es = cfg["training"].get("early_stopping") or {}
    if not isinstance(es, dict):
        es = {}
    metric = es.get("metric") if isinstance(es.get("metric"), str) else DEFAULT_METRIC
    mode = es.get("mode") if es.get("mode") in ("max", "min") else DEFAULT_MODE
    patience = es.get("patience") if isinstance(es.get("patience"), int) else 5
    return metric, mode, patience


class BestKeeper:
    def __init__(self, checkpoints: Path, metric: str, mode: str) -> None:
        self.best_pt = checkpoints / "best.pt"
        self.kept = checkpoints / KEPT_NAME
        self.metric = metric
        self.mode = mode

    def pending(self) -> bool:
        """An earlier attempt ended without settling best.pt."""
        return self.kept.exists()

    def before_attempt(self, run_best: dict[str, Any] | None) -> None:
        """Copy the run's best aside; the trainer is about to overwrite best.pt."""
        if run_best is None or not self.best_pt.exists():
            return
        tmp = self.kept.with_name(self.kept.name + ".tmp")
        shutil.copyfile(self.best_pt, tmp)
        os.replace(tmp, self.kept)

    def after_attempt(
        self, run_best: dict[str, Any] | None, progress: TrainerProgress, attempt: int
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(the run's best after this attempt, a line saying what happened to best.pt)."""
        seen = TrainerProgress(bests=[b for b in progress.bests if b.metric == self.metric])
        mine = seen.best(self.mode)
        prev_value = None if run_best is None else run_best.get("value")
        if mine is not None and is_better(mine.value, prev_value, self.mode):
            with contextlib.suppress(FileNotFoundError):
                self.kept.unlink()
            new = {
                "metric": self.metric,
                "mode": self.mode,
                "value": mine.value,
                "epoch": mine.epoch,
                "attempt": attempt,
            }
            return new, f"best.pt: epoch {mine.epoch} {self.metric}={mine.value} (new run best)"
        if self.kept.exists():
            os.replace(self.kept, self.best_pt)
            if run_best is not None:
                return run_best, (
                    f"best.pt: kept the run's best, epoch {run_best.get('epoch')} "
                    f"{self.metric}={prev_value} (this attempt's best "
                    f"{'none' if mine is None else mine.value} is not better)"
                )
        return run_best, None
