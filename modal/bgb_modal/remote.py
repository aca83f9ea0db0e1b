"""Bodies of the Modal functions, as plain Python (app.py only wires Modal objects in).

Deterministic problems (a taken run name, a wrong dataset version, a bad config) are
returned as a failed result instead of raised, so Modal's retries never repeat them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import yaml

from . import run_record, versions
from .cache_job import evaluation_cache, key_for
from .cache_store import CacheError
from .check import run_checks
from .entry import UsageError, checkpoint_run
from .manifest import ManifestError, load_manifest
from .paths import PathError, RunPaths
from .runner import EvalJob, Hooks, RunnerError, TrainJob, run_evaluate, run_train
from .spec import LaunchSpec, SpecError, pick_dataset
from .stage import (
    StageResult,
    StageRunTaken,
    end_stage_attempt,
    resolve_data_root,
    stage,
    stage_attempt_record,
    staged_dir,
)

_EXPECTED = (
    SpecError,
    ManifestError,
    RunnerError,
    PathError,
    UsageError,
    CacheError,
    yaml.YAMLError,
)


def _out(out: TextIO | None) -> TextIO:
    return out or sys.stdout


def _base_record(spec: LaunchSpec, run: str, action: str, **extra: Any) -> dict[str, Any]:
    rec = run_record.new_record(
        run=run,
        action=action,
        preset=spec.preset,
        config_path=None,
        config_sha256=None,
        dataset_versions={d.name: d.version for d in spec.datasets if d.version},
        git_sha=spec.git_sha,
        git_dirty=spec.git_dirty,
        gpu=spec.gpu if action != "stage" else None,
        trainer_commit=spec.trainer_commit,
        trainer_dirty=spec.trainer_dirty,
    )
    rec.update(extra)
    return rec


def _refused(
    spec: LaunchSpec,
    run: str,
    action: str,
    err: Exception,
    results_root: str,
    out: TextIO | None,
    commit: Callable[[], None],
    launch_id: str | None = None,
) -> dict[str, Any]:
    """Record a refusal: in a new run.json where none exists, or in the run's own record when
    this is a later attempt of the same launch (a Modal retry refused for a deterministic
    reason must not leave the record `running` forever). Another run's record is never
    touched (e.g. a second launch refused because the name is taken)."""
    msg = str(err)
    _out(out).write(f"[bgb] error: {msg}\n")
    rec = _base_record(spec, run, action)
    rec.update(exit_status="failed", ended_at=run_record.utc_now(), message=msg)
    try:
        path = Path(str(RunPaths.of(results_root, run).run_json))
        prev = run_record.read(path)
        if prev is None:
            run_record.write(path, rec)
            commit()
        elif (
            launch_id is not None
            and prev.get("action") == action
            and prev.get("launch_id") == launch_id
            and prev.get("exit_status") in ("running", "preempted")
        ):
            now = run_record.utc_now()
            for a in prev.get("attempts") or []:
                if a.get("outcome") == "running":
                    a.update(outcome="lost", noticed_at=now)
            prev.setdefault("attempts", []).append(
                {
                    "attempt": len(prev.get("attempts") or []) + 1,
                    "launch_id": launch_id,
                    "started_at": now,
                    "ended_at": now,
                    "outcome": "failed",
                    "why": f"refused: {msg}",
                }
            )
            prev.update(exit_status="failed", ended_at=now, message=msg, exit_code=None)
            prev["attempt"] = len(prev["attempts"])
            run_record.write(path, prev)
            commit()
            return prev
    except (PathError, OSError, ValueError):
        pass
    return rec


def _training_root(
    spec: LaunchSpec, config_dataset: str | None, staged_root: str
) -> tuple[Any, str]:
    ds = pick_dataset(spec, config_dataset)
    version = ds.require_version()
    root = resolve_data_root(ds.mount, staged_root, ds.name, version)
    load_manifest(root, expected_version=version)  # the right dataset, before any GPU time
    return ds, root


def do_train(
    spec: LaunchSpec,
    *,
    run: str,
    config_path: str,
    config_text: str,
    resume: bool,
    launch_id: str,
    call_id: str | None,
    commit: Callable[[], None],
    reload: Callable[[], None] | None = None,
    max_attempts: int = 1,
    results_root: str = versions.RESULTS_MOUNT,
    staged_root: str = versions.DATA_VOLUME_MOUNT,
    app_dir: str = versions.APP_DIR,
    python: str = "python",
    base_env: Mapping[str, str] | None = None,
    budget_s: float | None = None,
    margin_s: float | None = None,
    stop_grace_s: float = 120.0,
    interrupt_grace_s: float = 10.0,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """The body of one attempt of `train`. Returns the run record when the run has ended
    (succeeded, failed, refused); raises to end the attempt as interrupted (preemption,
    cancellation, the attempt's time budget used: see runner.py)."""
    try:
        cfg = yaml.safe_load(config_text) or {}
        data = cfg.get("data") if isinstance(cfg, dict) else None
        ds, root = _training_root(
            spec, data.get("dataset") if isinstance(data, dict) else None, staged_root
        )
        _out(out).write(f"[bgb] dataset {ds.name} version {ds.version[:12]} read from {root}\n")
        job = TrainJob(
            run=run,
            config_path=config_path,
            config_text=config_text,
            data_root=root,
            resume=resume,
            launch_id=launch_id,
            call_id=call_id,
            results_root=results_root,
            limit_files=spec.limit_files,
            preset=spec.preset,
            dataset_versions={ds.name: ds.version},
            git_sha=spec.git_sha,
            git_dirty=spec.git_dirty,
            gpu=spec.gpu,
            trainer_commit=spec.trainer_commit,
            trainer_dirty=spec.trainer_dirty,
            wandb=spec.wandb,
            python=python,
            app_dir=app_dir,
            base_env=base_env,
            budget_s=spec.timeout_s if budget_s is None else budget_s,
            margin_s=margin_s,
            stop_grace_s=stop_grace_s,
            interrupt_grace_s=interrupt_grace_s,
            max_attempts=max_attempts,
            cache_key=key_for(
                results_root,
                {ds.name: ds.version},
                cfg,
                limit_files=spec.limit_files,
                trainer_commit=spec.trainer_commit,  # its preprocessing code writes the windows
            ),
        )
        return run_train(job, Hooks(commit=commit, reload=reload, out=out))
    except _EXPECTED as e:
        return _refused(spec, run, "train", e, results_root, out, commit, launch_id)


def evaluation_data_dir(root: str, split: str) -> str:
    """TUSZ layout: <root>/edf/<split>; a flat layout (split `all`): the root itself."""
    edf = Path(root) / "edf"
    if edf.is_dir():
        d = edf / split
        if not d.is_dir():
            raise UsageError(f"split {split!r} not found: {d} does not exist")
        return str(d)
    if split not in ("all", "eval", "dev"):
        raise UsageError(f"split {split!r}: {root} has no edf/<split> folders (flat layout)")
    return root


def do_evaluate(
    spec: LaunchSpec,
    *,
    run: str,
    checkpoint: str,
    split: str,
    call_id: str | None,
    commit: Callable[[], None],
    reload: Callable[[], None] | None = None,
    config_text: str | None = None,
    results_root: str = versions.RESULTS_MOUNT,
    staged_root: str = versions.DATA_VOLUME_MOUNT,
    app_dir: str = versions.APP_DIR,
    python: str = "python",
    base_env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> dict[str, Any]:
    try:
        ds, root = _training_root(spec, None, staged_root)
        cache = evaluation_cache(
            results_root=results_root,
            train_run=checkpoint_run(checkpoint, results_root=results_root),
            eval_run=run,
            dataset_versions={ds.name: ds.version},
            data_root=root,
            config_text=config_text,
            trainer_commit=spec.trainer_commit,
        )
        config = None
        if config_text is not None:  # --config: the program uses it instead of the checkpoint's
            config = str(RunPaths.of(results_root, run).config)
        job = EvalJob(
            run=run,
            checkpoint=checkpoint,
            data_dir=evaluation_data_dir(root, split),
            split=split,
            data_root=root,
            config=config,
            cache_key=cache,
            results_root=results_root,
            call_id=call_id,
            preset=spec.preset,
            dataset_versions={ds.name: ds.version},
            git_sha=spec.git_sha,
            git_dirty=spec.git_dirty,
            gpu=spec.gpu,
            trainer_commit=spec.trainer_commit,
            trainer_dirty=spec.trainer_dirty,
            python=python,
            app_dir=app_dir,
            base_env=base_env,
            budget_s=spec.timeout_s,
        )
        return run_evaluate(job, Hooks(commit=commit, reload=reload, out=out))
    except _EXPECTED as e:
        return _refused(spec, run, "evaluate", e, results_root, out, commit, call_id)


def _fresh_run(results_root: str, run: str) -> Path:
    path = Path(str(RunPaths.of(results_root, run).run_json))
    if path.exists():
        raise RunnerError(f"run {run!r} already exists; choose another --run")
    return path


def do_check(
    spec: LaunchSpec,
    *,
    run: str,
    commit: Callable[[], None],
    results_root: str = versions.RESULTS_MOUNT,
    app_dir: str = versions.APP_DIR,
    python: str = "python",
    runner: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
    out: TextIO | None = None,
) -> dict[str, Any]:
    o = _out(out)
    try:
        path = _fresh_run(results_root, run)
    except _EXPECTED as e:
        return _refused(spec, run, "check", e, results_root, out, commit)
    results = run_checks(
        gpu=spec.gpu,
        datasets=spec.datasets,
        results_root=results_root,
        run=run,
        app_dir=app_dir,
        python=python,
        runner=runner,
        emit=lambda line: (o.write(line + "\n"), o.flush()),
    )
    ok = all(r.ok for r in results)
    rec = _base_record(spec, run, "check", checks=[r.line() for r in results])
    rec.update(
        exit_status="succeeded" if ok else "failed",
        exit_code=0 if ok else 1,
        ended_at=run_record.utc_now(),
    )
    run_record.write(path, rec)
    commit()
    return rec


def do_stage(
    spec: LaunchSpec,
    *,
    run: str,
    commit_results: Callable[[], None],
    commit_data: Callable[[], None],
    results_root: str = versions.RESULTS_MOUNT,
    staged_root: str = versions.DATA_VOLUME_MOUNT,
    workers: int = versions.STAGE_WORKERS,
    progress_every_s: float = 60.0,
    out: TextIO | None = None,
) -> dict[str, Any]:
    o = _out(out)
    try:
        path = Path(str(RunPaths.of(results_root, run).run_json))
        if not spec.datasets:
            raise SpecError("the launch spec has no dataset to stage")
        # A retry (or `stage` again under this name) continues the run's own record.
        rec = stage_attempt_record(
            run_record.read(path), _base_record(spec, run, "stage", staged={})
        )
    except (*_EXPECTED, StageRunTaken) as e:
        return _refused(spec, run, "stage", e, results_root, out, commit_results)
    run_record.write(path, rec)
    commit_results()
    ok = True
    for ds in spec.datasets:
        try:
            dst = staged_dir(staged_root, ds.name, ds.require_version())
            manifest = load_manifest(ds.mount, expected_version=ds.version)
        except (ManifestError, SpecError) as e:
            dst = staged_dir(staged_root, ds.name, "unknown")
            o.write(f"[bgb] stage {ds.name}: {e}\n")
            rec["staged"][ds.name] = {"dir": str(dst), "complete": False, "error": str(e)}
            ok = False
            continue

        def progress(
            r: StageResult, name: str = ds.name, total: int = manifest.files_total
        ) -> None:
            o.write(
                f"[bgb] stage {name}: {r.done}/{total} files "
                f"({r.copied} copied, {r.skipped} kept, {len(r.failed)} failed)\n"
            )
            o.flush()
            commit_data()  # keep what is copied even if the container dies

        o.write(f"[bgb] stage {ds.name}: {manifest.files_total} files {ds.mount} -> {dst}\n")
        r = stage(
            ds.mount,
            dst,
            manifest,
            workers=workers,
            on_progress=progress,
            progress_every_s=progress_every_s,
        )
        commit_data()
        for line in r.failed[:20]:
            o.write(f"[bgb] stage {ds.name}: FAILED {line}\n")
        rec["staged"][ds.name] = {
            "dir": str(dst),
            "complete": r.complete,
            "copied": r.copied,
            "kept": r.skipped,
            "bytes_copied": r.bytes_copied,
            "failed": r.failed[:100],
        }
        ok = ok and r.complete
    run_record.write(path, end_stage_attempt(rec, ok))
    commit_results()
    return rec
