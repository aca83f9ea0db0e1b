"""Pre-flight checks. There is no GPU here: the no-GPU case runs for real, a GPU machine is
stood in for by a tiny fake `nvidia-smi` on PATH, and the Mamba2 probe runs for real in this
venv's Python against stand-in `torch` and `mamba_ssm` packages (tests/fixtures/gpu_python)
that fail the ways the real ones do (no mocks of the subprocess module)."""

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bgb_modal.check import (
    GPU_NAMES,
    check_gpu,
    check_mamba,
    check_trainer_configs,
    gpu_matches,
    run_checks,
)
from bgb_modal.remote import do_check
from bgb_modal.spec import parse_spec

from .conftest import FIXTURE_APP_DIR, MODAL_DIR, REPO_ROOT, spec_doc

GPU_PYTHON = MODAL_DIR / "tests" / "fixtures" / "gpu_python"


def fake_bin(tmp_path: Path, name: str, script: str) -> Path:
    d = tmp_path / "bin"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text("#!/bin/sh\n" + script)
    p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return d


def test_gpu_matching_is_exact():
    assert gpu_matches("A100-80GB", "NVIDIA A100-SXM4-80GB")
    assert gpu_matches("a100-80gb:2", "NVIDIA A100 80GB PCIe")  # Modal's strings: any case
    assert not gpu_matches("A100-80GB", "NVIDIA A100-SXM4-40GB")
    assert gpu_matches("A100", "NVIDIA A100-SXM4-40GB")
    assert gpu_matches("H100", "NVIDIA H100 80GB HBM3")
    assert gpu_matches("H100", "NVIDIA H200")  # Modal may serve an H100 request with an H200
    assert not gpu_matches("H100!", "NVIDIA H200")
    assert not gpu_matches("H100", "NVIDIA A100-SXM4-80GB")
    # the substring matches that the old check accepted
    assert gpu_matches("A10", "NVIDIA A10G")
    assert not gpu_matches("A10", "NVIDIA A100-SXM4-80GB")
    assert gpu_matches("L4", "NVIDIA L4")
    assert not gpu_matches("L4", "NVIDIA L40S")
    # every Modal type accepts only its own names
    for gpu_type, names in GPU_NAMES.items():
        for other, other_names in GPU_NAMES.items():
            for name in other_names:
                if name not in names:
                    assert not gpu_matches(gpu_type, name), (gpu_type, other, name)


@pytest.mark.parametrize(
    ("expected", "smi", "ok", "detail"),
    [
        ("A10", "NVIDIA A100-SXM4-80GB, 81920", False, "expected A10"),
        ("L4", "NVIDIA L40S, 46068", False, "expected L4"),
        ("L40S", "NVIDIA L40S, 46068", True, "NVIDIA L40S"),
        ("A100-80GB:2", "NVIDIA A100-SXM4-80GB, 81920", False, "1 GPUs, expected A100-80GB:2"),
        ("A100-80G", "NVIDIA A100-SXM4-80GB, 81920", False, "unknown GPU type 'A100-80G'"),
    ],
)
def test_check_gpu_reads_nvidia_smi_exactly(tmp_path, monkeypatch, expected, smi, ok, detail):
    d = fake_bin(tmp_path, "nvidia-smi", f'echo "{smi}"\n')
    monkeypatch.setenv("PATH", f"{d}:{os.environ['PATH']}")
    r = check_gpu(expected)
    assert r.ok is ok and detail in r.detail, r.line()


def _probe(monkeypatch, mode: str | None) -> object:
    monkeypatch.setenv("PYTHONPATH", str(GPU_PYTHON))
    if mode:
        monkeypatch.setenv("BGB_STANDIN_MAMBA", mode)
    return check_mamba(sys.executable)


def test_mamba2_check_passes_a_working_forward_and_backward(monkeypatch):
    r = _probe(monkeypatch, None)
    assert r.ok, r.line()
    assert r.name == "mamba2" and "forward+backward under autocast" in r.detail
    assert "node (38, 960, 64) float16" in r.detail and "edge (342, 960, 16) float16" in r.detail


@pytest.mark.parametrize(
    ("mode", "stage", "fallback"),
    [
        ("import-error", "import: ImportError: selective_scan_cuda", True),
        ("construct-error", "node construct: RuntimeError", True),
        ("no-causal-conv1d", "node forward: AttributeError: 'NoneType' object", True),
        ("backward-error", "node backward: RuntimeError: Triton Error", False),
        ("nan-grad", "node backward: non-finite gradient", False),
        ("no-cuda", "cuda: CUDA not available", True),
    ],
)
def test_mamba2_check_fails_where_the_trainer_would_fall_back_or_fail(
    monkeypatch, mode, stage, fallback
):
    r = _probe(monkeypatch, mode)
    assert not r.ok and r.detail.startswith(stage), r.line()
    assert ("silently use its Conv1d fallback" in r.detail) is fallback, r.line()
    assert r.line().startswith("CHECK FAIL mamba2: ")


def test_mamba2_check_fails_when_the_fallback_is_forced(monkeypatch):
    monkeypatch.setenv("SEIZURE_MAMBA_FORCE_FALLBACK", "1")
    r = _probe(monkeypatch, None)
    assert not r.ok and "SEIZURE_MAMBA_FORCE_FALLBACK=1" in r.detail


def test_no_gpu_here_fails_the_gpu_and_mamba_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi, as on this machine
    r = check_gpu("A100-80GB")
    assert not r.ok and "nvidia-smi not found" in r.detail
    monkeypatch.delenv("PYTHONPATH", raising=False)
    m = check_mamba(sys.executable)  # this venv has no torch / mamba_ssm
    assert not m.ok and "No module named 'torch'" in m.detail


def test_all_checks_pass_on_a_fake_gpu_machine(dataset, tmp_path, monkeypatch):
    root, doc = dataset
    d = fake_bin(tmp_path, "nvidia-smi", 'echo "NVIDIA A100-SXM4-80GB, 81920"\n')
    monkeypatch.setenv("PATH", f"{d}:{os.environ['PATH']}")
    monkeypatch.setenv("PYTHONPATH", str(GPU_PYTHON))
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"])))
    lines: list[str] = []
    results = run_checks(
        gpu=spec.gpu,
        datasets=spec.datasets,
        results_root=str(tmp_path / "results"),
        run="c1",
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        emit=lines.append,
        configs_dir=str(tmp_path / "no-configs"),
    )
    assert all(r.ok for r in results), lines
    names = [r.name for r in results]
    assert names == [
        "gpu",
        "mamba2",
        "trainer-source",
        "trainer-config",
        "mount tuh",
        "manifest tuh",
        "results",
    ]
    assert all(line.startswith("CHECK ok ") for line in lines)
    assert lines[-1] == "CHECK ok summary: 7/7 passed"
    assert not list((tmp_path / "results" / "c1").iterdir())  # the write probe is removed


def test_do_check_fails_on_a_bad_file_and_records_it(dataset, tmp_path):
    root, doc = dataset
    victim = root / doc["files"][0]["key"]
    victim.write_bytes(bytes(victim.stat().st_size))
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"])))
    out = io.StringIO()
    rec = do_check(
        spec,
        run="c2",
        commit=lambda: None,
        results_root=str(tmp_path / "results"),
        app_dir=str(FIXTURE_APP_DIR),
        python=sys.executable,
        out=out,
    )
    lines = out.getvalue().splitlines()
    assert rec["exit_status"] == "failed" and rec["exit_code"] == 1
    assert any(x.startswith("CHECK FAIL manifest tuh") and "sha256" in x for x in lines)
    assert any(x.startswith("CHECK ok results") for x in lines)
    assert json.loads((tmp_path / "results/c2/run.json").read_text())["checks"] == lines[:-1]


# --- the trainer's own schema on the image's training configs ---------------------------------

STAND_IN_SCHEMA = """
from pathlib import Path
from pydantic import BaseModel, ConfigDict, Field

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

class Data(Strict):
    data_dir: Path = Path("data")
    cache_dir: Path = Path("cache")

class Experiment(Strict):
    output_dir: Path = Path("results")
    cache_dir: Path = Path("cache")

class Training(Strict):
    epochs: int = Field(default=1, ge=1, le=200)

class Config(Strict):
    data: Data = Field(default_factory=Data)
    experiment: Experiment = Field(default_factory=Experiment)
    training: Training = Field(default_factory=Training)
"""


@pytest.fixture(scope="module")
def pydantic_python() -> str:
    """The launcher's small venv with the trainer's pydantic (scripts/trainer-check-venv.sh)."""
    r = subprocess.run(
        ["sh", str(REPO_ROOT / "scripts" / "trainer-check-venv.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr[-500:]
    return r.stdout.strip().splitlines()[-1]


def _app_with_schema(tmp_path: Path) -> Path:
    schema = tmp_path / "app" / "src" / "brain_brr" / "config" / "schemas.py"
    schema.parent.mkdir(parents=True)
    schema.write_text(STAND_IN_SCHEMA, encoding="utf-8")
    return tmp_path / "app"


def test_trainer_config_check_runs_the_trainers_schema(tmp_path, pydantic_python):
    app = _app_with_schema(tmp_path)
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "launch.yaml").write_text("presets: {}\n")  # a project file: not checked
    (configs / "smoke.yaml").write_text("training:\n  epochs: 2\n")
    ok = check_trainer_configs(
        str(app), str(configs), run="c3", data_root="/data/tuh", python=pydantic_python
    )
    assert ok.ok and ok.detail == "smoke.yaml: accepted by the trainer's Config", ok.line()
    (configs / "bad.yaml").write_text("training:\n  epochs: 0\n  compile_model: true\n")
    bad = check_trainer_configs(
        str(app), str(configs), run="c3", data_root="/data/tuh", python=pydantic_python
    )
    assert not bad.ok and bad.detail.startswith("bad.yaml: training."), bad.line()
    assert "(+1 more)" in bad.detail, bad.line()
    nothing = check_trainer_configs(str(app), str(tmp_path / "none"), run="c3", data_root="/d")
    assert nothing.ok and "no training config" in nothing.detail


def test_trainer_config_check_fails_without_the_trainers_schema(tmp_path, pydantic_python):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "smoke.yaml").write_text("training:\n  epochs: 2\n")
    r = check_trainer_configs(
        str(FIXTURE_APP_DIR), str(configs), run="c4", data_root="/d", python=pydantic_python
    )
    assert not r.ok and "schemas.py" in r.detail, r.line()


TRAINER = REPO_ROOT / "vendor" / "brain-go-brr-v2"


@pytest.mark.skipif(not (TRAINER / "src").is_dir(), reason="trainer checkout (vendor/) absent")
def test_the_projects_training_configs_pass_the_pinned_trainers_schema(pydantic_python):
    r = check_trainer_configs(
        str(TRAINER),
        str(REPO_ROOT / "configs"),
        run="c5",
        data_root="/data/tuh",
        python=pydantic_python,
    )
    assert r.ok, r.line()
