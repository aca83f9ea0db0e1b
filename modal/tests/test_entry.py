"""The entrypoint's argument parsing (what `main(*args)` receives from the Modal CLI)."""

import datetime as dt
import json
import re

import pytest

from bgb_modal.entry import (
    UsageError,
    bgb_run_line,
    checkpoint_run,
    detached_from_argv,
    generate_run_name,
    parse_args,
)

FULL = [
    "--action",
    "train",
    "--config",
    "configs/tusz_train_a100.yaml",
    "--run",
    "r-1",
    "--resume",
]


def test_both_argv_forms_parse_the_same():
    assert parse_args(FULL) == parse_args(["--", *FULL])
    a = parse_args(FULL)
    assert (a.action, a.config, a.run, a.resume) == (
        "train",
        "configs/tusz_train_a100.yaml",
        "r-1",
        True,
    )


def test_evaluate_with_checkpoint_and_split():
    a = parse_args(
        [
            "--action",
            "evaluate",
            "--checkpoint",
            "/results/r-1/checkpoints/best.pt",
            "--split",
            "eval",
        ]
    )
    assert (a.checkpoint, a.split) == ("/results/r-1/checkpoints/best.pt", "eval")
    assert a.run.startswith("evaluate-") and a.run != "r-1"


def test_seed_checkpoint_path_is_rejected_with_an_explanation():
    with pytest.raises(UsageError) as e:
        parse_args(["--action", "evaluate", "--checkpoint", "/results/checkpoints/best.ckpt"])
    assert "never written" in str(e.value) and "/results/<run>/checkpoints/" in str(e.value)


@pytest.mark.parametrize(
    "bad",
    [
        "/results/r/checkpoints/best.ckpt",
        "/results/r/best.pt",
        "results/r/checkpoints/best.pt",
        "/results/../etc/checkpoints/x.pt",
        "/results/r/checkpoints/sub/x.pt",
    ],
)
def test_checkpoint_shapes(bad):
    with pytest.raises(UsageError):
        checkpoint_run(bad)
    assert checkpoint_run("/results/r/checkpoints/last.pt") == "r"


@pytest.mark.parametrize(
    ("tokens", "needle"),
    [
        ([], "--action"),
        (["--action", "deploy"], "invalid choice"),
        (["--action", "train"], "needs --config"),
        (["--action", "evaluate"], "needs --checkpoint"),
        (["--action", "check", "--resume"], "only used by --action train"),
        (["--action", "train", "--config", "/abs/x.yaml"], "relative to the repo root"),
        (["--action", "train", "--config", "configs/x.yaml", "--run", "a/b"], "--run"),
        (["--action", "train", "--config", "configs/x.yaml", "--detach"], "unrecognized"),
        (["--action", "train", "--conf", "configs/x.yaml"], "unrecognized"),
        (
            [
                "--action",
                "evaluate",
                "--checkpoint",
                "/results/r/checkpoints/best.pt",
                "--run",
                "r",
            ],
            "must differ from the training run",
        ),
    ],
)
def test_bad_arguments(tokens, needle):
    with pytest.raises(UsageError) as e:
        parse_args(tokens)
    assert needle in str(e.value)


def test_generated_run_names_are_unique_and_path_safe():
    now = dt.datetime(2026, 11, 28, 15, 0, 0, tzinfo=dt.UTC)
    a = generate_run_name("train", "configs/tusz train.yaml", now)
    b = generate_run_name("train", "configs/tusz train.yaml", now)
    assert re.fullmatch(r"train-tusz-train-20261128-150000-[0-9a-f]{4}", a)
    assert re.fullmatch(r"train-tusz-train-20261128-150000-[0-9a-f]{4}", b)
    assert len({generate_run_name("train", None, now) for _ in range(50)}) > 40
    assert parse_args(["--action", "check"]).run.startswith("check-")


def test_bgb_run_line_is_one_parseable_line():
    line = bgb_run_line("r", "train", "fc-123", "ap-abc")
    assert line.startswith("BGB_RUN ") and "\n" not in line
    assert json.loads(line[len("BGB_RUN ") :]) == {
        "run": "r",
        "action": "train",
        "function_call_id": "fc-123",
        "app_id": "ap-abc",
    }


def test_detached_from_argv():
    assert detached_from_argv(["modal", "run", "--detach", "modal/app.py", "--action", "train"])
    assert detached_from_argv(["modal", "run", "-d", "app.py"])
    assert not detached_from_argv(["modal", "run", "app.py", "--detach"])  # the seed's mistake
