"""The trainer API that bgb_modal's cache builder and evaluation program call exists in the
pinned trainer with the parameters they pass, and the stand-in (tests/fixtures/trainer) has the
same signatures. Read from source with `ast` (the trainer needs torch and CUDA to import); runs
when the trainer checkout is at vendor/brain-go-brr-v2, skipped with the reason otherwise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import FIXTURE_APP_DIR, REPO_ROOT

TRAINER = REPO_ROOT / "vendor" / "brain-go-brr-v2"

# (module file under src/, function or Class.method, parameters our code passes, in order)
CALLS = [
    ("brain_brr/data/tusz_splits.py", "get_tusz_official_splits", ["data_root", "split", "verbose"]),
    ("brain_brr/data/datasets.py", "EEGWindowDataset.__init__", ["self", "edf_files", "label_files", "cache_dir"]),
    ("brain_brr/data/cache_utils.py", "scan_existing_cache", ["cache_dir"]),
    ("brain_brr/train/loop.py", "validate_epoch", ["model", "dataloader", "post_config", "device", "fa_rates"]),
    ("brain_brr/eval/metrics.py", "evaluate_predictions", ["probs", "labels", "fa_rates", "post_cfg", "sampling_rate"]),
    ("brain_brr/config/schemas.py", "Config.from_yaml", ["cls", "path"]),
]  # fmt: skip


def _find(tree: ast.Module, dotted: str) -> ast.FunctionDef | None:
    scope: list[ast.stmt] = tree.body
    *outer, name = dotted.split(".")
    for cls in outer:
        found = [n for n in scope if isinstance(n, ast.ClassDef) and n.name == cls]
        if not found:
            return None
        scope = found[0].body
    return next((n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _params(root: Path, module: str, dotted: str) -> list[str]:
    tree = ast.parse((root / "src" / module).read_text(encoding="utf-8"))
    fn = _find(tree, dotted)
    assert fn is not None, f"{module}: no {dotted}"
    return [a.arg for a in fn.args.args]


def _require_trainer() -> None:
    if not (TRAINER / "src" / "brain_brr").is_dir():
        pytest.skip(f"trainer checkout absent at {TRAINER} (clone it as README.md says)")


@pytest.mark.parametrize(("module", "dotted", "passed"), CALLS)
def test_the_pinned_trainer_takes_what_we_pass(module, dotted, passed):
    _require_trainer()
    real = _params(TRAINER, module, dotted)
    assert real[: len(passed)] == passed


@pytest.mark.parametrize(("module", "dotted", "passed"), CALLS)
def test_the_standin_has_the_trainers_signature(module, dotted, passed):
    assert _params(FIXTURE_APP_DIR, module, dotted)[: len(passed)] == passed


def test_the_trainer_facts_the_cache_and_evaluation_rely_on():
    _require_trainer()
    src = TRAINER / "src" / "brain_brr"
    datasets = (src / "data/datasets.py").read_text(encoding="utf-8")
    # one npz per EDF with windows and labels, and an index trusted by file names
    assert 'f"{edf_path.stem}_windows.npz"' in datasets
    assert "np.savez_compressed(cache_path, windows=windows_arr, labels=labels_arr)" in datasets
    assert '"_dataset_index.json"' in datasets
    assert '"manifest.json"' in (src / "data/cache_utils.py").read_text(encoding="utf-8")
    # the loop's cache folders and limit rule, which split_files.py and the key follow
    loop = (src / "train/loop.py").read_text(encoding="utf-8")
    assert 'train_cache_dir = data_cache_root / "train"' in loop
    assert (
        'val_split_name = "dev" if config.data.split_policy == "official_tusz" else "val"' in loop
    )
    assert "val_limit = max(1, min(len(val_files), max(1, limit // 5)))" in loop
    # validate_epoch scores with eval/metrics.py's evaluate_predictions
    fn = _find(ast.parse(loop), "validate_epoch")
    assert fn is not None
    called = {
        n.func.id for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert "evaluate_predictions" in called
    # the trainer's own evaluate reads no label files: the reason for evaluate_job.py
    cli = (src / "cli/cli.py").read_text(encoding="utf-8")
    assert "dataset = EEGWindowDataset(\n            edf_files,\n            cache_dir=" in cli
