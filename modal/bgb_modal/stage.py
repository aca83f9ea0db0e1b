"""Copy a dataset from the S3 mount to a Volume: parallel, resumable, verified.

Upstream copied ~450 GB with one thread, needed a 6 h timeout and restarted from zero on
failure. Here every file is handled independently by a thread pool:

- a file already at the destination with the manifest's size and SHA-256 is kept;
- otherwise it is copied to `<name>.bgb-partial` (hashing while copying) and renamed into
  place only when size and SHA-256 match the manifest, so an interrupted copy never leaves a
  file that looks complete, and a source that disagrees with its manifest is rejected;
- `.bgb-staged.json` is written last, only when every file is in place, so readers can tell a
  complete copy from a partial one;
- progress callbacks (which commit the data Volume) run only while no file is open: modal's
  `Volume.commit()` reloads the Volume afterwards, and a reload fails while files on it are
  open ("there are open files preventing the operation"). So at each progress point no new
  copy starts, the copies in flight finish, the callback runs, then copying resumes;
- a second run over the same destination (a retry, or `stage` again under the same run name)
  keeps every verified file and copies only the rest, so an interrupted stage continues.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .manifest import MANIFEST_NAME, FileEntry, Manifest, sha256_file
from .run_record import utc_now

STAGED_MARKER = ".bgb-staged.json"
PARTIAL_SUFFIX = ".bgb-partial"
_CHUNK = 8 * 1024 * 1024


@dataclass
class StageResult:
    copied: int = 0
    skipped: int = 0
    bytes_copied: int = 0
    failed: list[str] = field(default_factory=list)
    complete: bool = False

    @property
    def done(self) -> int:
        return self.copied + self.skipped + len(self.failed)


def staged_dir(root: str | os.PathLike[str], dataset: str, version: str) -> Path:
    return Path(root) / dataset / version


def is_staged(directory: str | os.PathLike[str], version: str) -> bool:
    marker = Path(directory) / STAGED_MARKER
    try:
        doc = json.loads(marker.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return False
    return doc.get("version") == version and doc.get("complete") is True


def _copy_one(src_root: Path, dst_root: Path, entry: FileEntry) -> tuple[str, int]:
    """Returns ("skipped"|"copied", bytes copied). Raises ValueError on a verification failure."""
    dst = dst_root / entry.key
    if dst.is_file() and dst.stat().st_size == entry.size and sha256_file(dst) == entry.sha256:
        return "skipped", 0
    src = src_root / entry.key
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + PARTIAL_SUFFIX)
    h = hashlib.sha256()
    n = 0
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            while chunk := fin.read(_CHUNK):
                h.update(chunk)
                fout.write(chunk)
                n += len(chunk)
        if n != entry.size:
            raise ValueError(f"{entry.key}: source has {n} bytes, manifest says {entry.size}")
        if h.hexdigest() != entry.sha256:
            raise ValueError(
                f"{entry.key}: source sha256 {h.hexdigest()} != manifest {entry.sha256} (rejected)"
            )
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return "copied", n


def stage(
    src_root: str | os.PathLike[str],
    dst_root: str | os.PathLike[str],
    manifest: Manifest,
    *,
    workers: int = 16,
    on_progress: Callable[[StageResult], None] | None = None,
    progress_every_s: float = 30.0,
) -> StageResult:
    """Copy every manifest file from src_root to dst_root. Never raises for a single file:
    failures are collected in the result. `on_progress` runs in the calling thread at most
    every `progress_every_s` and after the last file, always with no copy in flight and so no
    file open under dst_root: it may commit a Volume. An exception from it stops the copy
    (pending files are not started)."""
    src, dst = Path(src_root), Path(dst_root)
    dst.mkdir(parents=True, exist_ok=True)
    result = StageResult()
    if is_staged(dst, manifest.version):
        result.skipped = manifest.files_total
        result.complete = True
        return result
    (dst / STAGED_MARKER).unlink(missing_ok=True)

    last, reported = time.monotonic(), -1
    workers = max(1, workers)
    todo = iter(manifest.files)
    pending: dict[Future[tuple[str, int]], FileEntry] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stage")

    def fill() -> None:
        # A bounded window of files in flight: an interruption stops within a few files,
        # and a million-file manifest never becomes a million futures.
        while len(pending) < 2 * workers:
            entry = next(todo, None)
            if entry is None:
                return
            pending[pool.submit(_copy_one, src, dst, entry)] = entry

    def settle(fut: Future[tuple[str, int]]) -> None:
        entry = pending.pop(fut)
        try:
            what, n = fut.result()
        except Exception as e:  # noqa: BLE001 - one file's failure never stops the others
            result.failed.append(str(e) if isinstance(e, ValueError) else f"{entry.key}: {e!r}")
            return
        if what == "copied":
            result.copied += 1
            result.bytes_copied += n
        else:
            result.skipped += 1

    try:
        fill()
        while pending:
            due = on_progress is not None and time.monotonic() - last >= progress_every_s
            if due:
                # Quiesce: let the copies in flight finish (they hold files open), start none.
                for fut in list(pending):
                    wait([fut])
                    settle(fut)
                assert on_progress is not None
                on_progress(result)
                last, reported = time.monotonic(), result.done
                fill()
                continue
            timeout = None
            if on_progress is not None:
                timeout = max(0.0, progress_every_s - (time.monotonic() - last))
            finished, _ = wait(set(pending), timeout=timeout, return_when=FIRST_COMPLETED)
            for fut in finished:
                settle(fut)
            fill()
        if on_progress is not None and result.done != reported:
            on_progress(result)  # the final count; the pool is idle, nothing is open
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    if not result.failed:
        if (src / MANIFEST_NAME).exists():
            shutil.copyfile(src / MANIFEST_NAME, dst / MANIFEST_NAME)
        marker = {
            "format": 1,
            "complete": True,
            "dataset": manifest.dataset,
            "version": manifest.version,
            "files_total": manifest.files_total,
            "bytes_total": manifest.bytes_total,
            "staged_at": utc_now(),
        }
        tmp = dst / (STAGED_MARKER + ".tmp")
        tmp.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, dst / STAGED_MARKER)
        result.complete = True
    return result


class StageRunTaken(Exception):
    """The run name belongs to something other than this stage."""


def stage_attempt_record(prev: dict[str, Any] | None, fresh: dict[str, Any]) -> dict[str, Any]:
    """The run record a stage attempt starts with. A new run: `fresh`. A retry (Modal's retry
    of the stage function, or `stage` again under the same run name): the previous record of a
    stage of the same dataset versions, with an attempt appended, so staging continues (the
    copy keeps every verified file) instead of being refused because run.json exists. Any
    other record under that name raises StageRunTaken."""
    now = utc_now()
    if prev is None:
        fresh["attempts"] = [
            {"attempt": 1, "started_at": fresh["started_at"], "outcome": "running"}
        ]
        return fresh
    if prev.get("action") != "stage" or prev.get("dataset_versions") != fresh["dataset_versions"]:
        raise StageRunTaken(
            f"run {fresh['run']!r} already exists and is not a stage of the same dataset "
            "versions; choose another --run"
        )
    attempts = prev.setdefault("attempts", [])
    for a in attempts:
        if a.get("outcome") == "running":  # its container died before it could say
            a.update(outcome="lost", noticed_at=now)
    attempts.append({"attempt": len(attempts) + 1, "started_at": now, "outcome": "running"})
    prev.update(attempt=len(attempts), exit_status="running", exit_code=None, ended_at=None)
    prev.setdefault("staged", {})
    return prev


def end_stage_attempt(rec: dict[str, Any], ok: bool) -> dict[str, Any]:
    """Close the record's current attempt and the run: succeeded (every dataset staged and
    verified) or failed."""
    now = utc_now()
    for a in rec.get("attempts") or []:
        if a.get("outcome") == "running":
            a.update(outcome="completed" if ok else "failed", ended_at=now)
    rec.update(exit_status="succeeded" if ok else "failed", exit_code=0 if ok else 1, ended_at=now)
    return rec


def resolve_data_root(mount: str, staged_root: str, dataset: str, version: str) -> str:
    """Read from the staged copy on the data Volume when it is complete for this version,
    otherwise from the S3 mount."""
    d = staged_dir(staged_root, dataset, version)
    return str(d) if is_staged(d, version) else mount
