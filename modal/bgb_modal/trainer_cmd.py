"""argv and environment of the Brain-Go-Brr trainer child process.

The smoke limit comes from the launch spec (`limit_files`) and nothing else: upstream
derived it from the config file name and it leaked into full runs, so here it is set
explicitly or removed from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

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


def evaluate_argv(
    checkpoint: str, data_dir: str, output_json: str, *, python: str = "python"
) -> list[str]:
    return [
        python,
        "-m",
        "src",
        "evaluate",
        str(checkpoint),
        str(data_dir),
        "--output-json",
        str(output_json),
    ]


def trainer_env(
    base: Mapping[str, str] | None,
    *,
    limit_files: int | None,
    app_dir: str = versions.APP_DIR,
) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = app_dir
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
