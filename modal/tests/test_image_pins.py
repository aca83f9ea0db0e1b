"""The image's pinned Python packages, resolved for real (issue 9).

pip resolves the whole pin set against PyPI from package metadata alone (no torch wheel is
downloaded), the mamba-ssm / causal-conv1d / PyG-extension sources are read for their
requirements, and the pinned transformers and setuptools are opened and checked for exactly
what mamba-ssm 2.2.2 and torch 2.2.2 use from them. Each check also runs on a version known
to break (transformers 5, setuptools 70) and must fail there, so none of them can pass
vacuously. Downloads are cached (BGB_PIN_CACHE, default ~/.cache/bgb-modal-pins); without
PyPI these tests fail, they never skip.

What this cannot show: that the CUDA extensions compile in the image, or the contents of the
cu121 and PyG wheel pages (not reachable here). `--action check` on Modal covers those.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bgb_modal import versions as v
from bgb_modal.image_plan import image_plan

from .conftest import REPO_ROOT
from .pypi_dists import (
    CACHE,
    fetch,
    pip,
    requirement_names,
    sdist_sources,
    setup_py_requires,
    wheel_sources,
)

# Built from source against the installed torch: pip cannot read their metadata without
# torch, so their requirements are read from setup.py instead.
SOURCE_BUILDS = {
    "causal-conv1d": "causal_conv1d-1.4.0.tar.gz",
    "mamba-ssm": "mamba_ssm-2.2.2.tar.gz",
}
# Prebuilt for torch 2.2 + cu121 on PyG's wheel page only; PyPI has their sources.
PYG_SOURCES = {
    "torch-scatter": "torch_scatter-2.1.2.tar.gz",
    "torch-sparse": "torch_sparse-0.6.18.tar.gz",
}
BROKEN_TRANSFORMERS = "transformers-5.0.0-py3-none-any.whl"
BROKEN_SETUPTOOLS = "setuptools-70.0.0-py3-none-any.whl"


def _pip_steps() -> list[dict[str, str]]:
    """Each pip_install step of the image as {canonical name: pinned version}, in order."""
    steps = []
    for step in image_plan(None, None):
        if step.method == "pip_install":
            pins = {}
            for text in step.args:
                r = Requirement(text)
                spec = list(r.specifier)
                assert len(spec) == 1 and spec[0].operator == "==", f"{text} is not pinned"
                pins[canonicalize_name(r.name)] = spec[0].version
            steps.append(pins)
    return steps


def _pypi_pins() -> dict[str, str]:
    out: dict[str, str] = {}
    for step in _pip_steps():
        out.update(step)
    for name in (*SOURCE_BUILDS, *PYG_SOURCES):
        out.pop(name)
    return out


def _resolve(pins: dict[str, str]) -> dict:
    """pip's resolution report for the pins on Linux x86_64 / CPython 3.11, from metadata
    only (PEP 658), cached by its inputs."""
    platforms = [f"manylinux_2_{i}_x86_64" for i in range(35, 4, -1)]
    platforms += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    reqs = sorted(f"{n}=={ver}" for n, ver in pins.items())
    pip_version = pip("--version").stdout.split()[1]
    key = hashlib.sha256(json.dumps([pip_version, platforms, reqs]).encode()).hexdigest()
    cached = CACHE / "reports" / f"{key[:24]}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.part")
    args = ["install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(tmp)]
    args += ["--index-url", "https://pypi.org/simple", "--only-binary=:all:"]
    args += ["--python-version", "3.11", "--implementation", "cp"]
    args += ["--target", str(CACHE / "unused-target")]
    for p in platforms:
        args += ["--platform", p]
    pip(*args, *reqs)
    tmp.replace(cached)
    return json.loads(cached.read_text())


@pytest.fixture(scope="module")
def report() -> dict:
    return _resolve(_pypi_pins())


@pytest.fixture(scope="module")
def source_requires() -> dict[str, list[str]]:
    out = {}
    for project, filename in {**SOURCE_BUILDS, **PYG_SOURCES}.items():
        src = sdist_sources(fetch(project, filename))
        out[project] = setup_py_requires(src["setup.py"])
    return out


def test_pip_resolves_exactly_the_pinned_set(report):
    """The resolver accepts every pin together and pulls in nothing unpinned."""
    pins = _pypi_pins()
    got = {
        canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"]
        for i in report["install"]
    }
    unpinned = {n: ver for n, ver in got.items() if n not in pins}
    differs = {n: (pins[n], ver) for n, ver in got.items() if n in pins and pins[n] != ver}
    assert not unpinned, f"installed but not pinned in versions.py: {unpinned}"
    assert not differs, f"pinned vs resolved: {differs}"
    assert set(got) == set(pins)
    assert got["torch"] == "2.2.2" and got["triton"] == "2.2.0"
    assert Version(got["transformers"]).major == 4 and Version(got["setuptools"]) < Version("70")
    assert Version(got["numpy"]).major == 1


def _step_problems(report: dict, source_requires: dict[str, list[str]]) -> list[str]:
    requires = {
        canonicalize_name(i["metadata"]["name"]): i["metadata"].get("requires_dist") or []
        for i in report["install"]
    }
    requires.update(source_requires)
    pinned: dict[str, str] = {}
    problems = []
    for step in _pip_steps():
        pinned.update(step)
        for name in step:
            for text in requires[name]:
                r = Requirement(text)
                if r.marker is not None and not r.marker.evaluate({"extra": ""}):
                    continue
                dep = canonicalize_name(r.name)
                if dep not in pinned:
                    problems.append(f"{name} needs {dep}, installed only later or never")
                elif not r.specifier.contains(pinned[dep].split("+")[0], prereleases=True):
                    problems.append(f"{name} needs {r}, pinned {dep}=={pinned[dep]}")
    return problems


def test_every_step_needs_only_what_it_or_an_earlier_step_installs(report, source_requires):
    """pip installs each step on top of the previous ones: a requirement that only a later
    step pins would be fetched unpinned (mamba-ssm and causal-conv1d run with --no-deps, so
    for them it would be missing)."""
    assert _step_problems(report, source_requires) == []
    assert requirement_names(source_requires["mamba-ssm"]) == {
        "torch", "packaging", "ninja", "einops", "triton", "transformers"
    }  # fmt: skip


def test_the_step_check_catches_a_requirement_installed_too_late(
    report, source_requires, monkeypatch
):
    """transformers moved after mamba-ssm (as the image had it: not at all): reported."""
    moved = tuple(p for p in v.MAMBA_DEPS if not p.startswith("transformers=="))
    late = (*v.TRAINER_PACKAGES, next(p for p in v.MAMBA_DEPS if p.startswith("transformers")))
    monkeypatch.setattr(v, "MAMBA_DEPS", moved)
    monkeypatch.setattr(v, "TRAINER_PACKAGES", late)
    assert "mamba-ssm needs transformers, installed only later or never" in _step_problems(
        report, source_requires
    )


# --- what mamba-ssm 2.2.2 imports from transformers -----------------------------------------


def _transformers_imports(sources: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, module, name) for every `from transformers... import name` in mamba_ssm."""
    out = []
    for path, text in sources.items():
        if not path.startswith("mamba_ssm/"):
            continue
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").split(".")[0] == "transformers"
            ):
                out += [(path, str(node.module), a.name) for a in node.names]
    return out


def _module_file(sources: dict[str, str], module: str) -> str | None:
    base = module.replace(".", "/")
    for cand in (f"{base}/__init__.py", f"{base}.py"):
        if cand in sources:
            return cand
    return None


def _lazy_exports(tree: ast.Module) -> dict[str, str]:
    """transformers' lazy `_import_structure`: exported name -> submodule."""
    out: dict[str, str] = {}

    def add(key: ast.expr, names: ast.expr) -> None:
        if isinstance(key, ast.Constant) and isinstance(names, ast.List | ast.Tuple):
            for e in names.elts:
                if isinstance(e, ast.Constant):
                    out[e.value] = key.value

    def is_structure(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == "_import_structure"

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if is_structure(t) and isinstance(node.value, ast.Dict):
                    for k, val in zip(node.value.keys, node.value.values, strict=True):
                        if k is not None:
                            add(k, val)
                elif isinstance(t, ast.Subscript) and is_structure(t.value):
                    add(t.slice, node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("extend", "append")
            and isinstance(node.func.value, ast.Subscript)
            and is_structure(node.func.value.value)
            and node.args
        ):
            arg = node.args[0]
            names = arg if node.func.attr == "extend" else ast.List(elts=[arg])
            add(node.func.value.slice, names)
    return out


def _module_level(tree: ast.Module):
    """Statements that run at import time (inside if/try blocks too, not in functions)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        for attr in ("body", "orelse", "finalbody", "handlers"):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                todo += getattr(node, attr, [])


def defines(sources: dict[str, str], module: str, name: str, depth: int = 0) -> bool:
    """Whether importing `name` from `module` finds a definition in these sources: a class,
    function or assignment, reached directly, through `from .x import name` / `*`, or
    through the lazy `_import_structure`."""
    path = _module_file(sources, module)
    if path is None or depth > 8:
        return False
    tree = ast.parse(sources[path])
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    stars = []
    for node in _module_level(tree):
        if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - max(node.level - 1, 0)]
            src = ".".join(base + ([node.module] if node.module else []))
            if node.level == 0:
                src = node.module or ""
            for a in node.names:
                if a.name == "*":
                    stars.append(src)
                elif (a.asname or a.name) == name:
                    return defines(sources, src, a.name, depth + 1)
    lazy = _lazy_exports(tree)
    if name in lazy:
        return defines(sources, f"{module}.{lazy[name]}", name, depth + 1)
    return any(defines(sources, s, name, depth + 1) for s in stars)


def _missing_names(mamba: dict[str, str], transformers: dict[str, str]) -> list[str]:
    return [
        f"{file}: from {module} import {name}"
        for file, module, name in _transformers_imports(mamba)
        if not defines(transformers, module, name)
    ]


@pytest.fixture(scope="module")
def mamba_sources() -> dict[str, str]:
    return sdist_sources(fetch("mamba-ssm", SOURCE_BUILDS["mamba-ssm"]))


def _pinned(name: str) -> str:
    return next(step[name] for step in _pip_steps() if name in step)


def test_pinned_transformers_defines_every_name_mamba_ssm_imports(mamba_sources):
    imports = _transformers_imports(mamba_sources)
    names = {n for _, _, n in imports}
    assert {"GreedySearchDecoderOnlyOutput", "SampleDecoderOnlyOutput", "TextStreamer"} <= names
    assert {"WEIGHTS_NAME", "CONFIG_NAME", "cached_file"} <= names
    wheel = fetch("transformers", f"transformers-{_pinned('transformers')}-py3-none-any.whl")
    assert _missing_names(mamba_sources, wheel_sources(wheel)) == []


def test_the_name_check_fails_on_transformers_5(mamba_sources):
    """The release that broke the image: the same check reports the missing names."""
    broken = wheel_sources(fetch("transformers", BROKEN_TRANSFORMERS))
    missing = _missing_names(mamba_sources, broken)
    assert any("GreedySearchDecoderOnlyOutput" in m for m in missing), missing
    assert any("SampleDecoderOnlyOutput" in m for m in missing), missing
    assert not any("TextStreamer" in m for m in missing), missing  # still there in 5.x


# --- what torch 2.2.2's cpp_extension imports from setuptools -------------------------------

# torch/utils/cpp_extension.py in torch 2.2.2 does `from pkg_resources import packaging` and
# compares CUDA/compiler versions with packaging.version.
CPP_EXTENSION_USE = (
    "import pkg_resources, sys\n"
    "from pkg_resources import packaging\n"
    "assert pkg_resources.__file__.startswith(sys.argv[1]), pkg_resources.__file__\n"
    "assert packaging.version.parse('12.1') < packaging.version.parse('12.10')\n"
    "print(packaging.version.Version('2.2.2'))\n"
)


def _run_with_setuptools(wheel: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    import zipfile

    root = tmp_path / wheel.stem
    with zipfile.ZipFile(wheel) as z:
        z.extractall(root)
    return subprocess.run(
        [sys.executable, "-c", CPP_EXTENSION_USE, str(root)],
        check=False,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_pinned_setuptools_serves_pkg_resources_packaging(tmp_path):
    wheel = fetch("setuptools", f"setuptools-{_pinned('setuptools')}-py3-none-any.whl")
    cp = _run_with_setuptools(wheel, tmp_path)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip() == "2.2.2"


def test_the_setuptools_check_fails_on_setuptools_70(tmp_path):
    cp = _run_with_setuptools(fetch("setuptools", BROKEN_SETUPTOOLS), tmp_path)
    assert cp.returncode != 0
    assert "cannot import name 'packaging' from 'pkg_resources'" in cp.stderr


# --- what the trainer imports ---------------------------------------------------------------

TRAINER_SRC = REPO_ROOT / "vendor" / "brain-go-brr-v2" / "src"
STDLIB = set(sys.stdlib_module_names) | {"src", "__future__"}


@pytest.mark.skipif(not TRAINER_SRC.is_dir(), reason="trainer checkout (vendor/) not present")
def test_every_third_party_module_the_trainer_imports_is_in_the_image_import_check():
    found = set()
    for path in TRAINER_SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - STDLIB
    assert third_party <= set(v.TRAINER_IMPORTS), third_party - set(v.TRAINER_IMPORTS)
    assert {"mamba_ssm", "torch_geometric", "pytorch_tcn"} <= third_party
