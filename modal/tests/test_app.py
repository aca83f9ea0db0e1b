"""app.py imports with the real modal package and registers its functions with the resources
the launch spec asks for. Nothing is deployed: these are the objects Modal would send."""

from __future__ import annotations

import importlib.util
import json
import uuid

import modal
import pytest

from bgb_modal.image_plan import image_plan
from bgb_modal.spec import ENV_VAR

from .conftest import MODAL_DIR, REPO_ROOT
from .modal_internals import function_options, function_spec, image_layers, object_rep

V = "d" * 64


def load_app(monkeypatch, spec):
    if spec is None:
        monkeypatch.delenv(ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ENV_VAR, spec if isinstance(spec, str) else json.dumps(spec))
    name = f"bgb_app_under_test_{uuid.uuid4().hex}"
    s = importlib.util.spec_from_file_location(name, MODAL_DIR / "app.py")
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    return mod


FULL_SPEC = {
    "preset": "full",
    "gpu": "H100",
    "timeout_s": 43200,
    "cpu": 24,
    "memory_mib": 98304,
    "preemptible": True,  # false is refused: Modal has no nonpreemptible GPU functions
    "wandb": True,
    "limit_files": None,
    "train_retries": 7,
    "trainer_source": "modal/tests/fixtures/trainer/src",
    "git_sha": "0123abc",
    "git_dirty": True,
    "datasets": [
        {
            "name": "tuh",
            "bucket": "my-eeg",
            "prefix": "tuh/",
            "endpoint_url": None,
            "version": V,
            "mount": "/data/tuh",
        },
        {
            "name": "chbmit",
            "bucket": "other",
            "prefix": "chb-mit/v1/",
            "endpoint_url": "https://acc.r2.cloudflarestorage.com",
            "version": V,
            "mount": "/data/chbmit",
        },
    ],
}


def secret_reps(fn) -> list[str]:
    return [object_rep(s) for s in function_spec(fn).secrets]


def test_defaults_without_a_launch_spec(monkeypatch):
    app = load_app(monkeypatch, None)
    assert app.app.name == "brain-go-brr-v2"
    for fn in (app.train, app.evaluate, app.check, app.stage):
        assert isinstance(fn, modal.Function)
    spec = function_spec(app.train)
    assert spec.gpus == "A100-80GB" and function_options(app.train)["timeout"] == 86400
    assert set(spec.volumes) == {"/results", "/staged"}  # no dataset mount without a spec
    assert "brain-go-brr-results" in object_rep(spec.volumes["/results"])
    assert "brain-go-brr-data" in object_rep(spec.volumes["/staged"])
    assert not any("wandb-secret" in r for r in secret_reps(app.train))
    # each retry is one more attempt with a fresh timeout; the default spares two
    assert function_options(app.train)["retries"] == 2


def test_functions_follow_the_launch_spec(monkeypatch):
    app = load_app(monkeypatch, FULL_SPEC)
    train = function_spec(app.train)
    assert train.gpus == "H100" and train.cpu == 24 and train.memory == 98304
    assert train.scheduler_placement is None  # preemptible: no nonpreemptible placement
    assert function_options(app.train)["timeout"] == 43200
    # the launcher's planned attempts: 1 + 7 retries, each with its own 12 h timeout
    assert function_options(app.train)["retries"] == 7
    assert set(train.volumes) == {"/results", "/staged", "/data/tuh", "/data/chbmit"}

    tuh, chb = train.volumes["/data/tuh"], train.volumes["/data/chbmit"]
    for m in (tuh, chb):
        assert type(m).__name__ == "_CloudBucketMount"
        assert m.read_only is True and m.key_prefix.endswith("/")
        assert object_rep(m.secret) == "Secret.from_name('aws-s3-secret')"
    assert (tuh.bucket_name, tuh.key_prefix, tuh.bucket_endpoint_url) == ("my-eeg", "tuh/", None)
    assert (chb.bucket_name, chb.key_prefix) == ("other", "chb-mit/v1/")
    assert chb.bucket_endpoint_url == "https://acc.r2.cloudflarestorage.com"

    assert "Secret.from_name('wandb-secret')" in secret_reps(app.train)
    assert not any("wandb" in r for r in secret_reps(app.evaluate))

    stage = function_spec(app.stage)
    assert stage.gpus is None and "/data/tuh" in stage.volumes
    assert function_spec(app.check).gpus == "H100"
    assert function_options(app.check)["timeout"] <= 1800
    # the containers get the same spec, so their import builds the same decorators
    assert any(ENV_VAR in r for r in secret_reps(app.train))


def test_wandb_secret_only_when_asked(monkeypatch):
    app = load_app(monkeypatch, {**FULL_SPEC, "wandb": False})
    for fn in (app.train, app.evaluate, app.check, app.stage):
        assert not any("wandb" in r for r in secret_reps(fn))


def test_a_malformed_spec_fails_the_import_with_one_line(monkeypatch):
    with pytest.raises(SystemExit, match=r"train_retries: must be an integer 0\.\.10"):
        load_app(monkeypatch, {**FULL_SPEC, "train_retries": 11})  # Modal's limit is 10
    with pytest.raises(SystemExit) as e:
        load_app(monkeypatch, {**FULL_SPEC, "timeout_s": 100000})
    msg = str(e.value)
    assert msg.startswith("error: BGB_LAUNCH_SPEC is invalid: timeout_s:") and "\n" not in msg
    with pytest.raises(SystemExit, match="not valid JSON"):
        load_app(monkeypatch, "{")


# The image: required steps in the required order (issue 4).
EXPECTED_ORDER = [
    "FROM nvidia/cuda:12.1.0-devel-ubuntu22.04",
    "COPY /python/. /usr/local",  # add_python="3.11"
    "ENTRYPOINT []",
    "RUN apt-get install -y build-essential ninja-build git",
    "ENV CUDA_HOME=/usr/local/cuda",
    "ENV PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:",
    "ENV TORCH_CUDA_ARCH_LIST='8.0;9.0'",
    "RUN python -m pip install filelock==",  # torch's step (pins sorted by Modal)
    "RUN python -m pip install ninja==1.11.1.1 packaging==25.0 setuptools==69.5.1 wheel==0.43.0",
    "RUN python -m pip install certifi==",  # mamba-ssm's requirements, transformers 4.x
    "RUN python -m pip install causal-conv1d==1.4.0 --no-build-isolation --no-deps",
    "RUN python -m pip install mamba-ssm==2.2.2 --no-build-isolation --no-deps",
    'RUN python -c "import torch, causal_conv1d, mamba_ssm;',
    "RUN python -m pip install absl-py==",  # the trainer's dependencies
    "RUN python -m pip install torch-scatter==2.1.2+pt22cu121 torch-sparse==0.6.18+pt22cu121",
    "RUN python -m pip install aiohappyeyeballs==",  # PyG and pytorch-tcn
    "RUN python -c 'import click, mamba_ssm",
    "LOCAL /app/src <- ",
    "LOCAL /app/configs <- ",
    "LOCAL python bgb_modal",
]


def _positions(layers: list[str], expected: list[str]) -> list[int]:
    pos = []
    for want in expected:
        hits = [i for i, cmd in enumerate(layers) if cmd.startswith(want)]
        assert hits, f"missing image step {want!r} in:\n" + "\n".join(layers)
        pos.append(hits[0])
    return pos


def test_image_steps_in_order(monkeypatch):
    app = load_app(monkeypatch, FULL_SPEC)
    layers = image_layers(app.image)
    pos = _positions(layers, EXPECTED_ORDER)
    assert pos == sorted(pos), "\n".join(layers)
    assert layers[-3:] == [
        f"LOCAL /app/src <- {REPO_ROOT}/modal/tests/fixtures/trainer/src",
        f"LOCAL /app/configs <- {REPO_ROOT}/configs",
        "LOCAL python bgb_modal",
    ]  # local files last: editing them never rebuilds the CUDA layers
    torch = next(c for c in layers if "torch==2.2.2" in c)
    assert (
        "numpy==1.26.4" in torch and "--index-url https://download.pytorch.org/whl/cu121" in torch
    )
    deps = next(c for c in layers if c.startswith("RUN python -m pip install absl-py=="))
    assert "pydantic==" in deps and "mne==" in deps


def test_image_order_check_can_fail():
    """The order assertion catches a swapped step (proves the test above can fail)."""
    layers = [
        "FROM nvidia/cuda:12.1.0-devel-ubuntu22.04",
        "RUN python -m pip install mamba-ssm==2.2.2",
    ]
    pos = _positions(
        [*layers, "RUN python -m pip install causal-conv1d==1.4.0"],
        ["RUN python -m pip install causal-conv1d", "RUN python -m pip install mamba-ssm"],
    )
    assert pos != sorted(pos)


def test_image_plan_leaves_out_missing_local_dirs(tmp_path):
    plan = image_plan(tmp_path / "missing", None)
    assert [s.method for s in plan][:2] == ["from_registry", "entrypoint"]
    assert [s.method for s in plan][-1] == "add_local_python_source"
    assert not any(s.method == "add_local_dir" for s in plan)
