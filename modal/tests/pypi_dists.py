"""Fetch real distributions from PyPI for the image-pin tests, cached across runs.

Files come from PyPI's JSON simple API (PEP 691, what pip itself reads) and are checked
against the SHA-256 the index lists. A cached file is reused by exact file name. Network
failures raise: these tests never skip because PyPI is unreachable.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

SIMPLE = "https://pypi.org/simple"
CACHE = Path(os.environ.get("BGB_PIN_CACHE") or Path.home() / ".cache" / "bgb-modal-pins")


def _index(project: str) -> dict:
    req = urllib.request.Request(
        f"{SIMPLE}/{canonicalize_name(project)}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.load(resp)


def fetch(project: str, filename: str) -> Path:
    """The file `filename` of `project` from PyPI, verified by its index SHA-256."""
    dest = CACHE / "files" / filename
    if dest.is_file():
        return dest
    files = {f["filename"]: f for f in _index(project)["files"]}
    if filename not in files:
        raise LookupError(f"PyPI has no file {filename} for {project}")
    entry = files[filename]
    with urllib.request.urlopen(entry["url"], timeout=300) as resp:
        data = resp.read()
    got = hashlib.sha256(data).hexdigest()
    if got != entry["hashes"]["sha256"]:
        raise ValueError(f"{filename}: sha256 {got} != index {entry['hashes']['sha256']}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(f"{dest.suffix}.{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, dest)
    return dest


def wheel_sources(path: Path) -> dict[str, str]:
    """Python sources of a pure wheel: {"transformers/generation/__init__.py": text}."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".py")}


def sdist_sources(path: Path) -> dict[str, str]:
    """Python sources of an sdist, keyed without the top `<name>-<version>/` folder."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(path.read_bytes())) as t:
        for m in t.getmembers():
            if m.isfile() and m.name.endswith(".py"):
                fh = t.extractfile(m)
                assert fh is not None
                out[m.name.split("/", 1)[1]] = fh.read().decode("utf-8")
    return out


def setup_py_requires(source: str) -> list[str]:
    """install_requires of a setup.py, as literal strings (keyword or module-level list)."""
    for node in ast.walk(ast.parse(source)):
        keyword = isinstance(node, ast.keyword) and node.arg == "install_requires"
        assign = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "install_requires" for t in node.targets
        )
        value = node.value if keyword or assign else None  # type: ignore[attr-defined]
        if isinstance(value, ast.List):
            return [e.value for e in value.elts if isinstance(e, ast.Constant)]
    raise LookupError("no literal install_requires in setup.py")


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    """Run this venv's pip against PyPI only (no local wheel folders from the environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_FIND_LINKS", "PIP_INDEX_URL")}
    env["PIP_NO_INPUT"] = "1"
    cp = subprocess.run(
        [sys.executable, "-m", "pip", *args], check=False, capture_output=True, text=True, env=env
    )
    if cp.returncode != 0:
        tail = "\n".join((cp.stderr or cp.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"pip {' '.join(args[:2])} failed ({cp.returncode}):\n{tail}")
    return cp


def requirement_names(requires: list[str]) -> set[str]:
    """Names of the requirements that apply here (Linux, this Python, no extras)."""
    names = set()
    for text in requires:
        r = Requirement(text)
        if r.marker is None or r.marker.evaluate({"extra": ""}):
            names.add(canonicalize_name(r.name))
    return names
