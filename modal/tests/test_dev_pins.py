"""The local test venv (requirements-dev.txt) and the GPU image (bgb_modal/versions.py) pin the
same version of every package both install, so the tests exercise bgb_modal with what the image
runs. Where they differed, the image wins: its pins are the pinned trainer's uv.lock versions
(PyYAML 6.0.2), which the trainer runs with on Modal.
"""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name

from bgb_modal import versions as v

from .conftest import MODAL_DIR

# The one deliberate difference: the image needs numpy 1.x for torch 2.2.2's compiled ABI; the
# test venv has no torch, and bgb_modal calls only what both have (asarray, load, arange, random).
IMAGE_ONLY_CONSTRAINT = {"numpy"}

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")


def _dev_pins() -> dict[str, str]:
    pins = {}
    for line in (MODAL_DIR / "requirements-dev.txt").read_text().splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[canonicalize_name(m.group(1).split("[")[0])] = m.group(2)
    return pins


def _image_pins() -> dict[str, str]:
    pins = {}
    for value in vars(v).values():
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, str):
                m = PIN.match(item)
                if m:
                    pins[canonicalize_name(m.group(1))] = m.group(2).split("+")[0]
    return pins


def test_shared_packages_have_the_images_version() -> None:
    dev, image = _dev_pins(), _image_pins()
    shared = sorted((set(dev) & set(image)) - IMAGE_ONLY_CONSTRAINT)
    assert "pyyaml" in shared  # the case this test was written for
    differ = {n: (dev[n], image[n]) for n in shared if dev[n] != image[n]}
    assert differ == {}, f"requirements-dev.txt vs versions.py (dev, image): {differ}"
