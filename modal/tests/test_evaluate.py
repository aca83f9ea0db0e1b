"""The evaluation program (bgb_modal/evaluate_job.py) scores against the split's real labels.

It runs as a real process against the stand-in trainer package (tests/fixtures/trainer: the
trainer's module names and signatures, numpy instead of torch, no EEG processing); labels come
from TUSZ-style `.csv` files with seizures in them. The trainer's own `evaluate` gives AUROC 0.5
and sensitivity 0 here (no labels: eval/metrics.py returns 0.5 for one-class labels)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bgb_modal import run_record
from bgb_modal.cache_store import MARKER
from bgb_modal.remote import do_evaluate
from bgb_modal.spec import parse_spec
from bgb_modal.trainer_cmd import trainer_env

from .conftest import FIXTURE_APP_DIR, spec_doc, write_manifest

BACKGROUND, SEIZURE = 40, 230  # stand-in signal: one byte per second, value / 255
EVAL = {  # stem -> (seconds, seizure from, seizure to)
    "aaaaaaab_s001_t000": (64, 20, 36),
    "aaaaaaae_s002_t001": (48, 8, 16),
}


def _csv(start: int, stop: int, seconds: int) -> str:
    return (
        f"# version = csv_v1.0.0\n# duration = {seconds}.00 secs\n"
        "channel,start_time,stop_time,label,confidence\n"
        f"FP1-F7,0.0000,{start}.0000,bckg,1.0000\nFP1-F7,{start}.0000,{stop}.0000,cpsz,1.0000\n"
    )


def make_labelled_dataset(root: Path, *, labels: bool = True) -> dict:
    for split, files in (("eval", EVAL), ("dev", {"aaaaaaaa_s001_t000": (40, 8, 24)})):
        for stem, (seconds, start, stop) in files.items():
            d = root / "edf" / split / stem.split("_")[0] / "s001_2015" / "01_tcp_ar"
            d.mkdir(parents=True, exist_ok=True)
            signal = bytes(SEIZURE if start <= t < stop else BACKGROUND for t in range(seconds))
            (d / f"{stem}.edf").write_bytes(signal)
            if labels:
                (d / f"{stem}.csv").write_text(_csv(start, stop, seconds), encoding="utf-8")
    train = root / "edf/train/aaaaaaac/s001_2014/01_tcp_ar"
    train.mkdir(parents=True, exist_ok=True)
    (train / "aaaaaaac_s001_t000.edf").write_bytes(bytes([BACKGROUND] * 32))
    return write_manifest(root)


def trainer_config(data_root: Path, cache_dir: Path) -> dict:
    return {
        "data": {"data_dir": str(data_root / "edf/train"), "cache_dir": str(cache_dir)},
        "training": {"batch_size": 3},
        "evaluation": {"fa_rates": [10, 5, 1]},
    }


def write_checkpoint(path: Path, config: dict | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"epoch": 7, "model_state_dict": {"scale": 12.0, "offset": 0.5}}
    if config is not None:
        doc["config"] = config
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run_job(*args: str) -> subprocess.CompletedProcess[str]:
    env = trainer_env(
        dict(os.environ), limit_files=None, app_dir=str(FIXTURE_APP_DIR), with_jobs=True
    )
    return subprocess.run(
        [sys.executable, "-m", "bgb_modal.evaluate_job", *args],
        cwd=FIXTURE_APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def labelled(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "mount" / "tuh"
    make_labelled_dataset(root)
    return root, tmp_path / "cache"


def test_scores_the_eval_split_against_its_labels_by_default(labelled, tmp_path):
    root, cache = labelled
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(root, cache))
    out = tmp_path / "metrics.json"
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    m = json.loads(out.read_text())
    assert m["metadata"]["split"] == "eval" and m["metadata"]["files"] == len(EVAL)
    assert m["metadata"]["config_source"] == "checkpoint" and m["metadata"]["epoch"] == 7
    # Not the all-zero result (AUROC 0.5, sensitivity 0): the labels reached the metrics.
    assert m["auroc"] > 0.9
    for fa in (10.0, 5.0, 1.0):  # the trainer's key form: floats from the config
        assert m[f"sensitivity_at_{fa}fa"] > 0.5
        assert f"{fa}" in m["thresholds"]
    assert m["taes"] > 0
    assert m["labels"]["seizure_windows"] > 0 and m["labels"]["label_files"] == len(EVAL)
    assert (cache / "eval" / "aaaaaaab_s001_t000_windows.npz").is_file()
    assert "auroc" in r.stdout and str(out) in r.stdout


def test_without_label_files_it_fails_and_writes_no_metrics(tmp_path):
    root = tmp_path / "mount" / "tuh"
    make_labelled_dataset(root, labels=False)
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(root, tmp_path / "cache"))
    out = tmp_path / "metrics.json"
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(out))
    assert r.returncode == 3
    assert "no label file for any of the 2 EDF files of split 'eval'" in r.stdout
    assert not out.exists()


def test_a_split_whose_labels_hold_no_seizure_fails(labelled, tmp_path):
    root, cache = labelled
    for csv in (root / "edf/eval").rglob("*.csv"):
        csv.write_text(csv.read_text().replace("cpsz", "bckg"), encoding="utf-8")
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(root, cache))
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(tmp_path / "m.json"))
    assert r.returncode == 3 and "hold no seizure sample" in r.stdout


def test_cached_windows_without_labels_are_refused(labelled, tmp_path):
    """A cache filled by the trainer's own `evaluate` (no label files) has no labels member."""
    import numpy as np

    root, cache = labelled
    split_cache = cache / "eval"
    split_cache.mkdir(parents=True)
    for stem, (seconds, _, _) in EVAL.items():
        np.savez_compressed(
            split_cache / f"{stem}_windows.npz", windows=np.zeros((seconds // 8, 1, 8), np.float32)
        )
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(root, cache))
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(tmp_path / "m.json"))
    assert r.returncode == 3 and "no labels.npy" in r.stdout and str(split_cache) in r.stdout


def test_a_checkpoint_without_config_needs_config(labelled, tmp_path):
    root, cache = labelled
    ckpt = write_checkpoint(tmp_path / "mid_epoch_3.pt", None)
    out = tmp_path / "m.json"
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(out))
    assert r.returncode == 2 and "pass --config" in r.stdout and not out.exists()
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump(trainer_config(root, cache)), encoding="utf-8")
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stdout
    assert json.loads(out.read_text())["metadata"]["config_source"] == str(cfg)


def test_data_root_and_cache_dir_override_the_checkpoint_paths(labelled, tmp_path):
    root, _ = labelled
    # trained with the dataset at /data/tuh: the evaluation maps it to where it is now
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(Path("/data/tuh"), Path("/x")))
    out, cache = tmp_path / "m.json", tmp_path / "shared"
    r = run_job(
        "--checkpoint", str(ckpt), "--output-json", str(out), "--split", "dev",
        "--data-root", str(root), "--cache-dir", str(cache),
    )  # fmt: skip
    assert r.returncode == 0, r.stdout
    meta = json.loads(out.read_text())["metadata"]
    assert meta["data_dir"] == f"{root}/edf/train" and meta["cache_dir"] == f"{cache}/dev"


def test_unknown_split_is_a_usage_error(labelled, tmp_path):
    root, cache = labelled
    ckpt = write_checkpoint(tmp_path / "best.pt", trainer_config(root, cache))
    r = run_job("--checkpoint", str(ckpt), "--output-json", str(tmp_path / "m"), "--split", "val")
    assert r.returncode == 2 and "split 'val' does not exist" in r.stdout


# ---- through the Modal function body: run.json, the shared cache, the evaluations/ path ----


def _spec(root: Path, version: str):
    return parse_spec(json.dumps(spec_doc(root, version, limit_files=None)))


def _training_run(results: Path, root: Path, run: str = "t1") -> str:
    """What a training run leaves: its effective config and a checkpoint with a config."""
    rd = results / run
    rd.mkdir(parents=True)
    cfg = trainer_config(root, results / "unused")
    (rd / "config.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return str(write_checkpoint(rd / "checkpoints" / "best.pt", cfg))


def _evaluate(spec, tmp_path: Path, run: str, ckpt: str, split: str = "eval") -> tuple[dict, str]:
    out = io.StringIO()
    rec = do_evaluate(
        spec,
        run=run,
        checkpoint=ckpt,
        split=split,
        call_id=None,
        commit=lambda: None,
        results_root=str(tmp_path / "results"),
        staged_root=str(tmp_path / "staged"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        base_env=dict(os.environ),
        out=out,
    )
    return rec, out.getvalue()


def test_evaluate_action_writes_metrics_and_shares_the_split_cache(labelled, tmp_path):
    root, _ = labelled
    doc = json.loads((root / ".bgb-manifest.json").read_text())
    spec = _spec(root, doc["version"])
    ckpt = _training_run(tmp_path / "results", root)

    rec, log = _evaluate(spec, tmp_path, "e1", ckpt)
    assert rec["exit_status"] == "succeeded", log
    metrics = json.loads((tmp_path / "results/t1/evaluations/e1.json").read_text())
    assert metrics["auroc"] > 0.9 and metrics["metadata"]["split"] == "eval"
    on_disk = json.loads((tmp_path / "results/e1/run.json").read_text())
    run_record.validate(on_disk)
    assert on_disk["exit_status"] == "succeeded" and on_disk["split"] == "eval"
    # the eval windows went into the shared cache of this dataset version, marked complete
    shared = Path(rec["cache"]["dir"])
    assert shared.parent == tmp_path / "results/cache/tuh"
    assert shared.name.startswith(doc["version"][:12] + "-")
    assert json.loads((shared / "eval" / MARKER).read_text())["files"] == len(EVAL)
    assert rec["cache"]["splits"] == {"eval": {"action": "built", "built_by": "e1"}}

    rec2, log2 = _evaluate(spec, tmp_path, "e2", ckpt)
    assert rec2["exit_status"] == "succeeded"
    assert f"preprocessing cache tuh/{shared.name}/eval: reused" in log2
    assert "building the preprocessing cache" not in log2
    assert "reused" in (tmp_path / "results/e2/logs/evaluate.log").read_text()


def test_evaluate_action_without_labels_is_recorded_failed(tmp_path):
    root = tmp_path / "mount" / "tuh"
    doc = make_labelled_dataset(root, labels=False)
    spec = _spec(root, doc["version"])
    ckpt = _training_run(tmp_path / "results", root)
    rec, log = _evaluate(spec, tmp_path, "e1", ckpt)
    assert rec["exit_status"] == "failed" and rec["exit_code"] == 3, log
    assert "no label file" in log
    assert json.loads((tmp_path / "results/e1/run.json").read_text())["exit_status"] == "failed"
    assert not (tmp_path / "results/t1/evaluations/e1.json").exists()


def test_the_app_evaluates_the_held_out_split_unless_told_otherwise():
    from bgb_modal.entry import parse_args

    ckpt = "/results/t1/checkpoints/best.pt"
    assert parse_args(["--action", "evaluate", "--checkpoint", ckpt]).split == "eval"
    assert (
        parse_args(["--action", "evaluate", "--checkpoint", ckpt, "--split", "dev"]).split == "dev"
    )
