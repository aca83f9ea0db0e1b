"""Run the trainer as a child process on the results volume, segment by segment.

One *segment* is one Modal function call (at most 24 h). Within it the runner:
- writes the effective config (paths rewritten) and /results/<run>/run.json, commits;
- runs `python -m src train <config> [--resume]` with unbuffered output, streaming every
  line to stdout and appending it to /results/<run>/logs/train.log;
- resumes from /results/<run>/checkpoints/last.pt when it exists and this is a resume, a
  later segment, or a retry of the same call after preemption;
- stops the trainer before the function timeout (SIGINT, then SIGTERM, then SIGKILL) and, if
  last.pt moved forward, hands over to the next segment (`spawn_next`), which resumes from
  last.pt; a segment that made no progress ends the run as failed instead of looping;
- on SIGTERM/SIGINT to the container (preemption) stops the trainer and records `preempted`,
  so Modal's retry of the same call resumes from last.pt.

Trainer failures are returned in the record, never raised, so Modal's retries only re-run
infrastructure failures (preemption, crashes), not a broken config.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TextIO

import yaml

from . import run_record, versions
from .paths import RunPaths, rewrite_config
from .trainer_cmd import evaluate_argv, train_argv, trainer_env


class RunnerError(RuntimeError):
    """A run that must not start (name taken, wrong kind of run directory, ...)."""


@dataclass
class Hooks:
    commit: Callable[[], None] = lambda: None
    spawn_next: Callable[[int], str | None] | None = None  # segment number -> call id
    out: TextIO | None = None  # defaults to sys.stdout


@dataclass
class ChildResult:
    returncode: int | None
    stopped: str | None  # None (exited by itself) | "deadline" | "signal"
    seconds: float


@dataclass
class TrainJob:
    run: str
    config_path: str  # as launched (recorded in run.json)
    config_text: str  # the YAML text of that config
    data_root: str  # dataset root on the container (S3 mount or staged copy)
    resume: bool = False
    segment: int = 1
    launch_id: str | None = None  # chosen by the local entrypoint, kept by retries and segments
    call_id: str | None = None  # Modal function call id (recorded only)
    results_root: str = versions.RESULTS_MOUNT
    limit_files: int | None = None
    preset: str = "default"
    dataset_versions: dict[str, str] = field(default_factory=dict)
    git_sha: str | None = None
    git_dirty: bool = False
    gpu: str | None = None
    wandb: bool | None = None  # False: no wandb-secret, so W&B is switched off in the config
    python: str = "python"
    app_dir: str = versions.APP_DIR
    base_env: Mapping[str, str] | None = None
    budget_s: float | None = None  # wall time this segment may use, None = unlimited
    margin_s: float | None = None  # stop the trainer this long before the budget ends
    stop_grace_s: float = 120.0
    max_segments: int = versions.MAX_SEGMENTS


@dataclass
class EvalJob:
    run: str  # the evaluation's own run name (its run.json lives there)
    checkpoint: str  # /results/<train run>/checkpoints/<name>.pt
    data_dir: str
    split: str
    results_root: str = versions.RESULTS_MOUNT
    call_id: str | None = None
    preset: str = "default"
    dataset_versions: dict[str, str] = field(default_factory=dict)
    git_sha: str | None = None
    git_dirty: bool = False
    gpu: str | None = None
    python: str = "python"
    app_dir: str = versions.APP_DIR
    base_env: Mapping[str, str] | None = None
    budget_s: float | None = None
    stop_grace_s: float = 60.0


def default_margin(budget_s: float) -> float:
    """Time kept free at the end of a segment to stop the trainer, commit and hand over."""
    return min(1200.0, max(30.0, budget_s * 0.05))


class _StopSignal:
    """Turns SIGTERM/SIGINT into an event while installed (main thread only)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, lambda *_: self.event.set())
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _stop_child(proc: subprocess.Popen[bytes], grace_s: float) -> None:
    for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGTERM, 30.0), (signal.SIGKILL, 30.0)):
        if proc.poll() is not None:
            return
        _signal_group(proc, sig)
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def run_child(
    argv: list[str],
    *,
    env: Mapping[str, str],
    cwd: str | None,
    log_path: Path,
    out: TextIO,
    deadline: float | None,
    stop: threading.Event,
    grace_s: float,
    header: str,
) -> ChildResult:
    """Run argv, stream its combined output line by line to `out` and append it to log_path."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    with open(log_path, "a", encoding="utf-8", buffering=1) as log:

        def emit(line: str) -> None:
            out.write(line)
            out.flush()
            log.write(line)

        emit(f"[bgb] {header}\n")
        emit(f"[bgb] $ {' '.join(argv)}\n")
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop it and its loader workers
        )
        assert proc.stdout is not None

        def pump() -> None:
            for raw in iter(proc.stdout.readline, b""):
                emit(raw.decode("utf-8", errors="replace"))

        reader = threading.Thread(target=pump, name="trainer-output", daemon=True)
        reader.start()
        stopped: str | None = None
        while proc.poll() is None:
            if stop.is_set():
                stopped = "signal"
            elif deadline is not None and time.monotonic() >= deadline:
                stopped = "deadline"
            if stopped:
                emit(f"[bgb] stopping the trainer ({stopped})\n")
                _stop_child(proc, grace_s)
                break
            stop.wait(0.2)
        proc.wait()
        reader.join(timeout=30)
        rc = proc.returncode
        emit(f"[bgb] trainer exited with code {rc}\n")
    return ChildResult(rc, stopped, time.monotonic() - t0)


def _stat(p: Path) -> tuple[int, int] | None:
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _paths(results_root: str, run: str) -> tuple[RunPaths, Callable[[Any], Path]]:
    rp = RunPaths.of(results_root, run)
    return rp, lambda p: Path(str(p))


def _existing(rp: RunPaths, action: str) -> dict[str, Any] | None:
    prev = run_record.read(Path(str(rp.run_json)))
    if prev is not None and prev.get("action") != action:
        raise RunnerError(
            f"{rp.root} holds a {prev.get('action')!r} run; choose another --run for this {action}"
        )
    return prev


def run_train(job: TrainJob, hooks: Hooks | None = None) -> dict[str, Any]:
    hooks = hooks or Hooks()
    out = hooks.out or sys.stdout
    rp, P = _paths(job.results_root, job.run)
    t_start = time.monotonic()
    prev = _existing(rp, "train")

    attempts_of_segment = [
        a for a in (prev or {}).get("attempts", []) if a.get("segment") == job.segment
    ]
    # Same launch (a Modal retry of this call, or the next segment of it): the launch id is an
    # argument of the call, so a retry after preemption carries the same one.
    same_launch = bool(
        prev
        and job.launch_id is not None
        and prev.get("launch_id") == job.launch_id
        and prev.get("exit_status") in ("running", "preempted")
    )
    is_retry = same_launch and prev is not None and prev.get("segment") == job.segment
    if job.segment > 1:
        if (
            not same_launch
            or prev is None
            or prev.get("segment")
            not in (
                job.segment - 1,
                job.segment,
            )
        ):
            raise RunnerError(f"segment {job.segment} of {job.run} does not follow this launch")
    elif prev is not None and not is_retry and not job.resume:
        raise RunnerError(
            f"run {job.run!r} already exists ({prev.get('exit_status')}); "
            "pass --resume to continue it from last.pt or choose another --run"
        )

    config_sha = hashlib.sha256(job.config_text.encode("utf-8")).hexdigest()
    if prev is not None:
        rec = prev
        rec.update(
            segment=job.segment,
            exit_status="running",
            exit_code=None,
            ended_at=None,
            message=None,
            config_path=job.config_path,
            config_sha256=config_sha,
            preset=job.preset,
            dataset_versions=dict(job.dataset_versions),
            git_sha=job.git_sha,
            git_dirty=job.git_dirty,
            gpu=job.gpu,
        )
        rec.setdefault("attempts", [])
        rec["launch_id"] = job.launch_id
    else:
        rec = run_record.new_record(
            run=job.run,
            action="train",
            preset=job.preset,
            config_path=job.config_path,
            config_sha256=config_sha,
            dataset_versions=job.dataset_versions,
            git_sha=job.git_sha,
            git_dirty=job.git_dirty,
            gpu=job.gpu,
            segment=job.segment,
        )
        rec["launch_id"] = job.launch_id

    # Effective config: the trainer's paths moved to the mount and the results volume.
    cfg = yaml.safe_load(job.config_text)
    new_cfg, changes = rewrite_config(
        cfg if cfg is not None else {}, rp, job.data_root, wandb_available=job.wandb
    )
    for d in (rp.checkpoints, rp.logs, rp.tensorboard, rp.cache):
        P(d).mkdir(parents=True, exist_ok=True)
    P(rp.config).write_text(yaml.safe_dump(new_cfg, sort_keys=False), encoding="utf-8")

    last_pt = P(rp.last_pt)
    wants_resume = job.resume or job.segment > 1 or is_retry
    resume = wants_resume and last_pt.exists()
    attempt = {
        "segment": job.segment,
        "attempt": len(attempts_of_segment) + 1,
        "function_call_id": job.call_id,
        "started_at": run_record.utc_now(),
        "ended_at": None,
        "resumed_from_last_pt": resume,
        "exit_code": None,
        "outcome": "running",
    }
    rec["attempts"].append(attempt)
    run_record.write(P(rp.run_json), rec)
    hooks.commit()

    for key, old, new in changes:
        out.write(f"[bgb] config {key}: {old!r} -> {new!r}\n")
    if wants_resume and not resume:
        out.write(f"[bgb] no {last_pt} yet: starting from scratch\n")
    limit = "unset" if job.limit_files is None else str(job.limit_files)
    out.write(f"[bgb] BGB_LIMIT_FILES={limit} (from the launch preset {job.preset!r})\n")

    deadline = None
    if job.budget_s is not None:
        margin = job.margin_s if job.margin_s is not None else default_margin(job.budget_s)
        deadline = t_start + max(0.0, job.budget_s - margin)

    before = _stat(last_pt)
    env = trainer_env(job.base_env, limit_files=job.limit_files, app_dir=job.app_dir)
    argv = train_argv(str(rp.config), resume=resume, python=job.python)
    with _StopSignal() as stop:
        res = run_child(
            argv,
            env=env,
            cwd=job.app_dir,
            log_path=P(rp.train_log),
            out=out,
            deadline=deadline,
            stop=stop.event,
            grace_s=job.stop_grace_s,
            header=f"segment {job.segment} attempt {attempt['attempt']} "
            f"started {attempt['started_at']}" + (" (resuming from last.pt)" if resume else ""),
        )

    now = run_record.utc_now()
    attempt.update(ended_at=now, exit_code=res.returncode)
    rec["exit_code"] = res.returncode
    if res.stopped == "signal":
        attempt["outcome"] = rec["exit_status"] = "preempted"
        rec["message"] = "container stopped (preempted?); a retry resumes from last.pt"
        rec["ended_at"] = now
    elif res.stopped == "deadline":
        attempt["outcome"] = "segment_end"
        progressed = _stat(last_pt) not in (None, before)
        if not progressed:
            rec.update(exit_status="failed", ended_at=now)
            rec["message"] = f"segment {job.segment} made no progress (last.pt unchanged)"
        elif job.segment >= job.max_segments:
            rec.update(exit_status="failed", ended_at=now)
            rec["message"] = f"stopped after {job.max_segments} segments (MAX_SEGMENTS)"
        elif hooks.spawn_next is None:
            rec.update(exit_status="failed", ended_at=now)
            rec["message"] = "time budget used up and no way to start the next segment"
        else:
            run_record.write(P(rp.run_json), rec)
            hooks.commit()
            next_id = hooks.spawn_next(job.segment + 1)
            rec["exit_status"] = "running"
            rec["next_function_call_id"] = next_id
            rec["message"] = f"segment {job.segment} ended; continuing in segment {job.segment + 1}"
    elif res.returncode == 0:
        attempt["outcome"] = rec["exit_status"] = "succeeded"
        rec["ended_at"] = now
        if not P(rp.last_pt).exists() and not P(rp.best_pt).exists():
            rec["message"] = "trainer exited 0 but wrote no checkpoint"
    else:
        attempt["outcome"] = rec["exit_status"] = "failed"
        rec["ended_at"] = now
        rec["message"] = f"trainer exited with code {res.returncode}; see logs/train.log"
    run_record.write(P(rp.run_json), rec)
    hooks.commit()
    out.write(
        f"[bgb] run {job.run}: {rec['exit_status']}"
        + (f" - {rec['message']}" if rec.get("message") else "")
        + "\n"
    )
    out.flush()
    return rec


def run_evaluate(job: EvalJob, hooks: Hooks | None = None) -> dict[str, Any]:
    """Evaluate a checkpoint of a training run; the metrics JSON goes to
    /results/<training run>/evaluations/<evaluation run>.json, the record to
    /results/<evaluation run>/run.json."""
    from .entry import checkpoint_run  # local import: entry is plain Python too

    hooks = hooks or Hooks()
    out = hooks.out or sys.stdout
    train_run = checkpoint_run(job.checkpoint, results_root=job.results_root)
    if train_run == job.run:
        raise RunnerError(
            f"--run names the evaluation and must differ from the training run {train_run!r}"
        )
    rp, P = _paths(job.results_root, job.run)
    trp = RunPaths.of(job.results_root, train_run)
    prev = _existing(rp, "evaluate")
    if prev is not None and prev.get("exit_status") == "succeeded":
        raise RunnerError(f"evaluation run {job.run!r} already succeeded; choose another --run")
    ckpt = Path(job.checkpoint)
    if not ckpt.is_file():
        raise RunnerError(f"checkpoint {job.checkpoint} does not exist on the results volume")
    output = P(trp.evaluations) / f"{job.run}.json"
    output.parent.mkdir(parents=True, exist_ok=True)

    rec = run_record.new_record(
        run=job.run,
        action="evaluate",
        preset=job.preset,
        config_path=None,
        config_sha256=None,
        dataset_versions=job.dataset_versions,
        git_sha=job.git_sha,
        git_dirty=job.git_dirty,
        gpu=job.gpu,
    )
    rec.update(checkpoint=job.checkpoint, split=job.split, output_json=str(output))
    run_record.write(P(rp.run_json), rec)
    hooks.commit()

    t0 = time.monotonic()
    deadline = None if job.budget_s is None else t0 + job.budget_s - default_margin(job.budget_s)
    env = trainer_env(job.base_env, limit_files=None, app_dir=job.app_dir)
    with _StopSignal() as stop:
        res = run_child(
            evaluate_argv(job.checkpoint, job.data_dir, str(output), python=job.python),
            env=env,
            cwd=job.app_dir,
            log_path=P(rp.logs) / "evaluate.log",
            out=out,
            deadline=deadline,
            stop=stop.event,
            grace_s=job.stop_grace_s,
            header=f"evaluate {job.checkpoint} on {job.data_dir} (split {job.split})",
        )
    rec.update(ended_at=run_record.utc_now(), exit_code=res.returncode)
    if res.stopped == "signal":
        rec.update(exit_status="preempted", message="container stopped (preempted?)")
    elif res.stopped == "deadline":
        rec.update(exit_status="failed", message="evaluation ran out of time")
    elif res.returncode != 0:
        rec.update(exit_status="failed", message=f"evaluator exited with code {res.returncode}")
    else:
        try:
            json.loads(output.read_text(encoding="utf-8"))
            rec["exit_status"] = "succeeded"
        except (FileNotFoundError, ValueError) as e:
            rec.update(exit_status="failed", message=f"no readable metrics JSON at {output}: {e}")
    run_record.write(P(rp.run_json), rec)
    hooks.commit()
    out.write(f"[bgb] evaluation {job.run}: {rec['exit_status']} -> {output}\n")
    return rec
