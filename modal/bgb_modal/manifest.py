"""The dataset manifest `.bgb-manifest.json` (contracts.md section 1)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST_NAME = ".bgb-manifest.json"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 4 * 1024 * 1024


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class FileEntry:
    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    dataset: str
    version: str
    created_at: str
    files_total: int
    bytes_total: int
    counts: dict[str, int]
    files: tuple[FileEntry, ...]


def compute_version(files: Sequence[FileEntry]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.sha256} {f.size} {f.key}\n".encode())
    return h.hexdigest()


def _check_key(key: object, i: int) -> str:
    if not isinstance(key, str) or not key:
        raise ManifestError(f"files[{i}].key must be a non-empty string")
    p = PurePosixPath(key)
    if p.is_absolute() or ".." in p.parts or "\\" in key or str(p) != key:
        raise ManifestError(f"files[{i}].key {key!r} is not a plain relative path")
    if p.name == MANIFEST_NAME:
        raise ManifestError(f"files[{i}].key {key!r} names the manifest itself")
    return key


def parse_manifest(text: str, *, expected_version: str | None = None) -> Manifest:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ManifestError(f"not valid JSON: {e.msg}") from None
    if not isinstance(doc, dict):
        raise ManifestError("must be a JSON object")
    if doc.get("format") != 1:
        raise ManifestError(f"unsupported format {doc.get('format')!r} (expected 1)")
    for k in ("dataset", "version", "created_at"):
        if not isinstance(doc.get(k), str):
            raise ManifestError(f"{k} must be a string")
    if not _HEX64.match(doc["version"]):
        raise ManifestError("version must be 64 lowercase hex")
    raw_files = doc.get("files")
    if not isinstance(raw_files, list):
        raise ManifestError("files must be a list")
    files = []
    for i, f in enumerate(raw_files):
        if not isinstance(f, dict):
            raise ManifestError(f"files[{i}] must be an object")
        key = _check_key(f.get("key"), i)
        size, sha = f.get("size"), f.get("sha256")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ManifestError(f"files[{i}].size must be a non-negative integer")
        if not isinstance(sha, str) or not _HEX64.match(sha):
            raise ManifestError(f"files[{i}].sha256 must be 64 lowercase hex")
        files.append(FileEntry(key, size, sha))
    keys = [f.key.encode() for f in files]
    if keys != sorted(keys):
        raise ManifestError("files are not sorted by the UTF-8 bytes of key")
    if len(set(keys)) != len(keys):
        raise ManifestError("files has duplicate keys")
    if doc.get("files_total") != len(files):
        raise ManifestError(f"files_total {doc.get('files_total')!r} != {len(files)} entries")
    total = sum(f.size for f in files)
    if doc.get("bytes_total") != total:
        raise ManifestError(f"bytes_total {doc.get('bytes_total')!r} != sum of sizes {total}")
    computed = compute_version(files)
    if computed != doc["version"]:
        raise ManifestError(f"version {doc['version']} does not match its files ({computed})")
    if expected_version is not None and doc["version"] != expected_version:
        raise ManifestError(
            f"dataset version on the mount is {doc['version']}, the launch expected "
            f"{expected_version} (re-run the sync, or launch with the current version)"
        )
    counts = doc.get("counts", {})
    if not isinstance(counts, dict) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in counts.values()
    ):
        raise ManifestError("counts must map split names to integers")
    return Manifest(
        dataset=doc["dataset"],
        version=doc["version"],
        created_at=doc["created_at"],
        files_total=len(files),
        bytes_total=total,
        counts=dict(counts),
        files=tuple(files),
    )


def load_manifest(root: str | os.PathLike[str], *, expected_version: str | None = None) -> Manifest:
    path = Path(root) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path} not found (data-sync writes it after the last file)") from None
    try:
        return parse_manifest(text, expected_version=expected_version)
    except ManifestError as e:
        raise ManifestError(f"{path}: {e}") from None


def sha256_file(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def sample_entries(manifest: Manifest, n: int, *, seed: int = 0) -> list[FileEntry]:
    files = list(manifest.files)
    if n >= len(files):
        return files
    return random.Random(seed).sample(files, n)


def verify_entry(root: str | os.PathLike[str], entry: FileEntry) -> str | None:
    """None when the file under root matches the entry, else a one-line reason."""
    p = Path(root) / entry.key
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        return f"{entry.key}: missing"
    if size != entry.size:
        return f"{entry.key}: size {size} != manifest {entry.size}"
    digest = sha256_file(p)
    if digest != entry.sha256:
        return f"{entry.key}: sha256 {digest} != manifest {entry.sha256}"
    return None


def sample_check(
    root: str | os.PathLike[str], manifest: Manifest, n: int = 8, *, seed: int = 0
) -> list[str]:
    """Check a sample of n files (size and SHA-256); returns the list of problems."""
    problems = []
    for e in sample_entries(manifest, n, seed=seed):
        why = verify_entry(root, e)
        if why:
            problems.append(why)
    return problems
