"""The real Modal CLI (modal 1.6.4 from this package's venv) parses the launcher's command
lines. Modal's cloud is unreachable here, so the server is pointed at a closed local port:
a command line that parses gets as far as connecting ("Could not connect to the Modal
server"), one that does not fails before. The client retries the connection for about a
minute; the test stops it at the first failed attempt, which is already past parsing."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, spec_doc

MODAL = Path(sys.executable).parent / "modal"
CONNECT_FAILED = "Could not connect to the Modal server"

# The launcher's smoke spec, as the other tests build it.
SPEC = spec_doc(Path("/data/tuh"), "e" * 64, cpu=8, memory_mib=32768)


def run_modal(args: list[str], tmp_path: Path, spec: str | None, timeout: float = 30):
    """Returns (exit code or None if stopped at the connection, output, reached_connect)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MODAL_", "BGB_"))}
    env.update(
        MODAL_SERVER_URL="http://127.0.0.1:9",
        MODAL_TOKEN_ID="ak-x",
        MODAL_TOKEN_SECRET="as-x",
        MODAL_CONFIG_PATH=str(tmp_path / "absent.toml"),
        MODAL_LOGLEVEL="DEBUG",  # logs the first failed connection attempt at once
        PYTHONUNBUFFERED="1",  # the CLI is killed at that line: nothing may wait in a buffer
    )
    if spec is not None:
        env["BGB_LAUNCH_SPEC"] = spec
    proc = subprocess.Popen(
        [str(MODAL), "run", *args],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out: list[str] = []
    deadline = time.monotonic() + timeout
    reached = False
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            out.append(line)
            if CONNECT_FAILED in line:
                reached = True
                break
        else:
            pytest.fail("modal run neither connected nor exited:\n" + "".join(out))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    return (None if reached else proc.returncode), "".join(out), reached


TRAIN = ["--action", "train", "--config", "configs/smoke.yaml", "--run", "r-1", "--resume"]
EVALUATE = [
    "--action",
    "evaluate",
    "--checkpoint",
    "/results/r-1/checkpoints/best.pt",
    "--split",
    "dev",
    "--run",
    "e-1",
]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--detach", "-n", "r-1", "modal/app.py", *TRAIN], id="launcher-train"),
        pytest.param(["--detach", "modal/app.py", "--", *TRAIN], id="seed-double-dash-train"),
        pytest.param(["modal/app.py", *EVALUATE], id="launcher-evaluate-attached"),
        pytest.param(["--detach", "modal/app.py", "--", *EVALUATE], id="seed-evaluate"),
        pytest.param(["--detach", "modal/app.py", "--action", "check", "--run", "c-1"], id="check"),
        pytest.param(["-d", "modal/app.py", "--", "--action", "stage"], id="stage"),
    ],
)
def test_launcher_argv_forms_parse_and_fail_only_on_connecting(argv, tmp_path):
    rc, out, reached = run_modal(argv, tmp_path, json.dumps(SPEC))
    assert reached, f"exit {rc} before connecting:\n{out}"
    assert "No such option" not in out and "Usage:" not in out
    if argv[0] in ("--detach", "-d"):
        assert "detached mode" in out  # Modal took --detach as its own flag


def test_default_spec_imports_too(tmp_path):
    _rc, out, reached = run_modal(["modal/app.py", "--action", "check"], tmp_path, None)
    assert reached, out


def test_a_misspelt_modal_option_fails_on_parsing(tmp_path):
    """The negative case: proves the check above can fail."""
    rc, out, reached = run_modal(["--detatch", "modal/app.py", *TRAIN], tmp_path, json.dumps(SPEC))
    assert not reached and rc == 2
    assert "No such option" in out


def test_a_malformed_launch_spec_fails_before_connecting_with_one_line(tmp_path):
    rc, out, reached = run_modal(
        ["modal/app.py", "--action", "check"], tmp_path, json.dumps({**SPEC, "gpu": "A100-800GB"})
    )
    assert not reached and rc == 1
    errors = [x for x in out.splitlines() if "BGB_LAUNCH_SPEC is invalid" in x]
    assert errors == [
        (
            "error: BGB_LAUNCH_SPEC is invalid: gpu: must be one of T4, L4, A10, A10G, L40S, "
            "A100, A100-40GB, A100-80GB, H100, H200, B200 with optional ':n' (got 'A100-800GB')"
        )
    ]
    assert "Traceback" not in out
