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

from . import versions
from .manifest import ManifestError, load_manifest, sample_check
from .spec import DatasetSpec

# configs/ files that configure this project, not the trainer (the launcher's kindFromFileName).
PROJECT_CONFIG_FILES = frozenset({"datasets.yaml", "launch.yaml", "gpus.yaml", "ci.yaml"})
# Where bgb_modal lives (locally and in the image), so `python -m bgb_modal...` finds it.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])

# The v3 model's Mamba2 blocks as the trainer builds them (src/brain_brr/models/detector.py):
# the node stream (d_model 64, headdim 8, d_state 16) over B*19 electrodes and the edge stream
# (graph.edge_mamba_d_model 16, headdim 4, edge_mamba_d_state 8 in upstream's configs) over
# B*171 edges, 960 steps, d_conv 4, expand 2; batch 2 here.
MAMBA2_SHAPES = (
    ("node", {"d_model": 64, "d_state": 16, "d_conv": 4, "expand": 2, "headdim": 8}, 2 * 19),
    ("edge", {"d_model": 16, "d_state": 8, "d_conv": 4, "expand": 2, "headdim": 4}, 2 * 171),
)
SEQ_LEN = 960

# Runs in the image's Python. It mirrors how the trainer decides to fall back to its Conv1d
# stand-in (src/brain_brr/models/mamba.py): SEIZURE_MAMBA_FORCE_FALLBACK=1; ImportError from
# `from mamba_ssm import Mamba2`; any exception constructing Mamba2; in forward an
# AttributeError/RuntimeError/TypeError mentioning causal_conv1d, NoneType or "object is not
# callable" (what mamba-ssm raises when the causal-conv1d kernel did not load). Any of those,
# and any other failure, fails the check. Training runs under torch.cuda.amp.autocast()
# (mixed_precision: true, float16) with float32 weights, so the pass does the same.
MAMBA2_PROBE = """
import os, sys

def fail(stage, err, fallback):
    what = ("the trainer would silently use its Conv1d fallback" if fallback
            else "no fallback: training would fail")
    print("MAMBA2 FAIL %s: %s (%s)" % (stage, err, what), flush=True)
    sys.exit(1)

def trainer_falls_back(e):
    text = str(e)
    return isinstance(e, (AttributeError, RuntimeError, TypeError)) and (
        "causal_conv1d" in text or "NoneType" in text or "object is not callable" in text)

if os.environ.get("SEIZURE_MAMBA_FORCE_FALLBACK", "0") == "1":
    fail("environment", "SEIZURE_MAMBA_FORCE_FALLBACK=1 is set", True)
import torch
if not torch.cuda.is_available():
    fail("cuda", "CUDA not available to torch", True)
try:
    from mamba_ssm import Mamba2
except Exception as e:
    fail("import", "%s: %s" % (type(e).__name__, e), isinstance(e, ImportError))
torch.manual_seed(0)
done = []
for label, kw, batch in SHAPES:
    try:
        m = Mamba2(**kw).cuda()
    except Exception as e:
        fail(label + " construct", "%s: %s" % (type(e).__name__, e), True)
    x = torch.randn(batch, SEQ_LEN, kw["d_model"], device="cuda", requires_grad=True)
    try:
        with torch.cuda.amp.autocast():
            y = m(x)
    except Exception as e:
        fail(label + " forward", "%s: %s" % (type(e).__name__, e), trainer_falls_back(e))
    if tuple(y.shape) != tuple(x.shape):
        fail(label + " forward", "output shape %s != %s" % (tuple(y.shape), tuple(x.shape)), False)
    try:
        y.float().pow(2).mean().backward()
    except Exception as e:
        fail(label + " backward", "%s: %s" % (type(e).__name__, e), False)
    grads = [x.grad] + [p.grad for p in m.parameters() if p.grad is not None]
    if x.grad is None or len(grads) == 1:
        fail(label + " backward", "no gradient reached the input or the weights", False)
    if not all(bool(torch.isfinite(g).all()) for g in grads):
        fail(label + " backward", "non-finite gradient", False)
    done.append("%s %s %s grad-norm %.3g" % (
        label, tuple(x.shape), str(y.dtype).replace("torch.", ""), x.grad.float().norm().item()))
print("MAMBA2 ok forward+backward under autocast on %s: %s" % (
    torch.cuda.get_device_name(0), "; ".join(done)), flush=True)
"""


def mamba2_probe_source() -> str:
    return f"SHAPES = {MAMBA2_SHAPES!r}\nSEQ_LEN = {SEQ_LEN}\n" + MAMBA2_PROBE


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"CHECK {'ok' if self.ok else 'FAIL'} {self.name}: {self.detail}"


Runner = Callable[..., subprocess.CompletedProcess[str]]


# nvidia-smi's exact names for each Modal GPU type (Modal's GPU guide lists the types; GPU
# strings are case-insensitive). "A10" is Modal's name for the A10G; an "A100" request may
# land on 40 or 80 GB; an "H100" request may be served by an H200 unless it is "H100!";
# "B200+" may be a B300. Matching is exact: "A10" is not "A100-80GB", "L4" is not "L40S".
_A100_40 = ("NVIDIA A100-SXM4-40GB", "NVIDIA A100-PCIE-40GB")
_A100_80 = ("NVIDIA A100-SXM4-80GB", "NVIDIA A100 80GB PCIe")
_H100 = ("NVIDIA H100 80GB HBM3", "NVIDIA H100 PCIe", "NVIDIA H100 NVL")
_H200 = ("NVIDIA H200", "NVIDIA H200 NVL")
GPU_NAMES: dict[str, tuple[str, ...]] = {
    "T4": ("Tesla T4", "NVIDIA T4"),
    "L4": ("NVIDIA L4",),
    "A10": ("NVIDIA A10G", "NVIDIA A10"),
    "A10G": ("NVIDIA A10G", "NVIDIA A10"),
    "L40S": ("NVIDIA L40S",),
    "A100": _A100_40 + _A100_80,
    "A100-40GB": _A100_40 + _A100_80,
    "A100-80GB": _A100_80,
    "RTX-PRO-6000": ("NVIDIA RTX PRO 6000 Blackwell Server Edition",),
    "H100": _H100 + _H200,
    "H100!": _H100,
    "H200": _H200,
    "B200": ("NVIDIA B200",),
    "B200+": ("NVIDIA B200", "NVIDIA B300 SXM6 AC"),
}


def parse_gpu(expected: str) -> tuple[str, int]:
    """'a100-80gb:2' -> ('A100-80GB', 2)."""
    gpu_type, _, count = expected.strip().partition(":")
    return gpu_type.upper(), int(count) if count.isdigit() else 1


def gpu_matches(expected: str, name: str) -> bool:
    """Whether nvidia-smi's `name` is a GPU that Modal serves for the type `expected`."""
    allowed = GPU_NAMES.get(parse_gpu(expected)[0], ())
    return " ".join(name.split()).casefold() in {a.casefold() for a in allowed}


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
    if expected:
        gpu_type, count = parse_gpu(expected)
        if gpu_type not in GPU_NAMES:
            known = ", ".join(GPU_NAMES)
            return CheckResult("gpu", False, f"{desc}; unknown GPU type {expected!r} ({known})")
        if not all(gpu_matches(expected, n) for n, _ in gpus):
            return CheckResult("gpu", False, f"{desc}, expected {expected}")
        if len(gpus) != count:
            return CheckResult("gpu", False, f"{desc}: {len(gpus)} GPUs, expected {expected}")
    return CheckResult("gpu", True, desc + (f" (expected {expected})" if expected else ""))


def check_mamba(
    python: str = "python", *, run: Runner = subprocess.run, timeout_s: float = 900
) -> CheckResult:
    """A Mamba2 forward and backward pass on the GPU, as the v3 model trains (see MAMBA2_PROBE)."""
    try:
        cp = run(
            [python, "-c", mamba2_probe_source()],
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as e:
        return CheckResult("mamba2", False, f"could not run: {e}")
    lines = (cp.stdout or "").strip().splitlines()
    verdict = next((x for x in reversed(lines) if x.startswith("MAMBA2 ")), None)
    if cp.returncode == 0 and verdict and verdict.startswith("MAMBA2 ok "):
        return CheckResult("mamba2", True, verdict.removeprefix("MAMBA2 ok "))
    if verdict and verdict.startswith("MAMBA2 FAIL "):
        return CheckResult("mamba2", False, verdict.removeprefix("MAMBA2 FAIL "))
    err = (cp.stderr or cp.stdout or "").strip().splitlines()
    return CheckResult("mamba2", False, err[-1] if err else f"exit {cp.returncode}, no verdict")


def check_trainer_source(app_dir: str) -> CheckResult:
    main = Path(app_dir) / "src" / "__main__.py"
    if main.is_file():
        return CheckResult("trainer-source", True, f"{main} present")
    return CheckResult("trainer-source", False, f"{main} missing (trainer_source not added)")


def check_trainer_configs(
    app_dir: str,
    configs_dir: str,
    *,
    run: str,
    data_root: str,
    python: str = "python",
    runner: Runner = subprocess.run,
) -> CheckResult:
    """The training configs shipped in the image, after the GPU side's path rewrite, through
    the trainer's own pydantic Config (bgb_modal.trainer_schema_check, run in the image's
    Python, so with the trainer's pinned pydantic)."""
    d = Path(configs_dir)
    found = sorted(d.iterdir()) if d.is_dir() else []
    configs = [
        p for p in found if p.suffix in (".yaml", ".yml") and p.name not in PROJECT_CONFIG_FILES
    ]
    if not configs:
        return CheckResult("trainer-config", True, f"no training config in {d} to check")
    argv = [python, "-m", "bgb_modal.trainer_schema_check", "--trainer", app_dir]
    argv += ["--run", run, "--data-root", data_root]
    for p in configs:
        argv += ["--label", p.name]
    argv += [str(p) for p in configs]
    try:
        cp = runner(argv, capture_output=True, text=True, timeout=300, cwd=_PACKAGE_PARENT)
    except (FileNotFoundError, subprocess.TimeoutExpired) as e:
        return CheckResult("trainer-config", False, f"could not run: {e}")
    names = ", ".join(p.name for p in configs)
    if cp.returncode == 0:
        return CheckResult("trainer-config", True, f"{names}: accepted by the trainer's Config")
    issues = (cp.stdout or "").strip().splitlines()
    if cp.returncode == 1 and issues:
        more = f" (+{len(issues) - 1} more)" if len(issues) > 1 else ""
        return CheckResult("trainer-config", False, issues[0] + more)
    err = (cp.stderr or cp.stdout or "").strip().splitlines()
    return CheckResult("trainer-config", False, err[-1] if err else f"exit {cp.returncode}")


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
    configs_dir: str = versions.CONFIGS_REMOTE_DIR,
    schema_python: str | None = None,
) -> list[CheckResult]:
    results: list[CheckResult] = []

    def add(r: CheckResult) -> None:
        results.append(r)
        emit(r.line())

    add(check_gpu(gpu, run=runner))
    add(check_mamba(python, run=runner))
    add(check_trainer_source(app_dir))
    add(
        check_trainer_configs(
            app_dir,
            configs_dir,
            run=run,
            data_root=datasets[0].mount if datasets else "/data",
            python=schema_python or python,
            runner=runner,
        )
    )
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
