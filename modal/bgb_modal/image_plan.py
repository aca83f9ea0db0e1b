"""The GPU image as data: an ordered list of modal.Image method calls.

app.py applies the plan to `modal.Image`; tests check the plan (and, separately, the Image
object that app.py built). The order is the one that works for mamba-ssm (issue 4):
CUDA devel base with Python, entrypoint cleared, build tools, CUDA env, torch from the cu121
index, setuptools/wheel/packaging/ninja, mamba-ssm's pinned requirements, causal-conv1d and
mamba-ssm without build isolation or dependencies, an import check, the trainer's
dependencies, the v3 model's PyTorch Geometric and pytorch-tcn, an import of every module the
trainer uses, and local files last (so editing them never invalidates the expensive
layers). Every package is pinned in versions.py (issue 9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import versions as v

# After mamba-ssm: the class the trainer uses imports (no GPU at build time, so no kernel runs).
MAMBA_IMPORT_CHECK = (
    'python -c "import torch, causal_conv1d, mamba_ssm; from mamba_ssm import Mamba2; '
    "print('mamba_ssm', mamba_ssm.__version__, 'torch', torch.__version__, "
    "'cuda', torch.version.cuda)\""
)
# Last install step: every module the trainer imports loads (catches an extension built
# against another torch, or a missing v3 dependency, at build time instead of in a run).
# No `pip check`: the image also holds packages Modal manages, which are not ours to pin.
FINAL_CHECK = (
    "python -c 'import " + ", ".join(v.TRAINER_IMPORTS) + '; print("trainer imports ok")\''
)
# Compiled against the installed torch; their requirements are installed, pinned, before them.
NO_DEPS_BUILD = "--no-build-isolation --no-deps"
LOCAL_IGNORE = ("**/__pycache__", "**/*.pyc", "**/.pytest_cache")


@dataclass(frozen=True)
class Step:
    method: str  # name of the modal.Image method (the first one is a static constructor)
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def image_plan(trainer_source: Path | None, configs_dir: Path | None) -> list[Step]:
    """Steps in build order. Local directories that do not exist are left out."""
    steps = [
        Step("from_registry", (v.BASE_IMAGE,), {"add_python": v.PYTHON_VERSION}),
        Step("entrypoint", ([],)),
        Step("apt_install", v.APT_PACKAGES, {"env": {"DEBIAN_FRONTEND": "noninteractive"}}),
        Step(
            "env",
            (
                {
                    "CUDA_HOME": v.CUDA_HOME,
                    "PATH": v.CUDA_PATH,
                    "TORCH_CUDA_ARCH_LIST": v.TORCH_CUDA_ARCH_LIST,
                },
            ),
        ),
        Step(
            "pip_install",
            v.TORCH_PACKAGES,
            {"index_url": v.TORCH_INDEX_URL, "extra_index_url": v.PYPI_INDEX_URL},
        ),
        Step("pip_install", v.BUILD_TOOLS),
        Step("pip_install", v.MAMBA_DEPS),
        Step("pip_install", (v.CAUSAL_CONV1D,), {"extra_options": NO_DEPS_BUILD}),
        Step("pip_install", (v.MAMBA_SSM,), {"extra_options": NO_DEPS_BUILD}),
        Step("run_commands", (MAMBA_IMPORT_CHECK,)),
        Step("pip_install", v.TRAINER_PACKAGES),
        Step("pip_install", v.PYG_EXTENSIONS, {"find_links": v.PYG_WHEEL_PAGE}),
        Step("pip_install", v.V3_PACKAGES),
        Step("run_commands", (FINAL_CHECK,)),
    ]
    # Local files last.
    if trainer_source is not None and trainer_source.is_dir():
        steps.append(
            Step(
                "add_local_dir",
                (str(trainer_source), v.TRAINER_REMOTE_DIR),
                {"ignore": list(LOCAL_IGNORE)},
            )
        )
    if configs_dir is not None and configs_dir.is_dir():
        steps.append(
            Step(
                "add_local_dir",
                (str(configs_dir), v.CONFIGS_REMOTE_DIR),
                {"ignore": list(LOCAL_IGNORE)},
            )
        )
    steps.append(Step("add_local_python_source", ("bgb_modal",)))
    return steps
