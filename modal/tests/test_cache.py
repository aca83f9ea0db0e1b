"""The shared preprocessing cache: one per (dataset version, settings), built once, never shown
half-built. A tmp directory stands in for the results volume (on a local disk the O_EXCL lock
is exact; on Modal it is advisory and the marker + rename keep the cache consistent: see
bgb_modal/cache_store.py). The cache builder runs the stand-in trainer (tests/fixtures/trainer)."""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from bgb_modal.cache_check import BUILD_REPORT, npz_problem, verify_build
from bgb_modal.cache_key import cache_key
from bgb_modal.cache_store import (
    BUILDING,
    MARKER,
    CacheError,
    Timing,
    ensure_split,
    lock_path,
)
from bgb_modal.remote import do_train
from bgb_modal.spec import parse_spec

from .conftest import FIXTURE_APP_DIR, MODAL_DIR, make_dataset, spec_doc

V = "ab" * 32
CFG = {"data": {"data_dir": "/data/edf/train"}, "preprocessing": {"bandpass": [0.5, 120]}}


# ---- the key ----


def test_same_data_and_settings_share_one_directory():
    a = cache_key("/results", "tuh", V, CFG, limit_files=None)
    b = cache_key("/results", "tuh", V, json.loads(json.dumps(CFG)), limit_files=None)
    assert a.path == b.path
    assert str(a.path) == f"/results/cache/tuh/{V[:12]}-{a.digest[:12]}"
    # the run's own paths and unrelated settings do not split the cache
    other = {**CFG, "training": {"epochs": 3}, "experiment": {"output_dir": "/results/x"}}
    assert cache_key("/results", "tuh", V, other, limit_files=None).path == a.path
    # official_tusz ignores split_seed/validation_split (it reads edf/<split>)
    seeded = {"data": {**CFG["data"], "split_seed": 7}, "preprocessing": CFG["preprocessing"]}
    assert cache_key("/results", "tuh", V, seeded, limit_files=None).path == a.path


@pytest.mark.parametrize(
    "change",
    [
        {"version": "cd" * 32},
        {"limit_files": 50},  # a smoke run's manifest would shrink a full run's train/
        {"cfg": {**CFG, "preprocessing": {"bandpass": [1.0, 100]}}},
        {"cfg": {"data": {**CFG["data"], "split_policy": "custom", "split_seed": 1}}},
        {"trainer_commit": "7504b397de24911f89b255efd468792d406dd2eb"},
    ],
)
def test_other_data_or_settings_get_another_directory(change):
    base = cache_key("/results", "tuh", V, CFG, limit_files=None)
    other = cache_key(
        "/results",
        "tuh",
        change.get("version", V),
        change.get("cfg", CFG),
        limit_files=change.get("limit_files"),
        trainer_commit=change.get("trainer_commit"),
    )
    assert other.path != base.path


# ---- one split: marker, build directory, lock ----


def write_split(d: Path, stems: list[str], *, labels: bool = True) -> None:
    d.mkdir(parents=True, exist_ok=True)
    for s in stems:
        arrays = {"windows": np.zeros((2, 1, 8), np.float32)}
        if labels:
            arrays["labels"] = np.ones((2, 8), np.float32)
        np.savez_compressed(d / f"{s}_windows.npz", **arrays)
    (d / "_dataset_index.json").write_text("{}", encoding="utf-8")
    (d / BUILD_REPORT).write_text(json.dumps({"files": stems, "windows": 2 * len(stems)}))


def test_a_split_is_built_once_then_reused(tmp_path):
    calls: list[Path] = []

    def build(into: Path) -> None:
        calls.append(into)
        write_split(into, ["a", "b"])

    out = io.StringIO()
    first = ensure_split(tmp_path, "dev", owner="r1", build=build, verify=verify_build, out=out)
    assert first.action == "built" and calls == [tmp_path / BUILDING / "dev"]
    assert first.marker["files"] == 2 and first.marker["built_by"] == "r1"
    assert not (tmp_path / BUILDING / "dev").exists() and not lock_path(tmp_path, "dev").exists()
    again = ensure_split(tmp_path, "dev", owner="r2", build=build, verify=verify_build, out=out)
    assert again.action == "reused" and again.path == tmp_path / "dev" and len(calls) == 1


def test_a_failed_build_is_never_presented_and_the_next_run_continues_it(tmp_path):
    def dies(into: Path) -> None:
        write_split(into, ["a"])
        (into / BUILD_REPORT).unlink()
        raise CacheError("container died")

    with pytest.raises(CacheError, match="died"):
        ensure_split(
            tmp_path, "train", owner="r1", build=dies, verify=verify_build, out=io.StringIO()
        )
    assert not (tmp_path / "train").exists()  # nothing looks complete
    assert not lock_path(tmp_path, "train").exists()
    kept = tmp_path / BUILDING / "train" / "a_windows.npz"
    assert kept.is_file()  # the work done so far is kept for the next build

    seen: list[bool] = []

    def continues(into: Path) -> None:
        seen.append((into / "a_windows.npz").is_file())
        write_split(into, ["a", "b"])

    o = ensure_split(
        tmp_path, "train", owner="r2", build=continues, verify=verify_build, out=io.StringIO()
    )
    assert o.action == "built" and seen == [True]


def test_verify_refuses_cut_short_or_unlabelled_windows(tmp_path):
    d = tmp_path / "b"
    write_split(d, ["a", "b", "c"])
    cut = d / "b_windows.npz"
    cut.write_bytes(cut.read_bytes()[:-30])  # a file published mid-write
    write_split(d / "x", ["c"], labels=False)
    os.replace(d / "x" / "c_windows.npz", d / "c_windows.npz")
    assert "unreadable" in (npz_problem(cut) or "")
    with pytest.raises(CacheError) as e:
        verify_build(d)
    assert "2 problem(s)" in str(e.value) and "b: unreadable" in str(e.value)
    assert "c: no labels.npy" in str(e.value)


def test_a_split_folder_without_marker_is_not_trusted(tmp_path):
    write_split(tmp_path / "train", ["a"])  # e.g. filled by hand or by an older deploy
    with pytest.raises(CacheError, match=r"exists without \.bgb-complete\.json"):
        ensure_split(
            tmp_path,
            "train",
            owner="r",
            build=lambda d: None,
            verify=verify_build,
            out=io.StringIO(),
        )


def test_a_stale_lock_is_taken_over(tmp_path):
    lock_path(tmp_path, "dev").write_text(json.dumps({"owner": "dead-run", "heartbeat": 100.0}))
    out = io.StringIO()
    o = ensure_split(
        tmp_path,
        "dev",
        owner="r2",
        build=lambda d: write_split(d, ["a"]),
        verify=verify_build,
        out=out,
        timing=Timing(stale_s=900),
        now=lambda: 100.0 + 901,
    )
    assert o.action == "built" and "taking over the stale build of dead-run" in out.getvalue()


def test_a_fresh_lock_of_another_run_is_waited_for(tmp_path):
    lock_path(tmp_path, "dev").write_text(json.dumps({"owner": "r1", "heartbeat": 100.0}))
    sleeps: list[float] = []

    def other_run_finishes(s: float) -> None:  # the other run completes while we wait
        sleeps.append(s)
        write_split(tmp_path / "dev", ["a"])
        (tmp_path / "dev" / MARKER).write_text(json.dumps({"files": 1, "built_by": "r1"}))

    out = io.StringIO()
    o = ensure_split(
        tmp_path,
        "dev",
        owner="r2",
        build=lambda d: pytest.fail("must not build"),
        verify=verify_build,
        out=out,
        timing=Timing(poll_s=7),
        sleep=other_run_finishes,
        now=lambda: 150.0,
    )
    assert o.action == "waited" and sleeps == [7] and "being built by r1; waiting" in out.getvalue()


# ---- two runs at once, as two processes on one directory ----


def _pump(proc: subprocess.Popen[str], name: str, q: queue.Queue[tuple[str, str]]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        q.put((name, line))
    q.put((name, ""))


def test_two_concurrent_runs_build_the_cache_once(dataset, tmp_path):
    root, doc = dataset
    results, gate, built = tmp_path / "results", tmp_path / "gate", tmp_path / "built.log"
    env = {**os.environ, "STANDIN_BUILD_GATE": str(gate), "STANDIN_BUILD_LOG": str(built)}
    racer = MODAL_DIR / "tests" / "fixtures" / "cache" / "racer.py"
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(racer), str(results), str(root), doc["version"], name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("run-a", "run-b")
    }
    q: queue.Queue[tuple[str, str]] = queue.Queue()
    for name, p in procs.items():
        threading.Thread(target=_pump, args=(p, name, q), daemon=True).start()
    lines: dict[str, list[str]] = {n: [] for n in procs}
    open_streams = set(procs)
    while open_streams:
        name, line = q.get(timeout=120)  # a safety net, not a measurement
        if not line:
            open_streams.discard(name)
            continue
        lines[name].append(line)
        if "; waiting" in line:
            gate.touch()  # one run waits for the other's build: let that build finish
    for p in procs.values():
        assert p.wait(timeout=60) == 0
    results_of = {n: json.loads(ls[-1])["splits"] for n, ls in lines.items()}
    # each split built by exactly one run; the other waited for it (or found it done). Which run
    # builds dev depends on who reaches its lock first once train is done.
    for split in ("train", "dev"):
        actions = sorted(r[split] for r in results_of.values())
        assert actions in (["built", "waited"], ["built", "reused"]), (split, results_of)
    assert sorted(r["train"] for r in results_of.values()) == ["built", "waited"]
    # every EDF of train and dev was preprocessed exactly once
    names = [line.split()[1] for line in built.read_text().splitlines()]
    assert sorted(names) == sorted(p.name for p in root.glob("edf/[td][re]*/**/*.edf"))
    builds = [x for ls in lines.values() for x in ls if "[racer] building the preprocessing" in x]
    assert len(builds) == 2
    key_dirs = list((results / "cache" / "tuh").iterdir())
    assert len(key_dirs) == 1 and sorted(p.name for p in key_dirs[0].iterdir()) == [
        BUILDING,
        "dev",
        "train",
    ]
    assert not list((key_dirs[0] / BUILDING).iterdir())


# ---- through the train function body: a second run starts without rebuilding ----


CONFIG = """\
data:
  dataset: tuh_eeg
  data_dir: /data/edf/train
training:
  epochs: 1
experiment:
  output_dir: /results/whatever
"""


def _train(spec, tmp_path: Path, run: str, env: dict[str, str]) -> tuple[dict, str]:
    out = io.StringIO()
    rec = do_train(
        spec,
        run=run,
        config_path="configs/smoke.yaml",
        config_text=CONFIG,
        resume=False,
        launch_id=f"L-{run}",
        call_id=None,
        commit=lambda: None,
        results_root=str(tmp_path / "results"),
        staged_root=str(tmp_path / "staged"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        base_env=env,
        out=out,
    )
    return rec, out.getvalue()


def test_a_second_run_reuses_the_cache_and_says_so(tmp_path):
    root = tmp_path / "mount" / "tuh"
    doc = make_dataset(root)
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"], limit_files=None)))
    built = tmp_path / "built.log"
    env = {**os.environ, "STANDIN_BUILD_LOG": str(built)}
    env = {k: v for k, v in env.items() if not k.startswith("FIXTURE_")}

    first, log1 = _train(spec, tmp_path, "t1", env)
    assert first["exit_status"] == "succeeded", log1
    n_built = len(built.read_text().splitlines())
    assert n_built == 4  # 3 train + 1 dev EDF files of the dataset
    shared = Path(first["cache"]["dir"])
    assert first["cache"]["splits"] == {
        "train": {"action": "built", "built_by": "t1@L-t1"},
        "dev": {"action": "built", "built_by": "t1@L-t1"},
    }

    second, log2 = _train(spec, tmp_path, "t2", env)
    assert second["exit_status"] == "succeeded", log2
    assert len(built.read_text().splitlines()) == n_built  # nothing preprocessed again
    assert second["cache"]["dir"] == str(shared)
    run_log = (tmp_path / "results/t2/logs/train.log").read_text()
    for split in ("train", "dev"):
        line = f"preprocessing cache tuh/{shared.name}/{split}: reused, no rebuild"
        assert line in run_log and "built by t1@L-t1" in run_log
    # the trainer was pointed at the shared cache, both keys
    assert f"data.cache_dir {shared}" in run_log and f"experiment.cache_dir {shared}" in run_log
    assert not (tmp_path / "results/t2/cache").exists()


def test_the_pinned_trainer_commit_is_part_of_the_key(tmp_path):
    """Its preprocessing code writes the windows: another trainer commit, another cache."""
    import yaml

    root = tmp_path / "mount" / "tuh"
    doc = make_dataset(root)
    pin = "7504b397de24911f89b255efd468792d406dd2eb"
    spec = parse_spec(
        json.dumps(spec_doc(root, doc["version"], limit_files=None, trainer_commit=pin))
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIXTURE_")}
    rec, log = _train(spec, tmp_path, "t1", env)
    assert rec["exit_status"] == "succeeded", log
    cfg = yaml.safe_load(CONFIG)
    want = cache_key(
        str(tmp_path / "results"), "tuh", doc["version"], cfg, limit_files=None, trainer_commit=pin
    )
    unpinned = cache_key(str(tmp_path / "results"), "tuh", doc["version"], cfg, limit_files=None)
    assert rec["cache"]["dir"] == str(want.path) != str(unpinned.path)
