"""BGB_LAUNCH_SPEC: the launcher's resources and storage for one launch (contracts.md section 2).

Parsed at import time of app.py because it decides the function decorators. Any problem is
reported as one `SpecError` whose message names the field, so app.py can fail with one line.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from . import versions

ENV_VAR = "BGB_LAUNCH_SPEC"

GPU_TYPES = (
    "T4",
    "L4",
    "A10",
    "A10G",
    "L40S",
    "A100",
    "A100-40GB",
    "A100-80GB",
    "H100",
    "H200",
    "B200",
)
_GPU_RE = re.compile(r"^(?P<type>[A-Za-z0-9-]+?)(?::(?P<count>[1-8]))?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_RESERVED_MOUNTS = (versions.RESULTS_MOUNT, versions.DATA_VOLUME_MOUNT, versions.APP_DIR)


class SpecError(ValueError):
    """The launch spec is malformed; the message is one line naming the field."""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    bucket: str
    prefix: str
    endpoint_url: str | None
    version: str | None  # null when the launcher could not read the manifest
    mount: str

    def require_version(self) -> str:
        """The pinned dataset version; train, evaluate and stage refuse to run without one."""
        if self.version is None:
            raise SpecError(
                f"dataset {self.name}: the launch spec has no version (the launcher could not "
                "read its manifest): sync the dataset and launch again"
            )
        return self.version


@dataclass(frozen=True)
class LaunchSpec:
    preset: str = "default"
    gpu: str = versions.DEFAULT_GPU
    timeout_s: int = versions.DEFAULT_TIMEOUT_S
    cpu: float | None = None
    memory_mib: int | None = None
    preemptible: bool = True
    wandb: bool = False
    limit_files: int | None = None
    # modal.Retries of `train`: each retry is one more attempt with a fresh timeout (the
    # launcher derives it from the planned hours; function_plan.py caps it at Modal's 10).
    train_retries: int = 2
    trainer_source: str = versions.DEFAULT_TRAINER_SOURCE
    git_sha: str | None = None
    git_dirty: bool = False
    # The trainer checkout baked into the image: its commit (the preflight requires the one pinned
    # in configs/launch.yaml) and whether its working tree had changes.
    trainer_commit: str | None = None
    trainer_dirty: bool = False
    datasets: tuple[DatasetSpec, ...] = field(default_factory=tuple)
    from_env: bool = False  # False when BGB_LAUNCH_SPEC was absent and defaults apply

    def dataset(self, name: str) -> DatasetSpec:
        for d in self.datasets:
            if d.name == name:
                return d
        raise SpecError(f"no dataset named {name!r} in the launch spec")

    def to_json(self) -> str:
        """The JSON text of this spec (round-trips through parse_spec)."""
        doc = {
            "preset": self.preset,
            "gpu": self.gpu,
            "timeout_s": self.timeout_s,
            "cpu": self.cpu,
            "memory_mib": self.memory_mib,
            "preemptible": self.preemptible,
            "wandb": self.wandb,
            "limit_files": self.limit_files,
            "train_retries": self.train_retries,
            "trainer_source": self.trainer_source,
            "git_sha": self.git_sha,
            "git_dirty": self.git_dirty,
            "trainer_commit": self.trainer_commit,
            "trainer_dirty": self.trainer_dirty,
            "datasets": [asdict(d) for d in self.datasets],
        }
        return json.dumps(doc, sort_keys=True)


_FIELDS = {
    "preset",
    "gpu",
    "timeout_s",
    "cpu",
    "memory_mib",
    "preemptible",
    "wandb",
    "limit_files",
    "train_retries",
    "trainer_source",
    "git_sha",
    "git_dirty",
    "trainer_commit",
    "trainer_dirty",
    "datasets",
}
_DATASET_FIELDS = {"name", "bucket", "prefix", "endpoint_url", "version", "mount"}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fail(where: str, msg: str) -> SpecError:
    return SpecError(f"{where}: {msg}")


def _dataset(i: int, d: Any) -> DatasetSpec:
    at = f"datasets[{i}]"
    if not isinstance(d, dict):
        raise _fail(at, "must be an object")
    unknown = sorted(set(d) - _DATASET_FIELDS)
    if unknown:
        raise _fail(at, f"unknown key(s) {', '.join(unknown)}")
    missing = sorted(_DATASET_FIELDS - {"endpoint_url"} - set(d))
    if missing:
        raise _fail(at, f"missing key(s) {', '.join(missing)}")
    name, bucket, prefix = d["name"], d["bucket"], d["prefix"]
    endpoint_url, version, mount = d.get("endpoint_url"), d["version"], d["mount"]
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise _fail(f"{at}.name", f"must match {_NAME_RE.pattern} (got {name!r})")
    if not isinstance(bucket, str) or not bucket or "/" in bucket:
        raise _fail(f"{at}.bucket", f"must be a bucket name without '/' (got {bucket!r})")
    if not isinstance(prefix, str) or not prefix.endswith("/") or prefix.startswith("/"):
        raise _fail(
            f"{at}.prefix",
            f"must be a key prefix ending in '/' and not starting with '/' (got {prefix!r})",
        )
    if endpoint_url is not None and (
        not isinstance(endpoint_url, str) or not re.match(r"^https?://[^\s/]+", endpoint_url)
    ):
        raise _fail(f"{at}.endpoint_url", f"must be null or an http(s) URL (got {endpoint_url!r})")
    if version is not None and (not isinstance(version, str) or not _HEX64.match(version)):
        raise _fail(f"{at}.version", "must be null or the manifest's version id (64 lowercase hex)")
    if not isinstance(mount, str):
        raise _fail(f"{at}.mount", "must be a string")
    p = PurePosixPath(mount)
    if not p.is_absolute() or ".." in p.parts or str(p) != mount or len(p.parts) < 2:
        raise _fail(
            f"{at}.mount", f"must be a normalised absolute path like /data/tuh (got {mount!r})"
        )
    for reserved in _RESERVED_MOUNTS:
        if mount == reserved or mount.startswith(reserved + "/"):
            raise _fail(f"{at}.mount", f"{mount!r} collides with {reserved}")
    return DatasetSpec(name, bucket, prefix, endpoint_url, version, mount)


def parse_spec(text: str | None) -> LaunchSpec:
    """Parse and validate the JSON text of BGB_LAUNCH_SPEC (None or blank -> defaults)."""
    if text is None or not text.strip():
        return LaunchSpec()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SpecError(f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    if not isinstance(doc, dict):
        raise SpecError("must be a JSON object")
    unknown = sorted(set(doc) - _FIELDS)
    if unknown:
        raise SpecError(
            f"unknown key(s) {', '.join(unknown)} (contracts.md section 2 lists the keys)"
        )

    kw: dict[str, Any] = {"from_env": True}
    if "preset" in doc:
        if not isinstance(doc["preset"], str) or not doc["preset"]:
            raise _fail("preset", "must be a non-empty string")
        kw["preset"] = doc["preset"]
    if "gpu" in doc:
        gpu = doc["gpu"]
        m = _GPU_RE.match(gpu) if isinstance(gpu, str) else None
        if not m or m.group("type").upper() not in GPU_TYPES:
            raise _fail(
                "gpu", f"must be one of {', '.join(GPU_TYPES)} with optional ':n' (got {gpu!r})"
            )
        kw["gpu"] = gpu
    if "timeout_s" in doc:
        t = doc["timeout_s"]
        if not _is_int(t) or not 60 <= t <= versions.MAX_TIMEOUT_S:
            raise _fail("timeout_s", f"must be an integer 60..{versions.MAX_TIMEOUT_S} (got {t!r})")
        kw["timeout_s"] = t
    if doc.get("cpu") is not None:
        c = doc["cpu"]
        if not _is_number(c) or not 0 < c <= 64:
            raise _fail("cpu", f"must be null or a number in (0, 64] (got {c!r})")
        kw["cpu"] = float(c)
    if doc.get("memory_mib") is not None:
        mem = doc["memory_mib"]
        if not _is_int(mem) or not 128 <= mem <= 1_048_576:
            raise _fail("memory_mib", f"must be null or an integer 128..1048576 (got {mem!r})")
        kw["memory_mib"] = mem
    for key in ("preemptible", "wandb", "git_dirty", "trainer_dirty"):
        if key in doc:
            if not isinstance(doc[key], bool):
                raise _fail(key, f"must be true or false (got {doc[key]!r})")
            kw[key] = doc[key]
    if doc.get("limit_files") is not None:
        lf = doc["limit_files"]
        if not _is_int(lf) or lf < 1:
            raise _fail("limit_files", f"must be null or a positive integer (got {lf!r})")
        kw["limit_files"] = lf
    if "train_retries" in doc:
        tr = doc["train_retries"]
        if not _is_int(tr) or not 0 <= tr <= 10:
            raise _fail("train_retries", f"must be an integer 0..10, Modal's limit (got {tr!r})")
        kw["train_retries"] = tr
    if "trainer_source" in doc:
        ts = doc["trainer_source"]
        p = PurePosixPath(ts) if isinstance(ts, str) else None
        if p is None or not ts or p.is_absolute() or ".." in p.parts:
            raise _fail("trainer_source", f"must be a path relative to the repo root (got {ts!r})")
        kw["trainer_source"] = ts
    if kw.get("preemptible") is False:
        # Modal's nonpreemptible=True is not supported for GPU functions, and every function
        # this spec configures has a GPU.
        raise _fail(
            "preemptible",
            f"false is not supported: Modal does not support nonpreemptible GPU functions "
            f"(gpu {kw.get('gpu', versions.DEFAULT_GPU)}); preempted runs resume from last.pt",
        )
    if doc.get("trainer_commit") is not None:
        tc = doc["trainer_commit"]
        if not isinstance(tc, str) or not re.match(r"^[0-9a-f]{40}$", tc):
            raise _fail("trainer_commit", f"must be null or 40 lowercase hex (got {tc!r})")
        kw["trainer_commit"] = tc
    if doc.get("git_sha") is not None:
        sha = doc["git_sha"]
        if not isinstance(sha, str) or not re.match(r"^[0-9a-f]{7,40}$", sha):
            raise _fail("git_sha", f"must be null or 7-40 lowercase hex (got {sha!r})")
        kw["git_sha"] = sha
    if "datasets" in doc:
        ds = doc["datasets"]
        if not isinstance(ds, list):
            raise _fail("datasets", "must be a list")
        parsed = tuple(_dataset(i, d) for i, d in enumerate(ds))
        for attr in ("name", "mount"):
            seen: set[str] = set()
            for d in parsed:
                v = getattr(d, attr)
                if v in seen:
                    raise _fail("datasets", f"duplicate {attr} {v!r}")
                seen.add(v)
        mounts = sorted(d.mount for d in parsed)
        for a, b in itertools.pairwise(mounts):
            if b.startswith(a + "/"):
                raise _fail("datasets", f"mount {b!r} is inside mount {a!r}")
        kw["datasets"] = parsed
    return LaunchSpec(**kw)


# The trainer config names datasets `tuh_eeg` / `chb_mit`; the launch spec names them freely.
_CONFIG_DATASET_PREFIX = {"tuh_eeg": "tuh", "chb_mit": "chb"}


def pick_dataset(spec: LaunchSpec, config_dataset: str | None) -> DatasetSpec:
    """The dataset a run reads: the only one, or the one matching the config's data.dataset."""
    if not spec.datasets:
        raise SpecError("the launch spec has no dataset (datasets is empty)")
    if len(spec.datasets) == 1:
        return spec.datasets[0]
    names = [d.name for d in spec.datasets]
    if config_dataset in names:
        return spec.dataset(str(config_dataset))
    prefix = _CONFIG_DATASET_PREFIX.get(str(config_dataset))
    matches = [d for d in spec.datasets if prefix and d.name.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    raise SpecError(
        f"cannot tell which of the datasets {names} the config's data.dataset "
        f"{config_dataset!r} means"
    )
