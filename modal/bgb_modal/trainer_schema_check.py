"""Validate training configs with the pinned trainer's own pydantic `Config`, before a GPU is paid.

The trainer (brain-go-brr-v2, pinned in configs/launch.yaml) validates its YAML with
`src/brain_brr/config/schemas.py` and exits 1 on the first run that reaches it, on the GPU. This
module loads that one file BY PATH (importing the `src.brain_brr` package would pull in torch
through its __init__), applies the same path rewrite the GPU side applies (paths.rewrite_config),
and reports every error as one line: `file: key.path: message`.

Used by the launcher's preflight and `pnpm launch validate` (in a small venv with only pydantic
and PyYAML: scripts/trainer-check-venv.sh) and by the GPU-side `check` action (in the image).

    python -m bgb_modal.trainer_schema_check --trainer vendor/brain-go-brr-v2 \\
        [--run NAME --data-root /data/tuh [--cache-dir DIR] [--no-wandb]] [--label NAME] CONFIG...

Exit codes:
    0  every config passes the trainer's Config
    1  at least one config is rejected (one line per error on stdout)
    2  usage: bad arguments, or a config file that cannot be read
    3  the trainer's schema cannot be loaded (no checkout, no schemas.py, pydantic missing)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .paths import PathError, RunPaths, rewrite_config

SCHEMA_RELPATH = PurePosixPath("brain_brr/config/schemas.py")

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NO_SCHEMA = 0, 1, 2, 3


class SchemaLoadError(RuntimeError):
    """The trainer's schema module cannot be found or imported; the message is one line."""


@dataclass(frozen=True)
class TrainerIssue:
    path: str  # dotted key path ("" for the whole document)
    message: str

    def line(self, file: str) -> str:
        return f"{file}: {self.path}: {self.message}" if self.path else f"{file}: {self.message}"


def schema_file(trainer: str | Path) -> Path:
    """schemas.py of a trainer checkout (`<dir>/src/...`) or of its src/ folder (`/app/src`)."""
    base = Path(trainer)
    for candidate in (base / "src" / SCHEMA_RELPATH, base / SCHEMA_RELPATH):
        if candidate.is_file():
            return candidate
    raise SchemaLoadError(
        f"{base}: no src/{SCHEMA_RELPATH} (is it a checkout of the trainer at the pinned commit?)"
    )


def load_config_class(trainer: str | Path) -> type:
    """The trainer's `Config` model, from schemas.py loaded by file path (no package import)."""
    path = schema_file(trainer)
    name = f"_bgb_trainer_schemas_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SchemaLoadError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the models' annotations through it
    try:
        spec.loader.exec_module(module)
    except ImportError as e:
        raise SchemaLoadError(
            f"{path}: importing it failed ({e}); this needs pydantic (scripts/trainer-check-venv.sh)"
        ) from None
    except Exception as e:  # noqa: BLE001 - the trainer's module may raise anything; one line
        raise SchemaLoadError(f"{path}: importing it failed ({type(e).__name__}: {e})") from None
    config = getattr(module, "Config", None)
    if not isinstance(config, type) or not hasattr(config, "model_validate"):
        raise SchemaLoadError(f"{path}: defines no pydantic `Config` model")
    return config


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _message(err: Any) -> str:
    if err.get("type") == "extra_forbidden":
        return f"{err['msg']} (the trainer's schema has no such key)"
    return str(err["msg"])


def validate_data(data: Any, config_cls: type) -> list[TrainerIssue]:
    """Every error the trainer's `Config(**data)` (what Config.from_yaml does) raises."""
    from pydantic import ValidationError

    if data is None:
        return [TrainerIssue("", "the file is empty (the trainer needs a mapping of sections)")]
    if not isinstance(data, dict):
        return [TrainerIssue("", f"expected a mapping at the top level, not {type(data).__name__}")]
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        return [TrainerIssue("", f"top-level keys must be strings (got {bad_keys[0]!r})")]
    try:
        config_cls(**data)
    except ValidationError as e:
        return [TrainerIssue(_dotted(err["loc"]), _message(err)) for err in e.errors()]
    return []


def effective_config(
    data: Any,
    *,
    run: str,
    data_root: str,
    results_root: str = "/results",
    cache_dir: str | None = None,
    wandb_available: bool | None = None,
) -> Any:
    """The config as the GPU side hands it to the trainer (paths.rewrite_config). The cache
    directory's exact name does not change what the schema accepts; the GPU side derives it."""
    new, _changes = rewrite_config(
        data,
        RunPaths.of(results_root, run),
        data_root,
        cache_dir=cache_dir or str(PurePosixPath(results_root) / "cache" / "preflight"),
        wandb_available=wandb_available,
    )
    return new


def read_yaml(path: Path) -> Any:
    """The file as the trainer reads it: PyYAML's safe_load (YAML 1.1)."""
    import yaml

    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check_file(
    path: Path,
    config_cls: type,
    *,
    run: str | None = None,
    data_root: str | None = None,
    results_root: str = "/results",
    cache_dir: str | None = None,
    wandb_available: bool | None = None,
) -> list[TrainerIssue]:
    """Issues of one config file; raises OSError when it cannot be read."""
    import yaml

    try:
        data = read_yaml(path)
    except yaml.YAMLError as e:
        return [TrainerIssue("", f"YAML error: {' '.join(str(e).split())}")]
    if run is not None and isinstance(data, dict):
        try:
            data = effective_config(
                data,
                run=run,
                data_root=data_root or "/data",
                results_root=results_root,
                cache_dir=cache_dir,
                wandb_available=wandb_available,
            )
        except PathError as e:
            return [TrainerIssue("", str(e))]
    return validate_data(data, config_cls)


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line and exit 2, not argparse's usage dump
        raise _Usage(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m bgb_modal.trainer_schema_check",
        description="Validate training configs with the pinned trainer's own pydantic Config.",
    )
    p.add_argument("--trainer", required=True, help="trainer checkout (or its src/ folder)")
    p.add_argument("--run", help="run name: validate the config after the GPU side's rewrite")
    p.add_argument("--data-root", help="dataset root on the container (with --run)")
    p.add_argument("--results-root", default="/results")
    p.add_argument("--cache-dir", help="preprocessing cache directory (with --run)")
    p.add_argument(
        "--wandb",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="whether the W&B secret is attached (--no-wandb turns experiment.wandb off)",
    )
    p.add_argument("--label", action="append", default=[], help="name shown for each config")
    p.add_argument("configs", nargs="+", metavar="CONFIG")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _Usage as e:
        print(f"trainer_schema_check: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.label and len(args.label) != len(args.configs):
        print("trainer_schema_check: give one --label per config, or none", file=sys.stderr)
        return EXIT_USAGE
    try:
        config_cls = load_config_class(args.trainer)
    except SchemaLoadError as e:
        print(f"trainer_schema_check: {e}", file=sys.stderr)
        return EXIT_NO_SCHEMA
    labels = args.label or args.configs
    code = EXIT_OK
    for label, cfg in zip(labels, args.configs, strict=True):
        try:
            issues = check_file(
                Path(cfg),
                config_cls,
                run=args.run,
                data_root=args.data_root,
                results_root=args.results_root,
                cache_dir=args.cache_dir,
                wandb_available=args.wandb,
            )
        except OSError as e:
            print(f"{label}: cannot read the file ({e.strerror or e})", file=sys.stderr)
            return EXIT_USAGE
        for issue in issues:
            print(issue.line(label))
        if issues:
            code = EXIT_INVALID
    return code


if __name__ == "__main__":
    sys.exit(main())
