"""Path rewriting and the trainer's argv/environment (plain Python)."""

import os
from pathlib import Path

import pytest

from bgb_modal.paths import PathError, RunPaths, dataset_subpath, rewrite_config
from bgb_modal.trainer_cmd import (
    bgb_modal_parent,
    cache_build_argv,
    evaluate_job_argv,
    train_argv,
    trainer_env,
)


def test_rewrite_moves_data_cache_and_output_paths():
    cfg = {
        "data": {"dataset": "tuh_eeg", "data_dir": "/data/edf/train", "cache_dir": "cache/tusz"},
        "experiment": {"output_dir": "results/x", "cache_dir": "/results/cache/tusz", "seed": 1},
        "training": {"learning_rate": "3e-4"},
    }
    rp = RunPaths.of("/results", "r1")
    shared = "/results/cache/tuh/0123456789ab-ba9876543210"
    new, changes = rewrite_config(cfg, rp, "/data/tuh", cache_dir=shared)
    assert new["data"]["data_dir"] == "/data/tuh/edf/train"
    # Both cache keys: upstream rewrote only experiment.cache_dir and the loop read data.cache_dir.
    assert new["data"]["cache_dir"] == shared
    assert new["experiment"]["cache_dir"] == shared
    assert new["experiment"]["output_dir"] == "/results/r1"
    assert new["training"] == cfg["training"] and new["experiment"]["seed"] == 1
    assert cfg["data"]["data_dir"] == "/data/edf/train"  # input untouched
    assert {c[0] for c in changes} == {
        "data.data_dir",
        "data.cache_dir",
        "experiment.cache_dir",
        "experiment.output_dir",
    }


def test_wandb_is_switched_off_when_no_secret_is_attached():
    cfg = {"experiment": {"wandb": {"enabled": True, "project": "p"}}}
    rp = RunPaths.of("/results", "r")
    off, changes = rewrite_config(cfg, rp, "/data/tuh", cache_dir="/c", wandb_available=False)
    assert off["experiment"]["wandb"] == {"enabled": False, "project": "p"}
    assert ("experiment.wandb.enabled", True, False) in changes
    on, _ = rewrite_config(cfg, rp, "/data/tuh", cache_dir="/c", wandb_available=True)
    assert on["experiment"]["wandb"]["enabled"] is True


def test_rewrite_creates_missing_sections():
    new, _ = rewrite_config({}, RunPaths.of("/results", "r"), "/staged/tuh/v", cache_dir="/c/k")
    assert new["data"] == {"data_dir": "/staged/tuh/v", "cache_dir": "/c/k"}
    assert new["experiment"]["output_dir"] == "/results/r"


@pytest.mark.parametrize(
    ("given", "sub"),
    [
        ("data_ext4/tusz/edf/train", "edf/train"),
        ("/data/edf/train", "edf/train"),
        ("/data/edf", "edf"),
        ("data/physionet.org/files/chbmit/1.0.0", "."),
        (None, "."),
    ],
)
def test_dataset_subpath(given, sub):
    assert str(dataset_subpath(given)) == sub


def test_bad_run_names_and_dotdot_are_rejected():
    for bad in ("", "../x", "a/b", ".hidden", "x" * 101):
        with pytest.raises(PathError):
            RunPaths.of("/results", bad)
    with pytest.raises(PathError):
        dataset_subpath("edf/../../etc")


def test_run_paths_follow_contract_layout():
    rp = RunPaths.of("/results", "run-1")
    assert str(rp.run_json) == "/results/run-1/run.json"
    assert str(rp.last_pt) == "/results/run-1/checkpoints/last.pt"
    assert str(rp.best_pt) == "/results/run-1/checkpoints/best.pt"
    assert str(rp.train_log) == "/results/run-1/logs/train.log"
    assert str(rp.tensorboard) == "/results/run-1/tensorboard"
    assert str(rp.evaluations) == "/results/run-1/evaluations"


def test_argv():
    assert train_argv("/results/r/config.yaml", resume=False) == [
        "python",
        "-m",
        "src",
        "train",
        "/results/r/config.yaml",
    ]
    assert train_argv("c.yaml", resume=True)[-1] == "--resume"
    # Our programs, not the trainer's `evaluate` (which scores against all-zero labels).
    assert cache_build_argv("/r/config.yaml", "dev", "/c/.building/dev", limit_files=50) == [
        "python",
        "-m",
        "bgb_modal.cache_build",
        "--config",
        "/r/config.yaml",
        "--split",
        "dev",
        "--into",
        "/c/.building/dev",
        "--limit",
        "50",
    ]
    assert "--limit" not in cache_build_argv("c", "train", "d", limit_files=None)
    argv = evaluate_job_argv(
        "/results/r/checkpoints/best.pt",
        "/results/r/evaluations/e.json",
        split="eval",
        data_root="/data/tuh",
        cache_dir="/results/cache/tuh/k",
    )
    assert argv[:3] == ["python", "-m", "bgb_modal.evaluate_job"]
    assert argv[3:] == [
        "--checkpoint",
        "/results/r/checkpoints/best.pt",
        "--output-json",
        "/results/r/evaluations/e.json",
        "--split",
        "eval",
        "--data-root",
        "/data/tuh",
        "--cache-dir",
        "/results/cache/tuh/k",
    ]  # no --config unless given: a checkpoint without one must be refused


def test_job_env_puts_the_trainer_first_and_bgb_modal_second():
    env = trainer_env({}, limit_files=None, app_dir="/app", with_jobs=True)
    assert env["PYTHONPATH"].split(os.pathsep) == ["/app", bgb_modal_parent()]
    assert (Path(bgb_modal_parent()) / "bgb_modal" / "evaluate_job.py").is_file()


def test_env_sets_unbuffered_and_the_smoke_limit_only_from_the_spec():
    base = {"PATH": "/bin", "BGB_LIMIT_FILES": "50", "PYTHONPATH": "/elsewhere"}
    env = trainer_env(base, limit_files=None)
    assert "BGB_LIMIT_FILES" not in env  # a leaked smoke limit is removed for full runs
    assert env["PYTHONPATH"] == "/app"
    assert env["PYTHONUNBUFFERED"] == "1" and env["BGB_DISABLE_TQDM"] == "1"
    assert env["PATH"] == "/bin"
    assert trainer_env({}, limit_files=50)["BGB_LIMIT_FILES"] == "50"
    with pytest.raises(ValueError, match="positive"):
        trainer_env({}, limit_files=0)
