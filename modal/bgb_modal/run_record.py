"""/results/<run>/run.json (contracts.md section 3), written atomically."""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

EXIT_STATUSES = ("running", "succeeded", "failed", "preempted", "cancelled")
# Why an attempt (one execution of the Modal function on one input) ended.
ATTEMPT_OUTCOMES = (
    "running",  # not ended yet, or the container died before the runner could say
    "completed",  # the trainer finished
    "failed",  # the trainer exited non-zero, or the attempt was refused
    "timeout",  # stopped before the function timeout; Modal's retry policy starts the next
    "preempted",  # SIGINT from Modal; Modal restarts the input
    "cancelled",  # the input was cancelled (InputCancellation)
    "lost",  # found still `running` by a later attempt: the container died unrecorded
)
REQUIRED_KEYS = (
    "run",
    "action",
    "preset",
    "config_path",
    "config_sha256",
    "dataset_versions",
    "git_sha",
    "git_dirty",
    "gpu",
    "started_at",
    "ended_at",
    "exit_status",
    "exit_code",
    "attempt",
)


def utc_now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_record(
    *,
    run: str,
    action: str,
    preset: str,
    config_path: str | None,
    config_sha256: str | None,
    dataset_versions: dict[str, str],
    git_sha: str | None,
    git_dirty: bool,
    gpu: str | None,
    trainer_commit: str | None = None,
    trainer_dirty: bool | None = None,
) -> dict[str, Any]:
    return {
        "run": run,
        "action": action,
        "preset": preset,
        "config_path": config_path,
        "config_sha256": config_sha256,
        "dataset_versions": dict(dataset_versions),
        "git_sha": git_sha,
        "git_dirty": git_dirty,
        # the pinned trainer checkout the launch shipped (launch.yaml trainer.commit)
        "trainer_commit": trainer_commit,
        "trainer_dirty": trainer_dirty,
        "gpu": gpu,
        "started_at": utc_now(),
        "ended_at": None,
        "exit_status": "running",
        "exit_code": None,
        "attempt": 1,  # the current (or last) attempt, counted over the whole run
        # Extensions (contracts.md section 3): one entry per attempt.
        "attempts": [],
        "message": None,
    }


def validate(record: dict[str, Any]) -> None:
    missing = [k for k in REQUIRED_KEYS if k not in record]
    if missing:
        raise ValueError(f"run.json misses {', '.join(missing)}")
    if record["exit_status"] not in EXIT_STATUSES:
        raise ValueError(f"run.json exit_status {record['exit_status']!r} not in {EXIT_STATUSES}")


def write(path: str | os.PathLike[str], record: dict[str, Any]) -> None:
    validate(record)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, p)


def read(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    p = Path(path)
    if not p.exists():
        return None
    return json.loads(p.read_text(encoding="utf-8"))
