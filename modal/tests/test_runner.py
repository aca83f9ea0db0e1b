"""The trainer runner against a stand-in trainer (tests/fixtures/trainer/src, same argv, output
lines and layout as Brain-Go-Brr, no model). tmp directories stand in for /results and the
dataset mount; `commit` is counted instead of calling Modal. Modal's retry of an input is played
by calling the body again with the same arguments (what Modal does: same input, same launch id);
preemption and cancellation are the real signals delivered to a process running the body."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from bgb_modal import run_record
from bgb_modal.remote import do_evaluate, do_train
from bgb_modal.runner import AttemptTimeUp, Hooks, RunnerError, TrainJob, run_train
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

    def commit(self) -> None:
        self.commits += 1


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
    assert json.loads((run / "checkpoints/last.pt").read_text())["epoch"] == 2  # 0-based

    on_disk = json.loads((run / "run.json").read_text())
    run_record.validate(on_disk)
    assert on_disk == rec
    assert on_disk["config_sha256"] == hashlib.sha256(CONFIG.format(epochs=3).encode()).hexdigest()
    assert on_disk["dataset_versions"] == {"tuh": "v" * 64} and on_disk["attempt"] == 1
    assert on_disk["started_at"] <= on_disk["ended_at"]
    assert on_disk["effective_config"] == str(run / "config.yaml")
    [a] = on_disk["attempts"]
    assert (a["outcome"], a["epoch_reached"], a["checkpoint_progress"]) == ("completed", 3, True)
    assert a["started_at"] <= a["ended_at"] and a["launch_attempt"] == 1
    assert rec_hooks.commits >= 2

    log = (run / "logs/train.log").read_text()
    # what the trainer saw: rewritten paths, unbuffered, tqdm off, smoke limit from the preset
    assert f"data_dir {tmp_path}/mount/tuh/edf/train" in log
    assert f"data.cache_dir {run}/cache" in log and f"experiment.cache_dir {run}/cache" in log
    assert "BGB_LIMIT_FILES 50" in log and "BGB_SMOKE_TEST 1" in log
    assert "PYTHONUNBUFFERED 1" in log and "BGB_DISABLE_TQDM 1" in log
    assert "Epoch 3/3" in log and "Training complete" in log
    assert out.getvalue().count("Epoch ") >= 3  # streamed to stdout too
    effective = yaml.safe_load((run / "config.yaml").read_text())
    assert effective["experiment"]["output_dir"] == str(run)
    assert effective["training"]["learning_rate"] == "3e-4"  # left as the trainer's parser sees it


def test_full_run_clears_a_leaked_smoke_limit(tmp_path):
    leaked = env_with(BGB_LIMIT_FILES="50", BGB_SMOKE_TEST="1")
    run_train(job(tmp_path, base_env=leaked), Hooks(out=io.StringIO()))
    log = (tmp_path / "results/r1/logs/train.log").read_text()
    assert "BGB_LIMIT_FILES unset" in log and "BGB_SMOKE_TEST unset" in log


def test_output_is_streamed_while_the_trainer_runs(tmp_path):
    j = job(tmp_path, epochs=6, base_env=env_with(FIXTURE_EPOCH_SECONDS="0.3"))
    t = threading.Thread(target=run_train, args=(j, Hooks(out=io.StringIO())))
    t.start()
    log = tmp_path / "results/r1/logs/train.log"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if log.exists() and "Epoch 1/6" in log.read_text():
            break
        time.sleep(0.05)
    seen_while_running = t.is_alive()
    t.join(30)
    assert "Epoch 1/6" in log.read_text()
    assert seen_while_running, "the first epoch line reached the log only after the trainer ended"


def _hang_after(epoch: int, **extra: str) -> dict[str, str]:
    """The stand-in finishes `epoch` at once, then sits in a long epoch the time budget ends."""
    return env_with(FIXTURE_HANG_AFTER_EPOCH=str(epoch), **extra)


# An attempt's time budget: long enough for the stand-in to start and reach the epoch it hangs
# after (instant epochs), short enough for a test. Nothing asserts on how long anything took.
BUDGET = {"budget_s": 4.0, "margin_s": 0.0, "stop_grace_s": 5.0}


def test_a_run_longer_than_one_attempt_continues_through_modal_retries(tmp_path):
    """Attempt 1 uses its time budget: it records `timeout` and RAISES (Modal's retry policy
    then starts the next attempt with a fresh timeout). Modal's retry is the same call again."""
    hooks = Hooks(out=io.StringIO())
    first = job(tmp_path, epochs=5, base_env=_hang_after(2), max_attempts=3, **BUDGET)
    with pytest.raises(AttemptTimeUp, match="Modal's retry policy starts attempt 2"):
        run_train(first, hooks)
    r1 = json.loads((tmp_path / "results/r1/run.json").read_text())
    assert r1["exit_status"] == "running" and r1["ended_at"] is None
    [a1] = r1["attempts"]
    assert (a1["outcome"], a1["epoch_reached"], a1["checkpoint_progress"]) == ("timeout", 2, True)
    assert a1["ended_at"] is not None and a1["timeout_s"] == 4

    r2 = run_train(job(tmp_path, epochs=5, max_attempts=3), hooks)  # the retry: same input
    assert r2["exit_status"] == "succeeded"
    assert [a["outcome"] for a in r2["attempts"]] == ["timeout", "completed"]
    assert [a["launch_attempt"] for a in r2["attempts"]] == [1, 2]
    assert r2["attempts"][1]["resumed_from_last_pt"] is True
    assert r2["attempts"][1]["epoch_reached"] == 5 and r2["attempt"] == 2
    log = (tmp_path / "results/r1/logs/train.log").read_text()
    assert "Resumed from epoch 2" in log and "Epoch 5/5" in log


def test_an_attempt_without_progress_ends_the_run_without_retrying(tmp_path):
    stuck = env_with(FIXTURE_EPOCH_SECONDS="30")
    r = run_train(
        job(tmp_path, base_env=stuck, max_attempts=5, budget_s=0.5, margin_s=0.0),
        Hooks(out=io.StringIO()),
    )  # returns (Modal does not retry a return) instead of raising
    assert r["exit_status"] == "failed" and "without progress" in r["message"]
    assert r["attempts"][0]["outcome"] == "timeout"
    assert r["attempts"][0]["checkpoint_progress"] is False


def test_the_last_allowed_attempt_ends_the_run_instead_of_raising(tmp_path):
    r = run_train(
        job(tmp_path, epochs=5, base_env=_hang_after(1), max_attempts=1, **BUDGET),
        Hooks(out=io.StringIO()),
    )
    assert r["exit_status"] == "failed" and "continue with --resume" in r["message"]


def _body(tmp_path: Path, env: dict[str, str], *flags: str, **over) -> subprocess.Popen[str]:
    kw = {
        "run": "r1",
        "config_path": "configs/smoke.yaml",
        "config_text": CONFIG.format(epochs=30),
        "data_root": str(tmp_path / "mount" / "tuh"),
        "launch_id": "launch-1",
        "results_root": str(tmp_path / "results"),
        "python": sys.executable,
        "app_dir": str(FIXTURE_APP_DIR),
        "base_env": env,
        "max_attempts": 3,
        **over,
    }
    return subprocess.Popen(
        [sys.executable, str(FIXTURE_APP_DIR.parent / "attempt_body.py"), json.dumps(kw), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[0]
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_sigint_preemption_saves_records_and_ends_interrupted_then_the_restart_resumes(tmp_path):
    """Modal preempts with SIGINT (then SIGKILL ~30 s later) and restarts the same input."""
    pid_file = tmp_path / "trainer.pid"
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.3", FIXTURE_PID_FILE=str(pid_file))
    proc = _body(tmp_path, slow)
    _wait_for(tmp_path / "results/r1/checkpoints/last.pt", proc)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0, output  # ended as interrupted, not a normal return
    assert "RETURNED" not in output and "KeyboardInterrupt" in output
    assert _gone(int(pid_file.read_text())), "the trainer outlived the function body"

    r1 = json.loads((tmp_path / "results/r1/run.json").read_text())
    [a1] = r1["attempts"]
    assert r1["exit_status"] == "preempted" and a1["outcome"] == "preempted"
    assert "SIGINT" in a1["why"] and a1["ended_at"] is not None
    saved = json.loads((tmp_path / "results/r1/checkpoints/last.pt").read_text())["epoch"]
    assert saved < 29

    # Modal's restart: the same input again (same launch id), in a new container
    again = _body(tmp_path, env_with(), config_text=CONFIG.format(epochs=saved + 3))
    output, _ = again.communicate(timeout=60)
    assert again.returncode == 0 and "RETURNED succeeded" in output, output
    r2 = json.loads((tmp_path / "results/r1/run.json").read_text())
    assert [a["outcome"] for a in r2["attempts"]] == ["preempted", "completed"]
    assert r2["attempts"][1]["resumed_from_last_pt"] is True
    assert f"Resumed from epoch {saved + 1}" in (tmp_path / "results/r1/logs/train.log").read_text()


def test_sigint_to_the_whole_container_is_a_preemption_not_a_trainer_failure(tmp_path):
    """A trainer that dies during a preemption (the signal reached it too) leaves the attempt
    `preempted` (retried), never `failed` (final). The narrow race where it is reaped before
    the runner sees its own signal is handled in run_child; this test does not isolate it."""
    pid_file = tmp_path / "trainer.pid"
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.3", FIXTURE_PID_FILE=str(pid_file))
    proc = _body(tmp_path, slow)
    _wait_for(tmp_path / "results/r1/checkpoints/last.pt", proc)
    # the trainer is gone first (killed outright: no exit latency), then the body's signal lands
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "RETURNED" not in output, output
    rec = json.loads((tmp_path / "results/r1/run.json").read_text())
    assert rec["exit_status"] == "preempted", rec["message"]


def test_cancellation_stops_the_trainer_and_is_not_recorded_as_preemption(tmp_path):
    """modal 1.6.4 cancels a running sync input (FunctionCall.cancel, app stop of a running
    input) with SIGUSR1, which its handler turns into InputCancellation in the body."""
    pid_file = tmp_path / "trainer.pid"
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.3", FIXTURE_PID_FILE=str(pid_file))
    proc = _body(tmp_path, slow, "--modal-cancel")
    _wait_for(tmp_path / "results/r1/checkpoints/last.pt", proc)
    proc.send_signal(signal.SIGUSR1)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "InputCancellation" in output, output
    assert _gone(int(pid_file.read_text())), "the trainer outlived the cancelled input"
    rec = json.loads((tmp_path / "results/r1/run.json").read_text())
    assert rec["exit_status"] == "cancelled" and rec["attempts"][0]["outcome"] == "cancelled"
    assert rec["ended_at"] is not None


def test_a_stop_by_the_user_is_recorded_cancelled_not_preempted(tmp_path):
    """`pnpm launch stop` writes /results/<run>/stop-requested.json, then `modal app stop` shuts
    the container down with a signal the runner cannot tell from a preemption."""
    pid_file = tmp_path / "trainer.pid"
    slow = env_with(FIXTURE_EPOCH_SECONDS="0.3", FIXTURE_PID_FILE=str(pid_file))
    proc = _body(tmp_path, slow)
    _wait_for(tmp_path / "results/r1/checkpoints/last.pt", proc)
    marker = tmp_path / "results/r1/stop-requested.json"
    marker.write_text('{"requested_at": "2026-12-01T23:00:00.000Z", "by": "pnpm launch stop"}')
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "RETURNED" not in output, output
    assert _gone(int(pid_file.read_text()))
    rec = json.loads((tmp_path / "results/r1/run.json").read_text())
    assert rec["exit_status"] == "cancelled" and rec["attempts"][0]["outcome"] == "cancelled"
    assert "stopped by the user" in rec["message"] and rec["stop_request"]["by"]

    # a later --resume is a new launch: the old request does not apply to it
    again = _body(tmp_path, env_with(), launch_id="launch-2", resume=True)
    output, _ = again.communicate(timeout=60)
    assert again.returncode == 0 and "RETURNED succeeded" in output, output
    assert not marker.exists()
    assert "stop_request" not in json.loads((tmp_path / "results/r1/run.json").read_text())


def test_best_pt_is_the_best_of_the_run_after_two_resumes(tmp_path):
    """The trainer's early stopping restarts at -inf on resume and overwrites best.pt with the
    first epoch after it; the run's best (epoch 2 here, before the first resume) must stay."""
    cfg_text = CONFIG.format(epochs=8).replace(
        "  learning_rate: 3e-4\n",
        "  learning_rate: 3e-4\n  early_stopping:\n    metric: auroc\n    patience: 20\n",
    )
    metrics = {"FIXTURE_METRICS": "0.5,0.9,0.6,0.62,0.63,0.64,0.65,0.66"}
    hooks = Hooks(out=io.StringIO())
    ckpt = tmp_path / "results/r1/checkpoints"
    for hang in (3, 5):
        with pytest.raises(AttemptTimeUp):
            run_train(
                job(
                    tmp_path,
                    config_text=cfg_text,
                    base_env=_hang_after(hang, **metrics),
                    max_attempts=3,
                    **BUDGET,
                ),
                hooks,
            )
        assert json.loads((ckpt / "best.pt").read_text())["epoch"] == 1  # 0-based: epoch 2
    rec = run_train(
        job(tmp_path, config_text=cfg_text, base_env=env_with(**metrics), max_attempts=3), hooks
    )
    assert rec["exit_status"] == "succeeded"
    assert [a["outcome"] for a in rec["attempts"]] == ["timeout", "timeout", "completed"]
    best = json.loads((ckpt / "best.pt").read_text())
    assert (best["epoch"], best["best_metric"]) == (1, 0.9)
    assert rec["best"] == {"metric": "auroc", "mode": "max", "value": 0.9, "epoch": 2, "attempt": 1}
    assert not (ckpt / "best-of-run.pt").exists()
    log = (tmp_path / "results/r1/logs/train.log").read_text()
    assert log.count("New best auroc: 0.6000") == 1  # the trainer did overwrite it after resume


def test_patience_counts_across_resumes(tmp_path):
    """Best at epoch 2, patience 2: the trainer alone would stop after epoch 5; resumed at
    epoch 3 its counter restarts, so the runner stops it over the whole run."""
    cfg_text = CONFIG.format(epochs=10).replace(
        "  learning_rate: 3e-4\n",
        "  learning_rate: 3e-4\n  early_stopping:\n    metric: auroc\n    patience: 2\n",
    )
    metrics = {"FIXTURE_METRICS": "0.5,0.9,0.6,0.62,0.63,0.64,0.65,0.66,0.67,0.68"}
    hooks = Hooks(out=io.StringIO())
    with pytest.raises(AttemptTimeUp):
        run_train(
            job(
                tmp_path,
                config_text=cfg_text,
                base_env=_hang_after(3, **metrics),
                max_attempts=3,
                **BUDGET,
            ),
            hooks,
        )
    # Attempt 2 would sit in epoch 6 for an hour (budget 60 s): only the runner's patience,
    # decided when epoch 6 starts (epoch 5 complete), ends it before that.
    rec = run_train(
        job(
            tmp_path,
            config_text=cfg_text,
            base_env=_hang_after(5, **metrics),
            max_attempts=3,
            budget_s=60.0,
            margin_s=0.0,
        ),
        hooks,
    )
    assert rec["exit_status"] == "succeeded", rec["message"]
    assert "early stopping over the whole run" in rec["message"]
    assert rec["attempts"][-1]["epoch_reached"] == 5
    assert "Epoch 10/10" not in (tmp_path / "results/r1/logs/train.log").read_text()


def test_trainer_failure_is_recorded_not_raised(tmp_path):
    r = run_train(
        job(tmp_path, base_env=env_with(FIXTURE_FAIL_AT_EPOCH="2")), Hooks(out=io.StringIO())
    )
    assert r["exit_status"] == "failed" and r["exit_code"] == 3
    assert r["attempts"][0]["outcome"] == "failed"
    assert "simulated failure" in (tmp_path / "results/r1/logs/train.log").read_text()


def test_a_taken_run_name_is_refused_unless_resuming(tmp_path):
    run_train(job(tmp_path), Hooks(out=io.StringIO()))
    with pytest.raises(RunnerError, match="already exists"):
        run_train(job(tmp_path, launch_id="launch-2"), Hooks(out=io.StringIO()))
    r = run_train(
        job(tmp_path, launch_id="launch-2", resume=True, epochs=4), Hooks(out=io.StringIO())
    )
    assert r["exit_status"] == "succeeded" and r["attempts"][-1]["resumed_from_last_pt"]
    assert [a["launch_id"] for a in r["attempts"]] == ["launch-1", "launch-2"]


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("last_attempt", "refused"),
    [
        ({"outcome": "running", "started_at": "now", "timeout_s": 86400}, True),
        ({"outcome": "running", "started_at": "2 days ago", "timeout_s": 86400}, False),
        ({"outcome": "running", "started_at": "2 days ago", "timeout_s": None}, False),
        ({"outcome": "running", "started_at": "now", "timeout_s": None}, True),
        ({"outcome": "preempted", "ended_at": "now"}, True),
        ({"outcome": "timeout", "ended_at": "2 days ago"}, False),
    ],
)
def test_resume_is_refused_while_the_previous_attempt_may_still_run(
    tmp_path, last_attempt, refused
):
    """Decided from the record's state and Modal's hard timeout (attempts.py), no heartbeat."""
    run_train(job(tmp_path, epochs=1), Hooks(out=io.StringIO()))
    path = tmp_path / "results/r1/run.json"
    rec = json.loads(path.read_text())
    now = dt.datetime.now(dt.UTC)
    when = {"now": _iso(now), "2 days ago": _iso(now - dt.timedelta(days=2))}
    a = {**rec["attempts"][0], **last_attempt}
    for k in ("started_at", "ended_at"):
        if a.get(k) in when:
            a[k] = when[a[k]]
    status = "running" if a["outcome"] == "running" else a["outcome"]
    if a["outcome"] == "timeout":
        status = "running"
    rec.update(attempts=[a], exit_status=status, ended_at=None)
    path.write_text(json.dumps(rec))
    resumed = job(tmp_path, epochs=2, launch_id="launch-2", resume=True)
    if refused:
        with pytest.raises(RunnerError, match="may still be running"):
            run_train(resumed, Hooks(out=io.StringIO()))
        assert json.loads(path.read_text()) == rec  # the live run's record is left alone
    else:
        r = run_train(resumed, Hooks(out=io.StringIO()))
        assert r["exit_status"] == "succeeded"
        assert r["attempts"][0]["outcome"] == ("lost" if a["outcome"] == "running" else "timeout")


def test_a_restart_after_an_unrecorded_death_marks_the_attempt_lost_and_resumes(tmp_path):
    run_train(job(tmp_path, epochs=2), Hooks(out=io.StringIO()))
    path = tmp_path / "results/r1/run.json"
    rec = json.loads(path.read_text())
    rec["attempts"][0].update(outcome="running", ended_at=None)  # killed before recording
    rec.update(exit_status="running", ended_at=None)
    path.write_text(json.dumps(rec))
    r = run_train(job(tmp_path, epochs=3), Hooks(out=io.StringIO()))  # same launch: a restart
    assert [a["outcome"] for a in r["attempts"]] == ["lost", "completed"]
    assert r["attempts"][0]["epoch_reached"] == 2  # read back from its part of train.log
    assert r["attempts"][1]["resumed_from_last_pt"] is True


def test_do_train_and_do_evaluate_end_to_end(dataset, tmp_path):
    root, doc = dataset
    pin = "7504b397de24911f89b255efd468792d406dd2eb"
    spec = parse_spec(
        json.dumps(
            spec_doc(
                root, doc["version"], git_sha="abcdef1", trainer_commit=pin, trainer_dirty=True
            )
        )
    )
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
        launch_id="L",
        call_id="fc-1",
        commit=lambda: None,
        **common,
    )
    assert rec["exit_status"] == "succeeded"
    assert rec["dataset_versions"] == {"tuh": doc["version"]} and rec["git_sha"] == "abcdef1"
    assert rec["preset"] == "smoke" and rec["gpu"] == "A100-80GB"
    assert (rec["trainer_commit"], rec["trainer_dirty"]) == (pin, True)  # recorded like git_sha

    ckpt = str(tmp_path / "results/t1/checkpoints/best.pt")
    ev = do_evaluate(
        spec, run="e1", checkpoint=ckpt, split="dev", call_id=None, commit=lambda: None, **common
    )
    assert ev["exit_status"] == "succeeded"
    metrics = json.loads((tmp_path / "results/t1/evaluations/e1.json").read_text())
    assert metrics["metadata"]["files"] == 1 and metrics["metadata"]["split"] == "dev"
    assert metrics["labels"]["seizure_windows"] > 0  # scored against the dev .csv labels
    ev_rec = json.loads((tmp_path / "results/e1/run.json").read_text())
    assert ev_rec["action"] == "evaluate" and ev_rec["trainer_commit"] == pin
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
        launch_id="L",
        call_id=None,
        commit=lambda: None,
        results_root=str(tmp_path / "results"),
        staged_root=str(tmp_path / "staged"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        out=out,
    )
    assert rec["exit_status"] == "failed" and needle in rec["message"]
    assert not (tmp_path / "results/t2/checkpoints").exists()
    assert json.loads((tmp_path / "results/t2/run.json").read_text())["exit_status"] == "failed"


def test_a_refused_later_attempt_updates_the_run_record(dataset, tmp_path):
    """Attempt 1 ran (and died unrecorded); Modal's retry of the same input is refused for a
    deterministic reason (here the dataset changed under the run): the record says so instead
    of staying `running` forever. Another launch's refusal leaves the record alone."""
    root, _ = dataset
    results = tmp_path / "results"
    run_train(
        job(tmp_path, run="t3", epochs=1, results_root=str(results)), Hooks(out=io.StringIO())
    )
    path = results / "t3/run.json"
    rec = json.loads(path.read_text())
    rec["attempts"][0].update(outcome="running", ended_at=None)
    rec.update(exit_status="running", ended_at=None)
    path.write_text(json.dumps(rec))

    def attempt(launch_id: str) -> dict:
        return do_train(
            parse_spec(json.dumps(spec_doc(root, "c" * 64))),  # not the mount's version
            run="t3",
            config_path="configs/smoke.yaml",
            config_text=CONFIG.format(epochs=1),
            resume=False,
            launch_id=launch_id,
            call_id=None,
            commit=lambda: None,
            results_root=str(results),
            staged_root=str(tmp_path / "staged"),
            app_dir=str(FIXTURE_APP_DIR),
            python=sys.executable,
            out=io.StringIO(),
        )

    before = path.read_text()
    assert attempt("another-launch")["exit_status"] == "failed"
    assert path.read_text() == before  # not this launch's record to change
    r = attempt("launch-1")  # the retry of the launch that owns the record
    on_disk = json.loads(path.read_text())
    assert r == on_disk and on_disk["exit_status"] == "failed"
    assert [a["outcome"] for a in on_disk["attempts"]] == ["lost", "failed"]
    assert on_disk["attempts"][1]["why"].startswith("refused: ") and on_disk["ended_at"]


def test_the_record_matches_the_shape_the_launcher_reads(tmp_path):
    """packages/launcher/test/fixtures/run-json-attempts.json is what `pnpm launch status` is
    tested with; a record written here has the same keys."""
    from .conftest import REPO_ROOT

    fixture = json.loads(
        (REPO_ROOT / "packages/launcher/test/fixtures/run-json-attempts.json").read_text()
    )
    rec = run_train(job(tmp_path, epochs=2), Hooks(out=io.StringIO()))
    assert set(fixture) <= set(rec)  # the record may carry more; the launcher ignores extras
    assert set(rec["attempts"][0]) == set(fixture["attempts"][0])
    assert set(rec["best"]) == set(fixture["best"])
    run_record.validate(fixture)


def test_an_attempt_spent_building_the_cache_is_progress(tmp_path):
    """The shared preprocessing cache can take hours before the first epoch: a split completed
    in an attempt counts as progress (the next attempt reuses it), an unchanged cache does not."""
    from bgb_modal.cache_store import MARKER
    from bgb_modal.runner import complete_cache_splits

    cache = tmp_path / "cache" / "tuh" / "k"
    (cache / ".building" / "train").mkdir(parents=True)
    (cache / ".building" / "train" / MARKER).write_text("{}")  # not yet renamed into place
    (cache / "dev").mkdir()  # a split folder without marker is not complete
    before = complete_cache_splits(str(cache))
    assert before == frozenset()
    (cache / "train").mkdir()
    (cache / "train" / MARKER).write_text("{}")
    assert complete_cache_splits(str(cache)) - before == {"train"}


def test_a_refused_retry_of_an_evaluation_updates_its_record(dataset, tmp_path):
    """An evaluation's attempts share the function call id; a retry refused for a deterministic
    reason closes the record its first attempt left `running`."""
    root, doc = dataset
    results = tmp_path / "results"
    path = results / "e1/run.json"
    path.parent.mkdir(parents=True)
    rec = run_record.new_record(
        run="e1",
        action="evaluate",
        preset="smoke",
        config_path=None,
        config_sha256=None,
        dataset_versions={},
        git_sha=None,
        git_dirty=False,
        gpu=None,
    )
    rec["launch_id"] = "fc-eval"
    run_record.write(path, rec)  # attempt 1 died after writing this
    r = do_evaluate(
        parse_spec(json.dumps(spec_doc(root, doc["version"]))),
        run="e1",
        checkpoint=str(results / "t9/checkpoints/best.pt"),  # gone: refused
        split="dev",
        call_id="fc-eval",
        commit=lambda: None,
        results_root=str(results),
        staged_root=str(tmp_path / "staged"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        out=io.StringIO(),
    )
    on_disk = json.loads(path.read_text())
    assert r == on_disk and on_disk["exit_status"] == "failed"
    assert "does not exist" in on_disk["message"]


def test_a_resume_removes_mid_epoch_checkpoints_that_last_pt_supersedes(tmp_path):
    """The trainer resumes from its newest mid_epoch_*.pt before last.pt; one written before
    last.pt (an epoch that then completed) would make it re-train that epoch from a partial
    state. A mid-epoch file newer than last.pt (preempted mid-epoch) is kept."""
    run_train(job(tmp_path, epochs=2), Hooks(out=io.StringIO()))
    ck = tmp_path / "results/r1/checkpoints"
    last = (ck / "last.pt").stat().st_mtime_ns
    old, new = ck / "mid_epoch_002_000100.pt", ck / "mid_epoch_003_000050.pt"
    for p, t in ((old, last - 10**9), (new, last + 10**9)):
        p.write_text("{}")
        os.utime(p, ns=(t, t))
    out = io.StringIO()
    run_train(job(tmp_path, epochs=3, launch_id="launch-2", resume=True), Hooks(out=out))
    assert not old.exists() and new.exists()
    assert "removed mid_epoch_002_000100.pt: last.pt is newer" in out.getvalue()


def test_a_resume_with_another_early_stopping_metric_starts_the_best_over(tmp_path):
    cfg = CONFIG.format(epochs=2).replace(
        "  learning_rate: 3e-4\n",
        "  learning_rate: 3e-4\n  early_stopping:\n    metric: auroc\n",
    )
    r1 = run_train(job(tmp_path, config_text=cfg), Hooks(out=io.StringIO()))
    assert r1["best"]["metric"] == "auroc"
    other = cfg.replace("metric: auroc", "metric: taes\n    mode: min")
    out = io.StringIO()
    r2 = run_train(
        job(
            tmp_path,
            config_text=other.replace("epochs: 2", "epochs: 3"),
            launch_id="L2",
            resume=True,
        ),
        Hooks(out=out),
    )
    assert "early stopping now watches taes (min), not auroc (max)" in out.getvalue()
    assert r2["best"]["metric"] == "taes" and r2["best"]["mode"] == "min"
