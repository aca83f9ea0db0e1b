"""The local entrypoint's argument handling, without Modal.

`main(*args)` in app.py receives the raw tokens after the script path, so both
`app.py --action train ...` and the seed's `app.py -- --action train ...` reach here.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import versions
from .paths import PathError, check_run_name

ACTIONS = ("train", "evaluate", "check", "stage")
_CKPT_HINT = "/results/<run>/checkpoints/best.pt"


class UsageError(ValueError):
    """Bad entrypoint arguments; the message is meant for the user as is."""


@dataclass(frozen=True)
class Args:
    action: str
    config: str | None
    run: str
    checkpoint: str | None
    split: str
    resume: bool


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # raise instead of exiting the Modal CLI process
        raise UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="app.py", add_help=False, allow_abbrev=False)
    p.add_argument("--action", required=True, choices=ACTIONS)
    p.add_argument("--config", default=None)
    p.add_argument("--run", default=None)
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--split", default="eval")  # the held-out split; dev is early-stopped on
    p.add_argument("--resume", action="store_true")
    return p


def generate_run_name(action: str, config: str | None, now: _dt.datetime | None = None) -> str:
    now = now or _dt.datetime.now(_dt.UTC)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(config).stem if config else "").strip("-")
    parts = [action, stem[:40]] if stem else [action]
    return "-".join([*parts, now.strftime("%Y%m%d-%H%M%S"), secrets.token_hex(2)])


def checkpoint_run(checkpoint: str, *, results_root: str = versions.RESULTS_MOUNT) -> str:
    """The training run a checkpoint belongs to; rejects anything but
    /results/<run>/checkpoints/<name>.pt (the seed's /results/checkpoints/best.ckpt is never
    written)."""
    p = PurePosixPath(checkpoint)
    root = PurePosixPath(results_root)
    ok = (
        p.is_absolute()
        and ".." not in p.parts
        and p.suffix == ".pt"
        and len(p.parts) == len(root.parts) + 3
        and p.parts[: len(root.parts)] == root.parts
        and p.parts[len(root.parts) + 1] == "checkpoints"
    )
    if not ok:
        hint = ""
        if p.suffix == ".ckpt" or p.parent == root / "checkpoints":
            hint = (
                " The seed README's /results/checkpoints/best.ckpt is never written: the trainer"
                " saves .pt files under /results/<run>/checkpoints/."
            )
        raise UsageError(f"--checkpoint must look like {_CKPT_HINT} (got {checkpoint!r}).{hint}")
    run = p.parts[len(root.parts)]
    try:
        return check_run_name(run)
    except PathError as e:
        raise UsageError(f"--checkpoint: {e}") from None


def container_config_path(config: str) -> str:
    """Where a repo-relative config path lives in the image (configs are added at /app/configs)."""
    return str(PurePosixPath(versions.APP_DIR) / PurePosixPath(config))


def parse_args(tokens: list[str] | tuple[str, ...]) -> Args:
    toks = list(tokens)
    if toks and toks[0] == "--":  # the seed's `app.py -- --action ...` form
        toks = toks[1:]
    ns = _parser().parse_args(toks)
    if ns.action == "train" and not ns.config:
        raise UsageError("--action train needs --config configs/<file>.yaml")
    if ns.action == "evaluate" and not ns.checkpoint:
        raise UsageError(f"--action evaluate needs --checkpoint {_CKPT_HINT}")
    train_run = None
    if ns.checkpoint is not None:
        if ns.action != "evaluate":
            raise UsageError("--checkpoint is only used by --action evaluate")
        train_run = checkpoint_run(ns.checkpoint)
    if ns.resume and ns.action != "train":
        raise UsageError("--resume is only used by --action train")
    if ns.config is not None:
        cp = PurePosixPath(ns.config)
        if cp.is_absolute() or ".." in cp.parts or cp.suffix not in (".yaml", ".yml"):
            raise UsageError(
                f"--config must be a .yaml path relative to the repo root, e.g. "
                f"configs/smoke.yaml (got {ns.config!r})"
            )
    if not re.match(r"^[A-Za-z0-9_-]{1,32}$", ns.split):
        raise UsageError(f"--split {ns.split!r} is not a split name (train, dev, eval, all...)")
    run = ns.run or generate_run_name(ns.action, ns.config)
    try:
        check_run_name(run)
    except PathError as e:
        raise UsageError(f"--run: {e}") from None
    if ns.action == "evaluate" and run == train_run:
        raise UsageError(
            f"--run names this evaluation and must differ from the training run {train_run!r} "
            "(its metrics go to that run's evaluations/ folder)"
        )
    return Args(ns.action, ns.config, run, ns.checkpoint, ns.split, ns.resume)


def bgb_run_line(run: str, action: str, function_call_id: str | None, app_id: str | None) -> str:
    doc = {"run": run, "action": action, "function_call_id": function_call_id, "app_id": app_id}
    return "BGB_RUN " + json.dumps(doc, separators=(",", ":"))


def detached_from_argv(argv: list[str]) -> bool:
    """True when `--detach`/`-d` stands before the app path in a `modal run` command line."""
    for tok in argv[1:]:
        if tok.endswith(".py") or "::" in tok:
            return False
        if tok in ("--detach", "-d"):
            return True
    return False


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)
