"""Pre-flight checks. There is no GPU here: the no-GPU case runs for real, and a GPU machine is
stood in for by tiny fake `nvidia-smi` and `python` executables on PATH (real processes,
no mocks of the subprocess module)."""

import io
import json
import os
import stat
import sys
from pathlib import Path

from bgb_modal.check import check_gpu, check_mamba, gpu_matches, run_checks
from bgb_modal.remote import do_check
from bgb_modal.spec import parse_spec

from .conftest import FIXTURE_APP_DIR, spec_doc


def fake_bin(tmp_path: Path, name: str, script: str) -> Path:
    d = tmp_path / "bin"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text("#!/bin/sh\n" + script)
    p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return d


def test_gpu_matching():
    assert gpu_matches("A100-80GB", "NVIDIA A100-SXM4-80GB", 81920)
    assert not gpu_matches("A100-80GB", "NVIDIA A100-SXM4-40GB", 40960)
    assert gpu_matches("H100", "NVIDIA H100 80GB HBM3", 81559)
    assert not gpu_matches("H100", "NVIDIA A100-SXM4-80GB", 81920)


def test_no_gpu_here_fails_the_gpu_and_mamba_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi, as on this machine
    r = check_gpu("A100-80GB")
    assert not r.ok and "nvidia-smi not found" in r.detail
    m = check_mamba(sys.executable)  # this venv has no torch / mamba_ssm
    assert not m.ok and "torch" in m.detail


def test_all_checks_pass_on_a_fake_gpu_machine(dataset, tmp_path, monkeypatch):
    root, doc = dataset
    d = fake_bin(tmp_path, "nvidia-smi", 'echo "NVIDIA A100-SXM4-80GB, 81920"\n')
    fake_bin(tmp_path, "python", 'echo "forward (2, 64, 16) backward grad-norm 0.1"\n')
    monkeypatch.setenv("PATH", f"{d}:{os.environ['PATH']}")
    spec = parse_spec(json.dumps(spec_doc(root, doc["version"])))
    lines: list[str] = []
    results = run_checks(
        gpu=spec.gpu,
        datasets=spec.datasets,
        results_root=str(tmp_path / "results"),
        run="c1",
        app_dir=str(FIXTURE_APP_DIR),
        python=str(d / "python"),
        emit=lines.append,
    )
    assert all(r.ok for r in results), lines
    names = [r.name for r in results]
    assert names == ["gpu", "mamba-ssm", "trainer-source", "mount tuh", "manifest tuh", "results"]
    assert all(line.startswith("CHECK ok ") for line in lines)
    assert lines[-1] == "CHECK ok summary: 6/6 passed"
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
