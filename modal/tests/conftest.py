"""Shared test helpers. Nothing here touches Modal's cloud: local directories stand in for the
S3 mount (/data/<name>), the results Volume (/results) and the data Volume (/staged)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

MODAL_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = MODAL_DIR.parent
FIXTURE_APP_DIR = MODAL_DIR / "tests" / "fixtures" / "trainer"  # holds the stand-in `src`

TUSZ_FILES = [
    "edf/dev/aaaaaaaa/s001_2015/01_tcp_ar/aaaaaaaa_s001_t000.edf",
    "edf/dev/aaaaaaaa/s001_2015/01_tcp_ar/aaaaaaaa_s001_t000.csv",
    "edf/eval/aaaaaaab/s002_2016/02_tcp_le/aaaaaaab_s002_t001.edf",
    "edf/train/aaaaaaac/s001_2014/01_tcp_ar/aaaaaaac_s001_t000.edf",
    "edf/train/aaaaaaac/s001_2014/01_tcp_ar/aaaaaaac_s001_t001.edf",
    "edf/train/aaaaaaad/s003_2017/03_tcp_ar_a/aaaaaaad_s003_t000.edf",
]

LABEL_CSV = (
    "# version = csv_v1.0.0\n# duration = 3000.00 secs\n"
    "channel,start_time,stop_time,label,confidence\n"
    "FP1-F7,0.0000,1200.0000,bckg,1.0000\nFP1-F7,1200.0000,1500.0000,fnsz,1.0000\n"
)


def write_manifest(root: Path, dataset: str = "tuh") -> dict:
    """Write `.bgb-manifest.json` for the files under root, exactly as contracts.md section 1."""
    entries = []
    for p in root.rglob("*"):
        if p.is_file() and p.name != ".bgb-manifest.json":
            key = p.relative_to(root).as_posix()
            data = p.read_bytes()
            entries.append(
                {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
    entries.sort(key=lambda e: e["key"].encode())
    lines = "".join(f"{e['sha256']} {e['size']} {e['key']}\n" for e in entries)
    counts: dict[str, int] = {}
    for e in entries:
        parts = e["key"].split("/")
        if e["key"].endswith(".edf") and parts[0] == "edf":
            counts[parts[1]] = counts.get(parts[1], 0) + 1
    doc = {
        "format": 1,
        "dataset": dataset,
        "version": hashlib.sha256(lines.encode()).hexdigest(),
        "created_at": "2026-11-28T15:00:00.000Z",
        "files_total": len(entries),
        "bytes_total": sum(e["size"] for e in entries),
        "counts": counts,
        "files": entries,
    }
    (root / ".bgb-manifest.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return doc


def make_dataset(root: Path, files: list[str] = TUSZ_FILES, size: int = 3000) -> dict:
    for i, key in enumerate(files):
        p = root / key
        p.parent.mkdir(parents=True, exist_ok=True)
        if key.endswith(".csv"):  # a TUSZ label file is text the trainer parses; one seizure
            p.write_text(LABEL_CSV, encoding="utf-8")
        else:
            p.write_bytes(os.urandom(size + i * 17))
    return write_manifest(root)


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[Path, dict]:
    """A small TUSZ-shaped dataset with its manifest, standing in for the S3 mount."""
    root = tmp_path / "mount" / "tuh"
    root.mkdir(parents=True)
    return root, make_dataset(root)


def spec_doc(mount: Path, version: str, **over: object) -> dict:
    doc = {
        "preset": "smoke",
        "gpu": "A100-80GB",
        "timeout_s": 3600,
        "cpu": 24,
        "memory_mib": 98304,
        "preemptible": True,
        "wandb": False,
        "limit_files": 50,
        "trainer_source": "modal/tests/fixtures/trainer/src",
        "git_sha": "0123abc",
        "git_dirty": False,
        "datasets": [
            {
                "name": "tuh",
                "bucket": "my-eeg",
                "prefix": "tuh/",
                "endpoint_url": None,
                "version": version,
                "mount": str(mount),
            }
        ],
    }
    doc.update(over)
    return doc
