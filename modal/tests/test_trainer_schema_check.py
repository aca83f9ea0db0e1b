"""bgb_modal.trainer_schema_check: the trainer's own pydantic Config on our configs.

The module runs where pydantic is: the launcher's small venv (scripts/trainer-check-venv.sh,
pydantic + PyYAML at the trainer's uv.lock versions, no torch) or the GPU image. modal/.venv has
no pydantic, so these tests run the module in that venv, as the launcher does.

Tests marked "pinned trainer" need the checkout at vendor/brain-go-brr-v2 (sh scripts/trainer.sh)
and are skipped, with that reason printed (-rs), when it is absent. The others use a stand-in
schemas.py written here (a strict pydantic model), so they run everywhere the venv can be built.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from .conftest import MODAL_DIR, REPO_ROOT

TRAINER = REPO_ROOT / "vendor" / "brain-go-brr-v2"
TRAINER_SCHEMA = TRAINER / "src" / "brain_brr" / "config" / "schemas.py"
PROJECT_KINDS = {"datasets.yaml", "launch.yaml", "gpus.yaml", "ci.yaml"}
TRAINING_CONFIGS = sorted(
    p for p in (REPO_ROOT / "configs").glob("*.yaml") if p.name not in PROJECT_KINDS
)

needs_trainer = pytest.mark.skipif(
    not TRAINER_SCHEMA.is_file(),
    reason=(
        "pinned trainer checkout absent (vendor/brain-go-brr-v2): the trainer's own Config was "
        "NOT run on configs/; fetch it with `sh scripts/trainer.sh`"
    ),
)


@pytest.fixture(scope="session")
def venv_python() -> str:
    r = subprocess.run(
        ["sh", str(REPO_ROOT / "scripts" / "trainer-check-venv.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0:
        pytest.skip(f"the trainer-check venv could not be built: {r.stderr.strip()[-300:]}")
    return r.stdout.strip().splitlines()[-1]


def run_check(python: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "bgb_modal.trainer_schema_check", *map(str, args)],
        cwd=MODAL_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )


STAND_IN_SCHEMA = textwrap.dedent(
    """
    # Stand-in for the trainer's schemas.py: strict sections like upstream's StrictModel.
    from pathlib import Path
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class Data(Strict):
        data_dir: Path = Path("data")
        cache_dir: Path = Path("cache/data")

    class Experiment(Strict):
        output_dir: Path = Path("results")
        cache_dir: Path = Path("cache")

    class Training(Strict):
        epochs: int = Field(default=1, ge=1, le=200)

    class Config(Strict):
        data: Data = Field(default_factory=Data)
        experiment: Experiment = Field(default_factory=Experiment)
        training: Training = Field(default_factory=Training)

        @model_validator(mode="after")
        def effective_paths(self):
            # Only the GPU side's rewrite produces these: proves the rewritten config is checked.
            if str(self.experiment.output_dir) != "/results/run-1":
                raise ValueError(f"output_dir is {self.experiment.output_dir}")
            return self
    """
)


@pytest.fixture
def stand_in_trainer(tmp_path: Path) -> Path:
    schema = tmp_path / "trainer" / "src" / "brain_brr" / "config" / "schemas.py"
    schema.parent.mkdir(parents=True)
    schema.write_text(STAND_IN_SCHEMA, encoding="utf-8")
    # A package __init__ that cannot be imported: the module must be loaded by path.
    (tmp_path / "trainer" / "src" / "brain_brr" / "__init__.py").write_text(
        "import torch  # not installed in the check venv\n", encoding="utf-8"
    )
    return tmp_path / "trainer"


def test_a_forbidden_key_is_one_line_naming_file_and_key(
    venv_python: str, stand_in_trainer: Path, tmp_path: Path
) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("data:\n  data_dir: /data/edf\n  encoder: {}\ntraining:\n  epochs: 0\n")
    r = run_check(
        venv_python,
        "--trainer",
        stand_in_trainer,
        "--run",
        "run-1",
        "--data-root",
        "/data/tuh",
        "--label",
        "configs/cfg.yaml",
        cfg,
    )
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines() == [
        (
            "configs/cfg.yaml: data.encoder: Extra inputs are not permitted "
            "(the trainer's schema has no such key)"
        ),
        "configs/cfg.yaml: training.epochs: Input should be greater than or equal to 1",
    ]


def test_the_config_is_checked_after_the_gpu_sides_path_rewrite(
    venv_python: str, stand_in_trainer: Path, tmp_path: Path
) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("experiment:\n  output_dir: /somewhere/else\n")
    ok = run_check(
        venv_python, "--trainer", stand_in_trainer, "--run", "run-1", "--data-root", "/d", cfg
    )
    assert (ok.returncode, ok.stdout) == (0, ""), ok.stderr
    # Without --run the file is checked as written, and the stand-in's validator sees it.
    raw = run_check(venv_python, "--trainer", stand_in_trainer, cfg)
    assert raw.returncode == 1
    assert raw.stdout == f"{cfg}: Value error, output_dir is /somewhere/else\n"


def test_exit_codes_for_what_is_not_a_config_error(
    venv_python: str, stand_in_trainer: Path, tmp_path: Path
) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("- a list\n")
    r = run_check(venv_python, "--trainer", stand_in_trainer, cfg)
    assert (r.returncode, r.stdout) == (
        1,
        f"{cfg}: expected a mapping at the top level, not list\n",
    )

    missing = run_check(venv_python, "--trainer", stand_in_trainer, tmp_path / "nope.yaml")
    assert missing.returncode == 2
    assert "nope.yaml: cannot read the file" in missing.stderr

    no_schema = run_check(venv_python, "--trainer", tmp_path / "empty", cfg)
    assert no_schema.returncode == 3
    assert no_schema.stderr.startswith("trainer_schema_check: ")
    assert "no src/brain_brr/config/schemas.py" in no_schema.stderr
    assert "Traceback" not in no_schema.stderr

    usage = run_check(venv_python, "--trainer", stand_in_trainer)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


@needs_trainer
@pytest.mark.parametrize("config", TRAINING_CONFIGS, ids=lambda p: p.name)
def test_every_training_config_passes_the_pinned_trainers_config(
    venv_python: str, config: Path
) -> None:
    r = run_check(
        venv_python,
        "--trainer",
        TRAINER,
        "--run",
        "preflight-test",
        "--data-root",
        "/data/tuh",
        "--no-wandb",
        config,
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@needs_trainer
def test_the_pinned_trainer_rejects_the_old_u_net_layout(venv_python: str, tmp_path: Path) -> None:
    cfg = tmp_path / "old.yaml"
    doc = yaml.safe_load((REPO_ROOT / "configs" / "smoke_test.yaml").read_text())
    doc["model"]["encoder"] = {"stages": 4}
    doc["resources"] = {"compile_model": False}
    cfg.write_text(yaml.safe_dump(doc))
    r = run_check(venv_python, "--trainer", TRAINER, "--label", "old.yaml", cfg)
    assert r.returncode == 1
    assert [line.split(": ")[1] for line in r.stdout.splitlines()] == [
        "model.encoder",
        "resources.compile_model",
    ]


@needs_trainer
def test_the_venv_pins_are_the_trainers_uv_lock_versions() -> None:
    lock = (TRAINER / "uv.lock").read_text(encoding="utf-8")
    locked = dict(re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', lock))
    req = (REPO_ROOT / "scripts" / "trainer-check-requirements.txt").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", req, re.MULTILINE))
    assert pins, "no pins in scripts/trainer-check-requirements.txt"
    assert {name: locked.get(name) for name in pins} == pins
