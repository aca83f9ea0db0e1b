"""Run the trainer as a child process on the results volume, one *attempt* at a time.

An attempt is one execution of the Modal `train` function on its input (see attempts.py). In
each attempt the runner:
- writes the effective config (paths rewritten) and /results/<run>/run.json, commits;
- runs `python -m src train <config> [--resume]` with unbuffered output, streaming every
  line to stdout and appending it to /results/<run>/logs/train.log;
- resumes from /results/<run>/checkpoints/last.pt when it exists and this is a resume or a
  later attempt of the same launch;
- stops the trainer shortly before the function timeout; if last.pt moved forward it records
  the attempt as `timeout` and raises `AttemptTimeUp`, so the function's `modal.Retries`
  starts the next attempt with a fresh timeout ("Timeouts" guide); an attempt that made no
  progress ends the run as failed instead (a normal return, which Modal does not retry);
- on SIGINT/SIGTERM (Modal preempts with SIGINT and kills ~30 s later) forwards SIGINT to the
  trainer, waits a few seconds, kills it if needed, records `preempted`, commits and raises
  KeyboardInterrupt, so Modal restarts the input and the next attempt resumes;
- on input cancellation (modal raises InputCancellation in the body) stops the trainer,
  records `cancelled` and re-raises: the trainer never outlives its function call;
- keeps best.pt the best over all attempts (best_checkpoint.py).

Trainer failures are returned in the record, never raised, so Modal's retries only re-run
infrastructure failures and time-outs, not a broken config.
"""

from __future__ import annotations

import contextlib
import functools
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

from . import attempts as A
from . import run_record, versions
from .best_checkpoint import BestKeeper, early_stopping_of
from .cache_job import CacheNotReady, CacheRequest, log_to, prepare
from .cache_key import CacheKey
from .cache_store import VolumeOps
from .paths import RunPaths, rewrite_config
from .split_files import training_splits
from .trainer_cmd import evaluate_job_argv, train_argv, trainer_env
from .trainer_output import TrainerProgress, feed_text


class RunnerError(RuntimeError):
    """A run that must not start (name taken, wrong kind of run directory, ...)."""


class AttemptTimeUp(Exception):
    """Raised at the end of an attempt that used its time budget after making progress: the
    function's retry policy then starts the next attempt, which resumes from last.pt."""


def _is_cancellation(e: BaseException) -> bool:
    """modal 1.6.4 cancels a running sync input by raising modal.exception.InputCancellation in
    the main thread (its SIGUSR1 handler, _container_entrypoint.py); async ones get
    asyncio.CancelledError. Matched by name: this module runs without modal in tests."""
    return type(e).__name__ in ("InputCancellation", "CancelledError")


@dataclass
class Hooks:
    commit: Callable[[], None] = lambda: None
    reload: Callable[[], None] | None = None  # see other containers' commits (shared cache)
    out: TextIO | None = None  # defaults to sys.stdout


@dataclass
class ChildResult:
    returncode: int | None
    stopped: str | None  # None (exited by itself) | "deadline" | "signal" | "early_stop"
    seconds: float


@dataclass
class TrainJob:
    run: str
    config_path: str  # as launched (recorded in run.json)
    config_text: str  # the YAML text of that config
    data_root: str  # dataset root on the container (S3 mount or staged copy)
    resume: bool = False
    # The shared preprocessing cache (cache_key.py; do_train always sets it): built once or
    # reused before the trainer starts. None only in runner tests: /results/<run>/cache, unbuilt.
    cache_key: CacheKey | None = None
    launch_id: str | None = None  # chosen by the local entrypoint; Modal's retries keep it
    call_id: str | None = None  # Modal function call id (recorded only)
    results_root: str = versions.RESULTS_MOUNT
    limit_files: int | None = None
    preset: str = "default"
    dataset_versions: dict[str, str] = field(default_factory=dict)
    git_sha: str | None = None
    git_dirty: bool = False
    trainer_commit: str | None = None
    trainer_dirty: bool | None = None
    gpu: str | None = None
    wandb: bool | None = None  # False: no wandb-secret, so W&B is switched off in the config
    python: str = "python"
    app_dir: str = versions.APP_DIR
    base_env: Mapping[str, str] | None = None
    budget_s: float | None = None  # wall time this attempt may use (the function timeout)
    margin_s: float | None = None  # stop the trainer this long before the budget ends
    stop_grace_s: float = 120.0  # SIGINT -> exit wait at the attempt's own deadline
    interrupt_grace_s: float = 10.0  # the same after Modal's SIGINT (it kills ~30 s later)
    max_attempts: int = 1  # 1 + the function's retries: attempts one launch may use


@dataclass
class EvalJob:
    run: str  # the evaluation's own run name (its run.json lives there)
    checkpoint: str  # /results/<train run>/checkpoints/<name>.pt
    data_dir: str
    split: str
    data_root: str | None = None  # the dataset root (the program maps the config's data_dir)
    config: str | None = None  # a trainer config for checkpoints without one (--config)
    cache_key: CacheKey | None = None  # the shared cache the split is built into / read from
    results_root: str = versions.RESULTS_MOUNT
    call_id: str | None = None
    preset: str = "default"
    dataset_versions: dict[str, str] = field(default_factory=dict)
    git_sha: str | None = None
    git_dirty: bool = False
    trainer_commit: str | None = None
    trainer_dirty: bool | None = None
    gpu: str | None = None
    python: str = "python"
    app_dir: str = versions.APP_DIR
    base_env: Mapping[str, str] | None = None
    budget_s: float | None = None
    stop_grace_s: float = 60.0


def default_margin(budget_s: float) -> float:
    """Time kept free at the end of an attempt to stop the trainer and commit."""
    return min(1200.0, max(30.0, budget_s * 0.05))


class _StopSignal:
    """Turns SIGTERM/SIGINT into an event while installed (main thread only)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None
        self._old: dict[int, Any] = {}

    def _set(self, signum: int, _frame: object) -> None:
        self.signum = signum
        self.event.set()

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, self._set)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _stop_child(proc: subprocess.Popen[bytes], grace_s: float, term_s: float = 30.0) -> None:
    """SIGINT (the trainer's KeyboardInterrupt), then SIGTERM, then SIGKILL, to its group."""
    for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGTERM, term_s), (signal.SIGKILL, 30.0)):
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
    interrupt_grace_s: float | None = None,
    on_line: Callable[[str], None] | None = None,
    finish: threading.Event | None = None,
) -> ChildResult:
    """Run argv, stream its combined output line by line to `out` and append it to log_path.

    The child never outlives this call: an exception raised into it (input cancellation,
    KeyboardInterrupt) stops the child's process group before it propagates."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    quick = grace_s if interrupt_grace_s is None else interrupt_grace_s
    t0 = time.monotonic()
    with open(log_path, "a", encoding="utf-8", buffering=1) as log:
        lock = threading.Lock()

        def emit(line: str) -> None:
            with lock:
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
                line = raw.decode("utf-8", errors="replace")
                emit(line)
                if on_line is not None:
                    on_line(line)

        reader = threading.Thread(target=pump, name="trainer-output", daemon=True)
        reader.start()
        stopped: str | None = None
        try:
            while proc.poll() is None:
                if stop.is_set():
                    stopped = "signal"
                elif deadline is not None and time.monotonic() >= deadline:
                    stopped = "deadline"
                elif finish is not None and finish.is_set():
                    stopped = "early_stop"
                if stopped:
                    emit(f"[bgb] stopping the trainer ({stopped})\n")
                    _stop_child(proc, quick if stopped == "signal" else grace_s, 5.0)
                    break
                stop.wait(0.2)
        except BaseException as e:
            emit(f"[bgb] stopping the trainer ({type(e).__name__})\n")
            _stop_child(proc, quick, 5.0)
            reader.join(timeout=10)
            emit(f"[bgb] trainer exited with code {proc.returncode}\n")
            raise
        if stopped is None and stop.is_set():
            # The signal reached the trainer too (Modal signalling the whole container) and it
            # exited before the loop saw the event: still an interruption, not a trainer failure.
            stopped = "signal"
        proc.wait()
        reader.join(timeout=30)
        rc = proc.returncode
        emit(f"[bgb] trainer exited with code {rc}\n")
    return ChildResult(rc, stopped, time.monotonic() - t0)


def _signature(p: Path) -> str | None:
    """Changes whenever the trainer rewrites the file (it writes a temp file and renames)."""
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


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


STOP_REQUEST = "stop-requested.json"  # /results/<run>/ ; written by `pnpm launch stop`


def _stopped_by_user(rec: dict[str, Any], path: Path, hooks: Hooks, out: TextIO) -> bool:
    """After an interruption: did `pnpm launch stop` ask for it? It writes the marker to the
    volume before `modal app stop`, whose shutdown signal the runner cannot tell from a
    preemption. The attempt's record is already committed, so nothing holds files open and a
    reload (to see the marker) is allowed."""
    if hooks.reload is not None:
        try:
            hooks.reload()
        except Exception as e:  # noqa: BLE001 - an unreadable marker leaves it a preemption
            out.write(f"[bgb] warning: volume reload failed: {type(e).__name__}: {e}\n")
    if not path.is_file():
        return False
    try:
        rec["stop_request"] = run_record.read(path)
    except ValueError:
        rec["stop_request"] = {"unreadable": str(path)}
    return True


def drop_superseded_mid_epoch(checkpoints: Path) -> list[str]:
    """On resume the trainer prefers its newest mid_epoch_*.pt over last.pt, even when last.pt
    is from a later, completed epoch (train/loop.py keeps the last few mid-epoch files after the
    epoch ends): it would re-train that epoch from a partial state. Mid-epoch files older than
    last.pt are superseded by it; remove them so the resume starts from last.pt."""
    last = checkpoints / "last.pt"
    try:
        last_mtime = last.stat().st_mtime_ns
    except FileNotFoundError:
        return []
    dropped = []
    for mid in sorted(checkpoints.glob("mid_epoch_*.pt")):
        with contextlib.suppress(FileNotFoundError):
            if mid.stat().st_mtime_ns < last_mtime:
                mid.unlink()
                dropped.append(f"removed {mid.name}: last.pt is newer (a completed epoch)")
    return dropped


def complete_cache_splits(cache_dir: str) -> frozenset[str]:
    """Splits of the preprocessing cache that carry their completion marker (cache_store.py)."""
    from .cache_store import MARKER

    return frozenset(p.parent.name for p in Path(cache_dir).glob(f"*/{MARKER}"))


def _log_size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError:
        return 0


def _read_from(p: Path, offset: int) -> str:
    try:
        with open(p, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


_FINAL = ("succeeded", "failed", "cancelled")


def _save(rec: dict[str, Any], path: Path, hooks: Hooks, out: TextIO, *, strict: bool) -> None:
    """Write run.json and commit the volume. On the way out of an interrupted attempt
    (strict=False) a failing commit is reported, not raised: the interruption must propagate."""
    run_record.write(path, rec)
    try:
        hooks.commit()
    except Exception as e:
        if strict:
            raise
        out.write(f"[bgb] warning: volume commit failed: {type(e).__name__}: {e}\n")


class _Patience:
    """Early-stopping patience over the whole run. The trainer's own counter restarts at every
    resume (its first epoch after a resume is always a "new best"), so across attempts the
    runner counts epochs since the run's best and stops the trainer after `patience` more
    non-improving completed epochs, as the trainer would have without the resume."""

    def __init__(self, patience: int | None, run_best: dict[str, Any] | None, mode: str) -> None:
        self.patience = patience
        self.run_best = run_best
        self.mode = mode
        self.fired: str | None = None

    def check(self, progress: TrainerProgress, metric: str) -> bool:
        if self.patience is None or self.fired or progress.epoch_completed is None:
            return False
        best_epoch = None if self.run_best is None else self.run_best.get("epoch")
        best_value = None if self.run_best is None else self.run_best.get("value")
        mine = TrainerProgress(bests=[b for b in progress.bests if b.metric == metric]).best(
            self.mode
        )
        if mine is not None and (best_value is None or _better(mine.value, best_value, self.mode)):
            best_epoch = mine.epoch
        if not isinstance(best_epoch, int):
            return False
        idle = progress.epoch_completed - best_epoch
        if idle > self.patience:
            self.fired = (
                f"early stopping over the whole run: {idle} epochs since the best epoch "
                f"{best_epoch} (patience {self.patience})"
            )
            return True
        return False


def _better(a: float, b: float, mode: str) -> bool:
    return a < b if mode == "min" else a > b


def run_train(job: TrainJob, hooks: Hooks | None = None) -> dict[str, Any]:
    hooks = hooks or Hooks()
    out = hooks.out or sys.stdout
    rp, P = _paths(job.results_root, job.run)
    t_start = time.monotonic()
    run_json = P(rp.run_json)
    prev = _existing(rp, "train")

    # Same launch: Modal runs this input again (a retry, or a restart after preemption); the
    # launch id is an argument of the call, so every attempt of one launch carries it.
    same_launch = bool(
        prev is not None and job.launch_id is not None and prev.get("launch_id") == job.launch_id
    )
    if prev is not None and not same_launch:
        if not job.resume:
            raise RunnerError(
                f"run {job.run!r} already exists ({prev.get('exit_status')}); "
                "pass --resume to continue it from last.pt or choose another --run"
            )
        busy = A.live_attempt(prev)
        if busy:
            raise RunnerError(
                f"run {job.run!r} may still be running ({busy}); --resume is refused until it "
                "has ended: stop it (pnpm launch stop) or wait"
            )
    if same_launch and prev is not None and prev.get("exit_status") in _FINAL:
        out.write(f"[bgb] run {job.run}: this launch already ended ({prev['exit_status']})\n")
        return prev

    config_sha = hashlib.sha256(job.config_text.encode("utf-8")).hexdigest()
    cfg = yaml.safe_load(job.config_text)
    metric, mode, patience = early_stopping_of(cfg)
    keeper = BestKeeper(P(rp.checkpoints), metric, mode)
    if prev is not None:
        rec = prev
        rec.update(
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
            trainer_commit=job.trainer_commit,
            trainer_dirty=job.trainer_dirty,
        )
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
            trainer_commit=job.trainer_commit,
            trainer_dirty=job.trainer_dirty,
        )
    stop_request = P(rp.root) / STOP_REQUEST
    if not same_launch:  # a stop asked for an earlier launch does not apply to this one
        stop_request.unlink(missing_ok=True)
        rec.pop("stop_request", None)
    rec["launch_id"] = job.launch_id
    rec.setdefault("attempts", [])
    rec.setdefault("best", None)
    notes: list[str] = []
    old_best = rec["best"]
    if old_best is not None and (old_best.get("metric"), old_best.get("mode")) != (metric, mode):
        # A resume with another early-stopping metric: values of different metrics do not
        # compare, so best.pt follows the new metric from here on.
        notes.append(
            f"early stopping now watches {metric} ({mode}), not {old_best.get('metric')} "
            f"({old_best.get('mode')}): the run's best starts over"
        )
        rec["best"] = None
    rec.pop("next_function_call_id", None)  # written by the segment chain this replaces
    log_path = P(rp.train_log)
    last_pt = P(rp.last_pt)

    # Attempts that ended without the runner (killed after the grace period, crashed).
    lost = A.mark_lost(rec, run_record.utc_now())
    for a in lost:
        text = _read_from(log_path, int(a.get("log_offset") or 0))
        prog = feed_text(text)
        a.update(
            epoch_started=prog.epoch_started,
            epoch_reached=prog.epoch_completed,
            checkpoint_progress=_signature(last_pt) != a.get("last_pt_at_start"),
        )
        if keeper.pending():
            rec["best"], line = keeper.after_attempt(rec["best"], prog, int(a["attempt"]))
            if line:
                notes.append(f"attempt {a['attempt']} (lost): {line}")
        notes.append(f"attempt {a['attempt']} ended unrecorded (lost)")

    earlier_of_launch = A.launch_attempts(rec, job.launch_id)
    launch_attempt = len(earlier_of_launch) + 1

    # Effective config: the trainer's paths moved to the mount and the results volume.
    cache_dir = str(job.cache_key.path) if job.cache_key else str(rp.root / "cache")
    new_cfg, changes = rewrite_config(
        cfg if cfg is not None else {},
        rp,
        job.data_root,
        cache_dir=cache_dir,
        wandb_available=job.wandb,
    )
    for d in (rp.checkpoints, rp.logs, rp.tensorboard, cache_dir):
        P(d).mkdir(parents=True, exist_ok=True)
    P(rp.config).write_text(yaml.safe_dump(new_cfg, sort_keys=False), encoding="utf-8")
    # Mid-epoch checkpoints carry no config: an evaluation of one reads this file.
    rec["effective_config"] = str(rp.config)

    wants_resume = job.resume or launch_attempt > 1
    resume = wants_resume and last_pt.exists()
    cache_at_start = complete_cache_splits(cache_dir)
    if resume:
        notes += drop_superseded_mid_epoch(P(rp.checkpoints))
        keeper.before_attempt(rec["best"])
    attempt: dict[str, Any] = {
        "attempt": len(rec["attempts"]) + 1,
        "launch_id": job.launch_id,
        "launch_attempt": launch_attempt,
        "max_attempts": job.max_attempts,
        "function_call_id": job.call_id,
        "started_at": run_record.utc_now(),
        "ended_at": None,
        "timeout_s": None if job.budget_s is None else int(job.budget_s),
        "resumed_from_last_pt": resume,
        "outcome": "running",
        "why": None,
        "exit_code": None,
        "epoch_started": None,
        "epoch_reached": None,
        "checkpoint_progress": None,
        "last_pt_at_start": _signature(last_pt),
        "log_offset": _log_size(log_path),
    }
    rec["attempts"].append(attempt)
    rec["attempt"] = attempt["attempt"]
    _save(rec, run_json, hooks, out, strict=True)

    for line in notes:
        out.write(f"[bgb] {line}\n")
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

    progress = TrainerProgress()
    patience_guard = _Patience(patience if resume else None, rec["best"], mode)
    finish = threading.Event()

    def on_line(line: str) -> None:
        progress.feed(line)
        if patience_guard.check(progress, metric):
            finish.set()

    env = trainer_env(job.base_env, limit_files=job.limit_files, app_dir=job.app_dir)
    argv = train_argv(str(rp.config), resume=resume, python=job.python)
    interrupted: BaseException | None = None
    res: ChildResult | None = None
    with _StopSignal() as stop:
        # The cache builder and the trainer run as children of this attempt alike: same log,
        # deadline, stop signal and grace periods.
        attempt_child = functools.partial(
            run_child,
            cwd=job.app_dir,
            log_path=log_path,
            out=out,
            deadline=deadline,
            stop=stop.event,
            grace_s=job.stop_grace_s,
            interrupt_grace_s=job.interrupt_grace_s,
        )
        try:
            try:  # the shared cache first: built once, or reused (the log names it)
                if job.cache_key is not None:
                    rec["cache"] = prepare(
                        CacheRequest(
                            key=job.cache_key,
                            splits=training_splits(
                                new_cfg["data"].get("split_policy", "official_tusz")
                            ),
                            config_path=str(rp.config),
                            limit_files=job.limit_files,
                            owner=f"{job.run}@{job.launch_id}",
                            python=job.python,
                        ),
                        run=lambda cmd, header: attempt_child(
                            cmd,
                            env=trainer_env(
                                job.base_env,
                                limit_files=job.limit_files,
                                app_dir=job.app_dir,
                                with_jobs=True,
                            ),
                            header=header,
                        ),
                        ops=VolumeOps(commit=hooks.commit, reload=hooks.reload),
                        log=log_to(log_path, out),
                        out=out,
                    )
            except CacheNotReady as e:
                failed = e.result if isinstance(e.result, ChildResult) else None
                res = failed or ChildResult(1, None, 0.0)
            else:
                res = attempt_child(
                    argv,
                    env=env,
                    header=f"attempt {attempt['attempt']} (launch attempt {launch_attempt} of at "
                    f"most {job.max_attempts}) started {attempt['started_at']}"
                    + (" (resuming from last.pt)" if resume else ""),
                    on_line=on_line,
                    finish=finish,
                )
        except BaseException as e:  # noqa: BLE001 - cancellation or KeyboardInterrupt: re-raised
            interrupted = e

        now = run_record.utc_now()
        # Progress: a new checkpoint, or (an attempt spent building the shared preprocessing
        # cache) a cache split completed; the next attempt goes on from either.
        progressed = _signature(last_pt) != attempt["last_pt_at_start"] or bool(
            complete_cache_splits(cache_dir) - cache_at_start
        )
        attempt.update(
            ended_at=now,
            exit_code=None if res is None else res.returncode,
            epoch_started=progress.epoch_started,
            epoch_reached=progress.epoch_completed,
            checkpoint_progress=progressed,
        )
        rec["exit_code"] = attempt["exit_code"]
        rec["best"], best_line = keeper.after_attempt(rec["best"], progress, attempt["attempt"])
        if best_line:
            out.write(f"[bgb] {best_line}\n")
        epoch = progress.epoch_completed
        at = f"at epoch {epoch}" if epoch is not None else "before completing an epoch"
        n = attempt["attempt"]

        def end(outcome: str, status: str, why: str) -> None:
            attempt.update(outcome=outcome, why=why)
            rec.update(exit_status=status, message=why)
            if status != "running":
                rec["ended_at"] = now

        if interrupted is not None:
            if _is_cancellation(interrupted):
                end("cancelled", "cancelled", f"attempt {n}: input cancelled {at}; trainer stopped")
            elif isinstance(interrupted, KeyboardInterrupt):
                end("preempted", "preempted", f"attempt {n}: interrupted {at}; Modal restarts it")
            else:
                end("failed", "failed", f"attempt {n}: runner error {type(interrupted).__name__}")
            _save(rec, run_json, hooks, out, strict=False)
            if attempt["outcome"] == "preempted" and _stopped_by_user(
                rec, stop_request, hooks, out
            ):
                end("cancelled", "cancelled", f"attempt {n}: stopped by the user {at}")
                _save(rec, run_json, hooks, out, strict=False)
            raise interrupted
        assert res is not None
        if res.stopped == "signal":
            sig = signal.Signals(stop.signum).name if stop.signum else "signal"
            end(
                "preempted",
                "preempted",
                f"attempt {n}: {sig} (preemption) {at}; Modal restarts the input and the next "
                "attempt resumes from last.pt",
            )
            _save(rec, run_json, hooks, out, strict=False)
            if _stopped_by_user(rec, stop_request, hooks, out):
                end(
                    "cancelled",
                    "cancelled",
                    f"attempt {n}: stopped by the user (pnpm launch stop) {at}; trainer stopped",
                )
                _save(rec, run_json, hooks, out, strict=False)
            out.write(f"[bgb] run {job.run}: {rec['message']}\n")
            out.flush()
            raise KeyboardInterrupt(rec["message"])
        if res.stopped == "deadline":
            used = f"{(job.budget_s or 0) / 3600:.2f} h"
            if not progressed:
                end(
                    "timeout",
                    "failed",
                    f"attempt {n} used its {used} without progress (last.pt unchanged, no "
                    "cache split completed): the run stops here instead of spending its retries",
                )
            elif launch_attempt >= job.max_attempts:
                end(
                    "timeout",
                    "failed",
                    f"attempt {n} stopped {at} and this launch has used all {job.max_attempts} "
                    "attempts: continue with --resume",
                )
            else:
                end(
                    "timeout",
                    "running",
                    f"attempt {n} stopped {at} before the {used} timeout; Modal's retry policy "
                    f"starts attempt {n + 1}, which resumes from last.pt",
                )
                _save(rec, run_json, hooks, out, strict=False)
                out.write(f"[bgb] run {job.run}: {rec['message']}\n")
                out.flush()
                raise AttemptTimeUp(rec["message"])
        elif res.stopped == "early_stop":
            end("completed", "succeeded", f"attempt {n}: {patience_guard.fired}")
        elif res.returncode == 0:
            why = f"attempt {n}: training complete {at}"
            if not last_pt.exists() and not P(rp.best_pt).exists():
                why = "trainer exited 0 but wrote no checkpoint"
            end("completed", "succeeded", why)
        else:
            end(
                "failed",
                "failed",
                f"trainer exited with code {res.returncode}; see logs/train.log",
            )
        _save(rec, run_json, hooks, out, strict=True)
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
        trainer_commit=job.trainer_commit,
        trainer_dirty=job.trainer_dirty,
    )
    rec.update(checkpoint=job.checkpoint, split=job.split, output_json=str(output))
    rec["launch_id"] = job.call_id  # Modal's retries of this input keep the function call id
    run_record.write(P(rp.run_json), rec)
    hooks.commit()

    t0 = time.monotonic()
    deadline = None if job.budget_s is None else t0 + job.budget_s - default_margin(job.budget_s)
    env = trainer_env(job.base_env, limit_files=None, app_dir=job.app_dir, with_jobs=True)
    log_path = P(rp.logs) / "evaluate.log"
    with _StopSignal() as stop:

        def child(argv: list[str], header: str) -> ChildResult:
            return run_child(
                argv,
                env=env,
                cwd=job.app_dir,
                log_path=log_path,
                out=out,
                deadline=deadline,
                stop=stop.event,
                grace_s=job.stop_grace_s,
                header=header,
            )

        res = None
        if job.cache_key is not None:  # the split's windows, built once with label files
            try:
                rec["cache"] = prepare(
                    CacheRequest(
                        key=job.cache_key,
                        splits=(job.split,),
                        config_path=str(P(rp.config)),
                        limit_files=None,
                        owner=job.run,
                        python=job.python,
                    ),
                    run=child,
                    ops=VolumeOps(commit=hooks.commit, reload=hooks.reload),
                    log=log_to(log_path, out),
                    out=out,
                )
            except CacheNotReady as e:
                res = e.result if isinstance(e.result, ChildResult) else ChildResult(1, None, 0.0)
        if res is None:
            res = child(
                evaluate_job_argv(
                    job.checkpoint,
                    str(output),
                    split=job.split,
                    data_root=job.data_root,
                    cache_dir=None if job.cache_key is None else str(job.cache_key.path),
                    config=job.config,
                    python=job.python,
                ),
                f"evaluate {job.checkpoint} on split {job.split} with its labels",
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
    if rec["exit_status"] == "preempted":
        raise KeyboardInterrupt(rec["message"])  # end interrupted: Modal restarts the input
    return rec
