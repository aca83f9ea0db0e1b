"""Checks that a built cache split holds every file the trainer will look for.

The trainer's layout (data/datasets.py, data/cache_utils.py at 7504b39): one
`<edf stem>_windows.npz` per EDF (members `windows`, `labels`), `_dataset_index.json` (file
names and window counts, trusted when the names match), and for train/ a balanced-sampling
`manifest.json` (trusted when its files exist). The trainer itself treats a present `.npz` as
cached, so a file cut short by a dying container would be read by it; here an `.npz` counts only
when it is a complete zip (its central directory is written last) with both members. Plain
Python: runs in the Modal function, not in the trainer's environment.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from .cache_store import CacheError

BUILD_REPORT = ".bgb-build.json"  # written by cache_build.py after the trainer's dataset is built
INDEX = "_dataset_index.json"
MANIFEST = "manifest.json"
NPZ_MEMBERS = ("windows.npy", "labels.npy")


def npz_path(split_dir: Path, edf_stem: str) -> Path:
    return split_dir / f"{edf_stem}_windows.npz"


def npz_problem(path: Path) -> str | None:
    """None when the file is a complete npz with windows and labels, else what is wrong."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except FileNotFoundError:
        return "missing"
    except (zipfile.BadZipFile, OSError) as e:
        return f"unreadable ({e})"
    lacking = [m for m in NPZ_MEMBERS if m not in names]
    return f"no {' / '.join(lacking)}" if lacking else None


def verify_build(split_dir: Path) -> dict[str, Any]:
    """The marker content for a finished build; CacheError naming what is missing otherwise."""
    try:
        report = json.loads((split_dir / BUILD_REPORT).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as e:
        raise CacheError(
            f"{split_dir}: the builder left no readable {BUILD_REPORT} ({e})"
        ) from None
    stems = report.get("files") or []
    problems = [(s, npz_problem(npz_path(split_dir, s))) for s in stems]
    problems = [(s, p) for s, p in problems if p]
    if not stems:
        problems.append(("-", "the build lists no files"))
    if not (split_dir / INDEX).is_file():
        problems.append((INDEX, "missing"))
    if report.get("manifest") and not (split_dir / MANIFEST).is_file():
        problems.append((MANIFEST, "missing"))
    if problems:
        shown = "; ".join(f"{s}: {p}" for s, p in problems[:5])
        raise CacheError(
            f"{split_dir}: build incomplete, {len(problems)} problem(s): {shown}"
            + (" ..." if len(problems) > 5 else "")
        )
    return {k: report[k] for k in report if k != "files"} | {"files": len(stems)}
