"""The trainer runner against a stand-in trainer (tests/fixtures/trainer/src, same argv and
output layout as Brain-Go-Brr, no model). tmp directories stand in for /results and the
dataset mount; `commit` and `spawn_next` are recorded instead of calling Modal."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from bgb_modal import run_record
from bgb_modal.remote import do_evaluate, do_train
from bgb_modal.runner import Hooks, RunnerError, TrainJob, run_train
from bgb_modal.spec import parse_spec

from .conftest import FIXTURE_APP_DIR, spec_doc

CONFIG = """\
data:
  dataset: tuh_eeg
  data_dir: /data/edf/train
  cache_dir: /results/cache/tusz
training:
  epochs: {epochs}
  learning_rate: 3e-4
experiment:
  name: fixture
  output_dir: /results/whatever
  cache_dir: /results/cache/tusz
"""


class Recorder:
    def __init__(self) -> None:
        self.commits = 0
        self.spawned: list[int] = []

    def commit(self) -> None:
        self.commits += 1

    def spawn_next(self, segment: int) -> str:
        self.spawned.append(segment)
        return f"fc-segment-{segment}"


def job(tmp_path: Path, run: str = "r1", epochs: int = 3, **over) -> TrainJob:
    kw = {
        "run": run,
        "config_path": "configs/smoke.yaml",
        "config_text": CONFIG.format(epochs=epochs),
        "data_root": str(tmp_path / "mount" / "tuh"),
        "launch_id": "launch-1",
        "results_root": str(tmp_path / "results"),
        "python": sys.executable,
        "app_dir": str(FIXTURE_APP_DIR),
        "base_env": {k: v for k, v in os.environ.items() if not k.startswith("FIXTURE_")},
        "stop_grace_s": 5.0,
    }
    kw.update(over)
    return TrainJob(**kw)


def env_with(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIXTURE_")}
    env.update(extra)
    return env


def test_train_produces_checkpoints_logs_and_run_json(tmp_path):
    rec_hooks, out = Recorder(), io.StringIO()
    rec = run_train(
        job(tmp_path, limit_files=50, preset="smoke", dataset_versions={"tuh": "v" * 64}),
        Hooks(commit=rec_hooks.commit, out=out),
    )
    run = tmp_path / "results" / "r1"
    assert rec["exit_status"] == "succeeded" and rec["exit_code"] == 0
    for rel in ("checkpoints/best.pt", "checkpoints/last.pt", "logs/train.log", "config.yaml"):
        assert (run / rel).is_file(), rel
    assert list((run / "tensorboard").iterdir())
    assert json.loads((run / "checkpoints/last.pt").read_text())["epoch"] == 3

    on_disk = json.loads((run / "run.json").read_text())
    run_record.validate(on_disk)
    assert on_disk == rec
    assert on_disk["config_sha256"] == hashlib.sha256(CONFIG.format(epochs=3).encode()).hexdigest()
    assert on_disk["dataset_versions"] == {"tuh": "v" * 64} and on_disk["segment"] == 1
    assert on_disk["started_at"] <= on_disk["ended_at"]
    assert rec_hooks.commits >= 2

    log = (run / "logs/train.log").read_text()
    # what the trainer saw: rewritten paths, unbuffered, tqdm off, smoke limit from the preset
    assert f"data_dir {tmp_path}/mount/tuh/edf/train" in log
    assert f"data.cache_dir {run}/cache" in log and f"experiment.cache_dir {run}/cache" in log
    assert "BGB_LIMIT_FILES 50" in log
    assert "PYTHONUNBUFFERED 1" in log and "BGB_DISABLE_TQDM 1" in log
    assert "epoch 3/3" in log and "training complete" in log
    assert out.getvalue().count("epoch ") >= 3  # streamed to stdout too
    effective = yaml.safe_load((run / "config.yaml").read_text())
    assert effective["experiment"]["output_dir"] == str(run)
    assert effective["training"]["learning_rate"] == "3e-4"  # left as the trainer's parser sees it


def test_full_run_clears_a_leaked_smoke_limit(tmp_path):
    run_train(job(tmp_path, base_env=env_with(BGB_LIMIT_FILES="50")), Hooks(out=io.StringIO()))
    assert "BGB_LIMIT_FILES unset" in (tmp_path / "results/r1/logs/train.log").read_text()


def test_output_is_streamed_while_the_trainer_runs(tmp_path):
    j = job(tmp_path, epochs=6, base_env=env_with(FIXTURE_EPOCH_SECONDS="0.3"))
    t = threading.Thread(target=run_train, args=(j, Hooks(out=io.StringIO())))
    t.start()
    log = tmp_path / "results/r1/logs/train.log"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if log.exists() and "epoch 1/6" in log.read_text():
            break
        time.sleep(0.05)
    seen_while_running = t.is_alive()
    t.join(30)
    assert "epoch 1/6" in log.read_text()
    assert seen_while_running, "the first epoch line reached the log only after the trainer ended"


def test_a_run_longer_than_the_timeout_continues_in_a_new_segment(tmp_path):
    rec_hooks = Recorder()
    hooks = Hooks(commit=rec_hooks.commit, spawn_next=rec_hooks.spawn_next, out=io.StringIO())
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.2")
    # segment 1: a 2.5 s "timeout" with no margin stops the trainer after a few epochs
    r1 = run_train(job(tmp_path, epochs=30, base_env=slow, budget_s=2.5, margin_s=0.0), hooks)
    assert rec_hooks.spawned == [2]
    assert r1["exit_status"] == "running" and r1["next_function_call_id"] == "fc-segment-2"
    last = json.loads((tmp_path / "results/r1/checkpoints/last.pt").read_text())["epoch"]
    assert 1 <= last < 30
    # segment 2 (what spawn_next starts on Modal): resumes from last.pt and finishes
    r2 = run_train(job(tmp_path, epochs=30, segment=2, resume=True), hooks)
    assert r2["exit_status"] == "succeeded" and r2["segment"] == 2
    log = (tmp_path / "results/r1/logs/train.log").read_text()
    assert f"resumed from last.pt at epoch {last}" in log
    assert "epoch 30/30" in log
    assert [a["segment"] for a in r2["attempts"]] == [1, 2]
    assert r2["attempts"][1]["resumed_from_last_pt"] is True


def test_a_segment_without_progress_fails_instead_of_looping(tmp_path):
    rec_hooks = Recorder()
    hooks = Hooks(spawn_next=rec_hooks.spawn_next, out=io.StringIO())
    stuck = env_with(FIXTURE_EPOCH_SECONDS="30")
    r = run_train(job(tmp_path, base_env=stuck, budget_s=0.5, margin_s=0.0), hooks)
    assert r["exit_status"] == "failed" and "no progress" in r["message"]
    assert rec_hooks.spawned == []


def test_preemption_then_retry_resumes_from_last_pt(tmp_path):
    assert threading.current_thread() is threading.main_thread()
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.2")
    last_pt = tmp_path / "results/r1/checkpoints/last.pt"
    done = threading.Event()

    def preempt() -> None:
        # stands in for Modal stopping the container: SIGTERM to this process mid-training,
        # once the trainer has written a checkpoint
        while not done.is_set():
            if last_pt.exists():
                os.kill(os.getpid(), signal.SIGTERM)
                return
            time.sleep(0.05)

    t = threading.Thread(target=preempt, daemon=True)
    t.start()
    try:
        r1 = run_train(job(tmp_path, epochs=30, base_env=slow), Hooks(out=io.StringIO()))
    finally:
        done.set()
        t.join(5)
    assert r1["exit_status"] == "preempted"
    epoch = json.loads((tmp_path / "results/r1/checkpoints/last.pt").read_text())["epoch"]
    assert epoch < 30
    # Modal's retry re-runs the same call: same arguments, so the same launch id
    r2 = run_train(job(tmp_path, epochs=30), Hooks(out=io.StringIO()))
    assert r2["exit_status"] == "succeeded"
    assert [a["attempt"] for a in r2["attempts"]] == [1, 2]
    assert r2["attempts"][1]["resumed_from_last_pt"] is True
    assert (
        f"resumed from last.pt at epoch {epoch}"
        in (tmp_path / "results/r1/logs/train.log").read_text()
    )


def test_trainer_failure_is_recorded_not_raised(tmp_path):
    r = run_train(
        job(tmp_path, base_env=env_with(FIXTURE_FAIL_AT_EPOCH="2")), Hooks(out=io.StringIO())
    )
    assert r["exit_status"] == "failed" and r["exit_code"] == 3
    assert "simulated failure" in (tmp_path / "results/r1/logs/train.log").read_text()


def test_a_taken_run_name_is_refused_unless_resuming(tmp_path):
    run_train(job(tmp_path), Hooks(out=io.StringIO()))
    with pytest.raises(RunnerError, match="already exists"):
        run_train(job(tmp_path, launch_id="launch-2"), Hooks(out=io.StringIO()))
    r = run_train(
        job(tmp_path, launch_id="launch-2", resume=True, epochs=4), Hooks(out=io.StringIO())
    )
    assert r["exit_status"] == "succeeded" and r["attempts"][-1]["resumed_from_last_pt"]


def test_do_train_and_do_evaluate_end_to_end(dataset, tmp_path):
    root, doc = dataset
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"], git_sha="abcdef1")))
    common = {
        "results_root": str(tmp_path / "results"),
        "staged_root": str(tmp_path / "staged"),
        "app_dir": str(FIXTURE_APP_DIR),
        "python": sys.executable,
        "base_env": env_with(),
        "out": io.StringIO(),
    }
    rec = do_train(
        spec,
        run="t1",
        config_path="configs/smoke.yaml",
        config_text=CONFIG.format(epochs=2),
        resume=False,
        segment=1,
        launch_id="L",
        call_id="fc-1",
        commit=lambda: None,
        spawn_next=None,
        **common,
    )
    assert rec["exit_status"] == "succeeded"
    assert rec["dataset_versions"] == {"tuh": doc["version"]} and rec["git_sha"] == "abcdef1"
    assert rec["preset"] == "smoke" and rec["gpu"] == "A100-80GB"

    ckpt = str(tmp_path / "results/t1/checkpoints/best.pt")
    ev = do_evaluate(
        spec, run="e1", checkpoint=ckpt, split="dev", call_id=None, commit=lambda: None, **common
    )
    assert ev["exit_status"] == "succeeded"
    metrics = json.loads((tmp_path / "results/t1/evaluations/e1.json").read_text())
    assert metrics["metadata"]["files"] == ["aaaaaaaa/s001_2015/01_tcp_ar/aaaaaaaa_s001_t000.edf"]
    assert json.loads((tmp_path / "results/e1/run.json").read_text())["action"] == "evaluate"
    # the training run's record is untouched by its evaluation
    assert json.loads((tmp_path / "results/t1/run.json").read_text())["action"] == "train"


@pytest.mark.parametrize(
    ("version", "needle"), [("c" * 64, "the launch expected"), (None, "has no version")]
)
def test_do_train_refuses_a_dataset_of_another_or_no_version(dataset, tmp_path, version, needle):
    root, _ = dataset
    spec = parse_spec(json.dumps(spec_doc(root, version)))
    out = io.StringIO()
    rec = do_train(
        spec,
        run="t2",
        config_path="configs/smoke.yaml",
        config_text=CONFIG.format(epochs=1),
        resume=False,
        segment=1,
        launch_id="L",
        call_id=None,
        commit=lambda: None,
        spawn_next=None,
        results_root=str(tmp_path / "results"),
        staged_root=str(tmp_path / "staged"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        out=out,
    )
    assert rec["exit_status"] == "failed" and needle in rec["message"]
    assert not (tmp_path / "results/t2/checkpoints").exists()
    assert json.loads((tmp_path / "results/t2/run.json").read_text())["exit_status"] == "failed"
