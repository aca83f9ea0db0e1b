"""Make the shared preprocessing cache ready before the trainer (or an evaluation) starts.

For each split the trainer will read, cache_store.ensure_split either finds it complete
(marker present: reused, the run log names it) or builds it once with cache_build.py (the
trainer's own dataset code), verifies it (cache_check.py) and moves it into place. The runner
passes `run`, which runs a child process like the trainer (output streamed to the run log,
stopped on preemption or at the deadline) and returns its result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from .cache_check import verify_build
from .cache_key import CacheKey, cache_key
from .cache_store import CacheError, Outcome, Timing, VolumeOps, ensure_split
from .trainer_cmd import cache_build_argv


class ChildLike(Protocol):
    returncode: int | None
    stopped: str | None


class CacheNotReady(Exception):
    """The cache could not be made ready; `result` is the builder's result when it ran."""

    def __init__(self, message: str, result: ChildLike | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class CacheRequest:
    key: CacheKey
    splits: tuple[str, ...]
    config_path: str  # the effective config (paths rewritten) the builder reads
    limit_files: int | None
    owner: str  # "<run>@<launch id>": a retry of the same launch takes its own lock back
    python: str = "python"


def key_for(
    results_root: str,
    dataset_versions: Mapping[str, str],
    cfg: dict[str, Any],
    *,
    limit_files: int | None,
    trainer_commit: str | None = None,
) -> CacheKey:
    """The cache key of a run's single dataset (cache_key.py)."""
    if len(dataset_versions) != 1:
        raise CacheError(f"one dataset per run is supported, got {sorted(dataset_versions)}")
    ((name, version),) = dataset_versions.items()
    return cache_key(
        results_root, name, version, cfg, limit_files=limit_files, trainer_commit=trainer_commit
    )


def describe(o: Outcome, key: CacheKey) -> str:
    m = o.marker
    size = f"{m.get('files')} files, {m.get('windows')} windows"
    if o.action == "built":
        return f"preprocessing cache {key.name}/{o.split}: built now ({size}) at {o.path}"
    how = "reused" if o.action == "reused" else "reused after waiting for its build"
    return (
        f"preprocessing cache {key.name}/{o.split}: {how}, no rebuild ({size}; built by "
        f"{m.get('built_by')} at {m.get('built_at')}) at {o.path}"
    )


def prepare(
    req: CacheRequest,
    *,
    run: Callable[[list[str], str], ChildLike],
    ops: VolumeOps,
    log: Callable[[str], None],
    out: TextIO,
    timing: Timing | None = None,
) -> dict[str, Any]:
    """Every split of `req` complete under req.key.path; returns what to record in run.json.
    Raises CacheNotReady (with the builder's result when it failed or was stopped)."""
    key_dir = Path(str(req.key.path))
    record: dict[str, Any] = {"dir": str(key_dir), "splits": {}}

    for split in req.splits:
        failed: list[ChildLike] = []

        def build(into: Path, split: str = split, failed: list[ChildLike] = failed) -> None:
            argv = cache_build_argv(
                req.config_path, split, str(into), limit_files=req.limit_files, python=req.python
            )
            res = run(argv, f"building the preprocessing cache {req.key.name}/{split}")
            if res.stopped or res.returncode != 0:
                failed.append(res)
                why = f"stopped ({res.stopped})" if res.stopped else f"exit code {res.returncode}"
                raise CacheError(f"cache build of {req.key.name}/{split} failed: {why}")

        try:
            o = ensure_split(
                key_dir,
                split,
                owner=req.owner,
                build=build,
                verify=verify_build,
                ops=ops,
                out=out,
                timing=timing,
            )
        except CacheError as e:
            log(f"[bgb] {e}\n")
            raise CacheNotReady(str(e), failed[0] if failed else None) from None
        log(f"[bgb] {describe(o, req.key)}\n")
        record["splits"][split] = {"action": o.action, "built_by": o.marker.get("built_by")}
    return record


def log_to(path: Path, out: TextIO) -> Callable[[str], None]:
    """A line to stdout and appended to the run log (opened per line: no file stays open on
    the volume, so reload() keeps working while a run waits for another's build)."""

    def emit(line: str) -> None:
        out.write(line)
        out.flush()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)

    return emit


def evaluation_cache(
    *,
    results_root: str,
    train_run: str,
    eval_run: str,
    dataset_versions: Mapping[str, str],
    data_root: str,
    config_text: str | None,
    trainer_commit: str | None = None,
) -> CacheKey | None:
    """The shared cache an evaluation reads, from the training run's effective config (or the
    --config given): the same key as a full run with those settings (no file limit), so an
    evaluation on dev reuses the training's validation windows. Writes the config the cache
    builder reads to /results/<eval run>/config.yaml. None when no config is known (then the
    evaluation program builds the split into the checkpoint config's cache_dir)."""
    import yaml

    from .paths import RunPaths, rewrite_config

    if config_text is None:
        trained = Path(str(RunPaths.of(results_root, train_run).config))
        if not trained.is_file():
            return None
        config_text = trained.read_text(encoding="utf-8")
    cfg = yaml.safe_load(config_text) or {}
    if not isinstance(cfg, dict):
        raise CacheError("the evaluation config is not a mapping")
    key = key_for(
        results_root, dataset_versions, cfg, limit_files=None, trainer_commit=trainer_commit
    )
    rp = RunPaths.of(results_root, eval_run)
    eff, _ = rewrite_config(cfg, rp, data_root, cache_dir=key.path)
    path = Path(str(rp.config))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(eff, sort_keys=False), encoding="utf-8")
    return key
