"""argv and environment of the Brain-Go-Brr trainer child process.

The smoke limit comes from the launch spec (`limit_files`) and nothing else: upstream
derived it from the config file name and it leaked into full runs, so here it is set
explicitly or removed from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from . import versions

LIMIT_ENV = "BGB_LIMIT_FILES"
# Set with the file limit, as upstream does for smoke runs: without it a subset with no seizure
# windows makes the trainer exit 1 (src/brain_brr/train/loop.py, "SMOKE TEST MODE").
SMOKE_ENV = "BGB_SMOKE_TEST"


def train_argv(config_path: str, *, resume: bool, python: str = "python") -> list[str]:
    argv = [python, "-m", "src", "train", str(config_path)]
    if resume:
        argv.append("--resume")
    return argv


def _job(module: str, python: str, args: list[str]) -> list[str]:
    return [python, "-m", f"bgb_modal.{module}", *args]


def cache_build_argv(
    config_path: str, split: str, into: str, *, limit_files: int | None, python: str = "python"
) -> list[str]:
    """Our cache builder (bgb_modal/cache_build.py), run with the trainer importable."""
    args = ["--config", str(config_path), "--split", split, "--into", str(into)]
    if limit_files is not None:
        args += ["--limit", str(limit_files)]
    return _job("cache_build", python, args)


def evaluate_job_argv(
    checkpoint: str,
    output_json: str,
    *,
    split: str,
    data_root: str | None,
    cache_dir: str | None,
    config: str | None = None,
    python: str = "python",
) -> list[str]:
    """Our evaluation program (bgb_modal/evaluate_job.py). The trainer's own `evaluate` is not
    used: it scores against all-zero labels."""
    args = ["--checkpoint", str(checkpoint), "--output-json", str(output_json), "--split", split]
    for flag, value in (
        ("--data-root", data_root),
        ("--cache-dir", cache_dir),
        ("--config", config),
    ):
        if value is not None:
            args += [flag, str(value)]
    return _job("evaluate_job", python, args)


def bgb_modal_parent() -> str:
    """The directory that holds this package (in the image: where add_local_python_source put it),
    so `python -m bgb_modal.<job>` works next to the trainer's /app."""
    return str(Path(__file__).resolve().parent.parent)


def trainer_env(
    base: Mapping[str, str] | None,
    *,
    limit_files: int | None,
    app_dir: str = versions.APP_DIR,
    with_jobs: bool = False,
) -> dict[str, str]:
    """with_jobs: also make bgb_modal importable (after the trainer, so `src` stays the trainer's)
    for the cache builder and the evaluation program."""
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = app_dir + (os.pathsep + bgb_modal_parent() if with_jobs else "")
    env["PYTHONUNBUFFERED"] = "1"
    env["BGB_DISABLE_TQDM"] = "1"
    if limit_files is None:
        env.pop(LIMIT_ENV, None)
        env.pop(SMOKE_ENV, None)
    else:
        if isinstance(limit_files, bool) or not isinstance(limit_files, int) or limit_files < 1:
            raise ValueError(f"limit_files must be a positive integer, got {limit_files!r}")
        env[LIMIT_ENV] = str(limit_files)
        env[SMOKE_ENV] = "1"
    return env
