"""Build each split of a shared preprocessing cache once, and never show a half-built one.

Under a cache key directory K (cache_key.py):

    K/<split>/              a complete split: the trainer's files + .bgb-complete.json (marker)
    K/.building/<split>/    a build in progress (resumable: files already written are kept)
    K/.lock-<split>.json    {"owner", "heartbeat", "started_at"} while a run builds that split

What this relies on (Modal's Volume documentation): there is no file locking between
containers; when two containers write the same file, the last commit wins; a container sees
other containers' commits only after `reload()` (which fails while it has files open on the
volume); changes are also committed in the background, so a file can be published while it is
still being written. Hence:

- A split is complete only when its marker exists, never because files are present. The marker
  is written after every file was checked (cache_check.py), inside the build directory, which is
  then renamed to K/<split> in one step: a reader sees no K/<split> or a complete one.
- The lock only saves paying twice for hours of preprocessing; correctness does not depend on
  it. It is created with O_EXCL (atomic within one container, and between processes on a local
  disk), committed, and re-read after `settle_s` and a reload: if another owner's lock replaced
  it, this run backs off and waits. A lock whose heartbeat is older than `stale_s` belongs to a
  run that died; it is taken over and the build directory it left is continued.
- If two builders still run at once (a lock lost to commit latency), both write the same
  deterministic files; the second rename finds K/<split> in place and drops its own copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self, TextIO

from . import run_record

MARKER = ".bgb-complete.json"
BUILDING = ".building"


class CacheError(RuntimeError):
    """The cache cannot be built or is not usable; the message names the directory."""


@dataclass(frozen=True)
class VolumeOps:
    """The results volume's commit/reload. Without reload (a local disk, tests), other writers
    are processes on the same filesystem: O_EXCL alone decides the lock, no settle wait."""

    commit: Callable[[], None] = lambda: None
    reload: Callable[[], None] | None = None

    @property
    def shared(self) -> bool:
        return self.reload is not None


@dataclass(frozen=True)
class Outcome:
    split: str
    path: Path
    action: Literal["reused", "waited", "built"]  # waited: another run built it meanwhile
    marker: dict[str, Any]


@dataclass(frozen=True)
class Timing:
    settle_s: float = 15.0  # time for a committed lock to reach other containers
    poll_s: float = 30.0
    stale_s: float = 900.0
    heartbeat_s: float = 60.0


def lock_path(key_dir: Path, split: str) -> Path:
    return key_dir / f".lock-{split}.json"


def read_marker(split_dir: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads((split_dir / MARKER).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _read_lock(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
        st = path.stat()
    except FileNotFoundError:
        return None
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and isinstance(doc.get("heartbeat"), int | float):
            return doc
    except ValueError:
        pass
    # Being written (O_EXCL create, then content): held by someone, as fresh as the file.
    return {"owner": "?", "heartbeat": st.st_mtime}


def _take_lock(path: Path, owner: str, held: dict[str, Any] | None, now: float) -> bool:
    doc = {"owner": owner, "heartbeat": now, "started_at": run_record.utc_now()}
    if held is None:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False  # another process got there first
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(doc) + "\n")
        return True
    _write_json(path, doc)  # taking over our own or a stale lock
    return True


def _release(path: Path, owner: str) -> None:
    held = _read_lock(path)
    if held is not None and held.get("owner") == owner:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class _Heartbeat:
    def __init__(
        self, path: Path, owner: str, every_s: float, ops: VolumeOps, now: Callable[[], float]
    ):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cache-lock-heartbeat", daemon=True)
        self._args = (path, owner, every_s, ops, now)

    def _run(self) -> None:
        path, owner, every_s, ops, now = self._args
        while not self._stop.wait(every_s):
            held = _read_lock(path)
            if held is None or held.get("owner") != owner:
                continue  # taken over: keep building, the rename settles who wins
            with contextlib.suppress(Exception):
                _write_json(path, {**held, "heartbeat": now()})
                ops.commit()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def _reload(ops: VolumeOps, out: TextIO) -> None:
    if ops.reload is None:
        return
    try:
        ops.reload()
    except Exception as e:  # noqa: BLE001 - e.g. files open on the volume: keep our own view
        out.write(f"[bgb] cache: volume reload failed ({e}); continuing with this view\n")


def ensure_split(
    key_dir: Path,
    split: str,
    *,
    owner: str,
    build: Callable[[Path], None],
    verify: Callable[[Path], dict[str, Any]],
    ops: VolumeOps | None = None,
    out: TextIO,
    timing: Timing | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> Outcome:
    """Return the complete K/<split>, building it into K/.building/<split> first if needed.

    `build(dir)` writes the trainer's files into dir (raising on failure); `verify(dir)` checks
    them and returns the marker content, raising CacheError when anything is missing."""
    ops = ops or VolumeOps()
    t = timing or Timing()
    final = key_dir / split
    lock = lock_path(key_dir, split)
    waited_for: str | None = None
    while True:
        _reload(ops, out)
        marker = read_marker(final)
        if marker is not None:
            return Outcome(split, final, "waited" if waited_for else "reused", marker)
        held = _read_lock(lock)
        fresh = held is not None and now() - float(held["heartbeat"]) < t.stale_s
        others = fresh and held is not None and held.get("owner") != owner
        if final.exists() and not others:
            raise CacheError(
                f"{final} exists without {MARKER}: it was not built by this tool or is "
                f"incomplete; remove it (see modal/README.md, 'Preprocessing cache')"
            )
        key_dir.mkdir(parents=True, exist_ok=True)
        if others and held is not None:
            if waited_for != held.get("owner"):
                waited_for = str(held.get("owner"))
                out.write(
                    f"[bgb] cache {key_dir.name}/{split}: being built by {waited_for}; waiting\n"
                )
                out.flush()
            sleep(t.poll_s)
            continue
        if held is not None and held.get("owner") != owner:
            out.write(
                f"[bgb] cache {key_dir.name}/{split}: taking over the stale build of "
                f"{held.get('owner')} (no heartbeat for {now() - float(held['heartbeat']):.0f} s)\n"
            )
        if not _take_lock(lock, owner, held, now()):
            continue
        ops.commit()
        if ops.shared and t.settle_s:
            sleep(t.settle_s)
            _reload(ops, out)
        mine = _read_lock(lock)
        if mine is not None and mine.get("owner") == owner:
            break
        # another run's lock replaced ours: wait for it

    building = key_dir / BUILDING / split
    building.mkdir(parents=True, exist_ok=True)
    out.write(f"[bgb] cache {key_dir.name}/{split}: building in {building}\n")
    out.flush()
    try:
        with _Heartbeat(lock, owner, t.heartbeat_s, ops, now):
            build(building)
            marker = verify(building)
        marker = {**marker, "split": split, "built_by": owner, "built_at": run_record.utc_now()}
        _write_json(building / MARKER, marker)
        try:
            os.rename(building, final)
        except OSError:
            if read_marker(final) is None:
                raise CacheError(f"cannot move {building} to {final}") from None
            shutil.rmtree(building, ignore_errors=True)  # another builder finished first
    finally:
        _release(lock, owner)
        ops.commit()
    done = read_marker(final)
    if done is None:
        raise CacheError(f"{final} has no {MARKER} after the build")
    return Outcome(split, final, "built", done)
