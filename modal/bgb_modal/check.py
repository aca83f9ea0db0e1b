"""Pre-flight checks that take minutes, run before paying for a long GPU run.

One line per check (`CHECK ok|FAIL <name>: <detail>`); the caller exits non-zero if any fails.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .manifest import ManifestError, load_manifest, sample_check
from .spec import DatasetSpec

MAMBA_SNIPPET = """
import torch
from mamba_ssm import Mamba
assert torch.cuda.is_available(), "CUDA not available to torch"
torch.manual_seed(0)
m = Mamba(d_model=16, d_state=16, d_conv=4, expand=2).cuda()
x = torch.randn(2, 64, 16, device="cuda", requires_grad=True)
y = m(x)
y.float().pow(2).mean().backward()
assert y.shape == x.shape, y.shape
assert torch.isfinite(y).all() and torch.isfinite(x.grad).all(), "non-finite values"
print("forward", tuple(y.shape), "backward grad-norm %.4g" % x.grad.norm().item())
"""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"CHECK {'ok' if self.ok else 'FAIL'} {self.name}: {self.detail}"


Runner = Callable[..., subprocess.CompletedProcess[str]]


def gpu_matches(expected: str, name: str, memory_mib: float | None) -> bool:
    """'A100-80GB' matches 'NVIDIA A100-SXM4-80GB' (81920 MiB); 'H100' matches any H100."""
    gpu_type = expected.split(":")[0].upper()
    family, _, size = gpu_type.partition("-")
    if family not in name.upper():
        return False
    if size.endswith("GB") and memory_mib is not None:
        want = float(size[:-2]) * 1024
        return abs(memory_mib - want) <= 0.15 * want
    return True


def check_gpu(expected: str | None, *, run: Runner = subprocess.run) -> CheckResult:
    try:
        cp = run(
            ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:
        return CheckResult("gpu", False, "nvidia-smi not found: no NVIDIA GPU visible")
    except subprocess.TimeoutExpired:
        return CheckResult("gpu", False, "nvidia-smi timed out")
    if cp.returncode != 0 or not cp.stdout.strip():
        err = (cp.stderr or cp.stdout).strip().splitlines()
        return CheckResult("gpu", False, f"nvidia-smi failed: {err[0] if err else cp.returncode}")
    gpus = []
    for line in cp.stdout.strip().splitlines():
        name, _, mem = line.partition(",")
        try:
            mem_mib = float(mem.strip())
        except ValueError:
            mem_mib = None
        gpus.append((name.strip(), mem_mib))
    desc = "; ".join(f"{n} ({m:.0f} MiB)" if m else n for n, m in gpus)
    if expected and not all(gpu_matches(expected, n, m) for n, m in gpus):
        return CheckResult("gpu", False, f"{desc}, expected {expected}")
    return CheckResult("gpu", True, desc + (f" (expected {expected})" if expected else ""))


def check_mamba(
    python: str = "python", *, run: Runner = subprocess.run, timeout_s: float = 900
) -> CheckResult:
    try:
        cp = run([python, "-c", MAMBA_SNIPPET], capture_output=True, text=True, timeout=timeout_s)
    except (FileNotFoundError, subprocess.TimeoutExpired) as e:
        return CheckResult("mamba-ssm", False, f"could not run: {e}")
    if cp.returncode != 0:
        lines = (cp.stderr or cp.stdout).strip().splitlines()
        return CheckResult("mamba-ssm", False, lines[-1] if lines else f"exit {cp.returncode}")
    return CheckResult("mamba-ssm", True, "CUDA " + cp.stdout.strip().splitlines()[-1])


def check_trainer_source(app_dir: str) -> CheckResult:
    main = Path(app_dir) / "src" / "__main__.py"
    if main.is_file():
        return CheckResult("trainer-source", True, f"{main} present")
    return CheckResult("trainer-source", False, f"{main} missing (trainer_source not added)")


def check_mount(ds: DatasetSpec, root: str | None = None) -> CheckResult:
    path = Path(root or ds.mount)
    name = f"mount {ds.name}"
    try:
        with os.scandir(path) as it:
            first = [e.name for _, e in zip(range(5), it, strict=False)]
    except OSError as e:
        return CheckResult(name, False, f"{path} not readable: {e.strerror or e}")
    if not first:
        return CheckResult(name, False, f"{path} is empty (bucket {ds.bucket}, prefix {ds.prefix})")
    return CheckResult(name, True, f"{path} readable (s3://{ds.bucket}/{ds.prefix})")


def check_manifest(ds: DatasetSpec, root: str | None = None, sample: int = 8) -> CheckResult:
    path = root or ds.mount
    name = f"manifest {ds.name}"
    try:
        m = load_manifest(path, expected_version=ds.version)
    except (ManifestError, OSError) as e:
        return CheckResult(name, False, str(e))
    problems = sample_check(path, m, sample)
    n = min(sample, m.files_total)
    if ds.version is None:
        return CheckResult(name, False, f"found version {m.version[:12]}, but the spec pins none")
    if problems:
        return CheckResult(name, False, f"{len(problems)}/{n} sampled files bad: {problems[0]}")
    return CheckResult(
        name, True, f"version {m.version[:12]}, {m.files_total} files, {n} sampled sha256 ok"
    )


def check_results_writable(results_root: str, run: str) -> CheckResult:
    d = Path(results_root) / run
    probe = d / f".bgb-write-probe-{uuid.uuid4().hex[:8]}"
    try:
        d.mkdir(parents=True, exist_ok=True)
        data = os.urandom(64)
        with open(probe, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        ok = probe.read_bytes() == data
        probe.unlink()
    except OSError as e:
        return CheckResult("results", False, f"{d} not writable: {e.strerror or e}")
    return CheckResult("results", ok, f"{d} writable" if ok else f"{d}: read back differs")


def run_checks(
    *,
    gpu: str | None,
    datasets: Sequence[DatasetSpec],
    results_root: str,
    run: str,
    app_dir: str,
    python: str = "python",
    runner: Runner = subprocess.run,
    emit: Callable[[str], None] = print,
) -> list[CheckResult]:
    results: list[CheckResult] = []

    def add(r: CheckResult) -> None:
        results.append(r)
        emit(r.line())

    add(check_gpu(gpu, run=runner))
    add(check_mamba(python, run=runner))
    add(check_trainer_source(app_dir))
    for ds in datasets:
        add(check_mount(ds))
        add(check_manifest(ds))
    if not datasets:
        add(CheckResult("datasets", True, "none in the launch spec (nothing mounted)"))
    add(check_results_writable(results_root, run))
    failed = [r.name for r in results if not r.ok]
    emit(
        f"CHECK {'FAIL' if failed else 'ok'} summary: {len(results) - len(failed)}/{len(results)} passed"
    )
    return results
