"""The ONLY place the tests read modal 1.6.4 internals.

modal has no public API that lists an Image's layers or a Function's timeout/retries
(`App.registered_functions` is public but deprecated in 1.6.4). Each image method stores a
`dockerfile_function` in the closure of the object's loader; calling it with a builder
version returns the Dockerfile commands Modal would send to its builder. If a modal upgrade
changes these internals, only this file needs to follow.
"""

from __future__ import annotations

from typing import Any

import modal
from modal._image import LATEST_IMAGE_BUILDER_VERSION
from modal._utils.async_utils import synchronizer


def _impl(obj: Any) -> Any:
    return synchronizer._translate_in(obj)


def _cells(fn: Any) -> dict[str, Any]:
    return {
        n: c.cell_contents
        for n, c in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True)
    }


def image_layers(
    image: modal.Image, builder_version: str = LATEST_IMAGE_BUILDER_VERSION
) -> list[str]:
    """Dockerfile commands of an Image, base first, without the 'FROM base' lines; a layer of
    local files added at container start shows as 'LOCAL <remote path>' (or 'LOCAL python
    <module>')."""
    layers: list[list[str]] = []
    node = _impl(image)
    while node is not None:
        cells = _cells(node._load)
        if "mount" in cells and "base_image" in cells:
            local = []
            for e in cells["mount"]._entries:
                if hasattr(e, "remote_path"):
                    local.append(f"LOCAL {e.remote_path} <- {e.local_dir}")
                else:
                    local.append(f"LOCAL python {e.module_name}")
            layers.append(local)
            node = cells["base_image"]
        elif "dockerfile_function" in cells:
            cmds = cells["dockerfile_function"](builder_version).commands
            layers.append([c for c in cmds if c != "FROM base"])
            node = (cells.get("base_images") or {}).get("base")
        elif "split_image" in cells:  # from_registry(add_python=...)
            node = (
                cells["split_image"] if builder_version > "2025.06" else cells["single_layer_image"]
            )
        else:
            raise AssertionError(f"unknown image layer {node!r}: {sorted(cells)}")
    return [cmd for layer in reversed(layers) for cmd in layer]


def function_spec(fn: modal.Function) -> Any:
    """Modal's _FunctionSpec of a decorated function: gpus, cpu, memory, volumes, secrets,
    scheduler_placement."""
    return _impl(fn)._spec


def function_options(fn: modal.Function) -> dict[str, Any]:
    """timeout and retry policy, which _FunctionSpec does not hold."""
    cells = _cells(_impl(fn)._load)
    rp = cells.get("retry_policy")
    return {"timeout": cells["timeout"], "retries": rp.retries if rp is not None else 0}


def object_rep(obj: Any) -> str:
    """Modal's description of a lazily defined object, e.g. "Secret.from_name('x')"."""
    impl = _impl(obj)
    rep = impl._rep if hasattr(impl, "_rep") else repr(impl)
    return rep.removeprefix("modal.")
