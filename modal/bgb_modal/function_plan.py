"""The decorator options of each Modal function, as data derived from the launch spec.

app.py turns these into `modal.Volume`, `modal.CloudBucketMount`, `modal.Secret` and
`modal.Retries` objects; tests check both this plan and the registered functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import versions as v
from .spec import DatasetSpec, LaunchSpec

ACTIONS = ("train", "evaluate", "check", "stage")
# Modal rejects a retry policy with more than 10 retries; modal 1.6.4's client does not check it.
MAX_RETRIES = 10


@dataclass(frozen=True)
class FunctionOptions:
    gpu: str | None
    timeout: int
    cpu: float | None
    memory: int | None
    nonpreemptible: bool
    retries: int
    volumes: dict[str, str] = field(default_factory=dict)  # mount path -> volume name
    buckets: dict[str, DatasetSpec] = field(default_factory=dict)  # mount path -> dataset
    secrets: tuple[str, ...] = ()  # function-level secrets, by name


def function_plan(spec: LaunchSpec) -> dict[str, FunctionOptions]:
    volumes = {v.RESULTS_MOUNT: v.RESULTS_VOLUME, v.DATA_VOLUME_MOUNT: v.DATA_VOLUME}
    buckets = {d.mount: d for d in spec.datasets}
    nonpreemptible = not spec.preemptible
    return {
        "train": FunctionOptions(
            gpu=spec.gpu,
            timeout=spec.timeout_s,
            cpu=spec.cpu,
            memory=spec.memory_mib,
            nonpreemptible=nonpreemptible,
            # Each retry is one more attempt with a fresh timeout ("Timeouts" guide): the
            # runner raises at the end of an attempt that used its time, and resumes.
            retries=min(MAX_RETRIES, spec.train_retries),
            volumes=volumes,
            buckets=buckets,
            # W&B only when asked: a missing optional secret must never break a launch.
            secrets=(v.WANDB_SECRET,) if spec.wandb else (),
        ),
        "evaluate": FunctionOptions(
            gpu=spec.gpu,
            timeout=spec.timeout_s,
            cpu=spec.cpu,
            memory=spec.memory_mib,
            nonpreemptible=nonpreemptible,
            retries=2,
            volumes=volumes,
            buckets=buckets,
        ),
        "check": FunctionOptions(
            gpu=spec.gpu,
            timeout=min(v.CHECK_TIMEOUT_S, spec.timeout_s),
            cpu=None,
            memory=None,
            nonpreemptible=False,
            retries=0,
            volumes=volumes,
            buckets=buckets,
        ),
        "stage": FunctionOptions(
            gpu=None,
            timeout=v.STAGE_TIMEOUT_S,
            cpu=v.STAGE_CPU,
            memory=None,
            nonpreemptible=False,
            retries=2,  # staging is resumable, a retry continues where it stopped
            volumes=volumes,
            buckets=buckets,
        ),
    }
