"""What the runner learns from the Brain-Go-Brr trainer's own output lines.

The trainer (src/brain_brr/train/loop.py at the pinned commit) prints, per epoch:
    Epoch <n>/<total>                      (1-based, at the start of the epoch)
      New best <metric>: <value:.4f>       (after validation, when its EarlyStopping improved)
and at the end `Training complete. Best epoch: <n>` or `Early stopping at epoch <n>`.
Nothing else it prints is relied on. The checkpoints themselves are torch pickles the runner
does not load (it runs without torch in tests and need not import it in the container).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EPOCH = re.compile(r"^Epoch (\d+)/(\d+)\s*$")
_NEW_BEST = re.compile(r"^\s*New best (\S+): (-?[0-9.]+(?:[eE][-+]?\d+)?|nan|-?inf)\s*$")
_DONE = re.compile(r"^(Training complete\.|Early stopping at epoch (\d+))")


@dataclass
class BestSeen:
    metric: str
    value: float
    epoch: int  # 1-based, as the trainer prints it


@dataclass
class TrainerProgress:
    """Folded from the output of one attempt."""

    epoch_started: int | None = None  # the last `Epoch n/N` header
    epoch_completed: int | None = None  # the last epoch whose end was seen
    finished: bool = False  # `Training complete` / `Early stopping` seen
    early_stopped: bool = False
    bests: list[BestSeen] = field(default_factory=list)

    def feed(self, line: str) -> None:
        text = line.rstrip("\n")
        m = _EPOCH.match(text)
        if m:
            n = int(m.group(1))
            if self.epoch_started is not None and n > self.epoch_started:
                self.epoch_completed = self.epoch_started  # a new header ends the previous epoch
            self.epoch_started = n
            return
        m = _NEW_BEST.match(text)
        if m and self.epoch_started is not None:
            try:
                value = float(m.group(2))
            except ValueError:
                return
            self.bests.append(BestSeen(m.group(1), value, self.epoch_started))
            return
        m = _DONE.match(text)
        if m:
            if m.group(2) is not None:
                self.early_stopped = True  # decided before that epoch's checkpoints are written
            elif not self.early_stopped and self.epoch_started is not None:
                self.epoch_completed = self.epoch_started  # complete: the last epoch ended
            self.finished = True

    def best(self, mode: str) -> BestSeen | None:
        """The best of this attempt by the early-stopping mode ('max' | 'min'); ties keep the
        earlier epoch, as the trainer does (it needs a strict improvement)."""
        out: BestSeen | None = None
        for b in self.bests:
            if out is None or is_better(b.value, out.value, mode):
                out = b
        return out


def is_better(value: float, than: float | None, mode: str) -> bool:
    if than is None:
        return True
    return value < than if mode == "min" else value > than


def feed_text(text: str, progress: TrainerProgress | None = None) -> TrainerProgress:
    p = progress or TrainerProgress()
    for line in text.splitlines():
        p.feed(line)
    return p
