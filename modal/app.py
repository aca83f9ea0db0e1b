"""Brain-Go-Brr v2 on Modal: the app the launcher drives (issue 4, docs/contracts.md).

    modal run [--detach] modal/app.py --action train|evaluate|check|stage \\
        --config configs/<file>.yaml --run <name> [--checkpoint /results/<run>/checkpoints/best.pt] \\
        [--split eval] [--resume]

Resources and storage come from BGB_LAUNCH_SPEC (read at import: they are decorator
arguments). Everything that is not Modal wiring lives in bgb_modal/ and is tested without it.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import modal

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bgb_modal import versions as V
from bgb_modal.entry import UsageError, bgb_run_line, detached_from_argv, parse_args
from bgb_modal.function_plan import FunctionOptions, function_plan
from bgb_modal.image_plan import Step, image_plan
from bgb_modal.spec import ENV_VAR, SpecError, parse_spec

try:
    SPEC = parse_spec(os.environ.get(ENV_VAR))
except SpecError as _e:
    raise SystemExit(f"error: {ENV_VAR} is invalid: {_e}") from None

REPO_ROOT = HERE.parent
TRAINER_SOURCE = REPO_ROOT / SPEC.trainer_source
CONFIGS_DIR = REPO_ROOT / "configs"


def build_image(plan: list[Step]) -> modal.Image:
    first, *rest = plan
    image = getattr(modal.Image, first.method)(*first.args, **first.kwargs)
    for step in rest:
        image = getattr(image, step.method)(*step.args, **step.kwargs)
    return image


image = build_image(image_plan(TRAINER_SOURCE, CONFIGS_DIR))
app = modal.App(V.APP_NAME)

results_volume = modal.Volume.from_name(V.RESULTS_VOLUME, create_if_missing=True)
data_volume = modal.Volume.from_name(V.DATA_VOLUME, create_if_missing=True)
_VOLUMES = {V.RESULTS_VOLUME: results_volume, V.DATA_VOLUME: data_volume}
# The same spec inside the containers, so their import builds the same decorators. It holds
# no secret values (contracts.md section 2).
_SPEC_ENV = modal.Secret.from_dict({ENV_VAR: SPEC.to_json()})


def _mounts(o: FunctionOptions) -> dict[str, modal.Volume | modal.CloudBucketMount]:
    mounts: dict[str, modal.Volume | modal.CloudBucketMount] = {
        path: _VOLUMES[name] for path, name in o.volumes.items()
    }
    for path, ds in o.buckets.items():
        extra = {"bucket_endpoint_url": ds.endpoint_url} if ds.endpoint_url else {}
        mounts[path] = modal.CloudBucketMount(
            bucket_name=ds.bucket,
            key_prefix=ds.prefix,
            secret=modal.Secret.from_name(V.S3_SECRET),
            read_only=True,
            **extra,
        )
    return mounts


def _function(kind: str):
    o = function_plan(SPEC)[kind]
    return app.function(
        image=image,
        gpu=o.gpu,
        timeout=o.timeout,
        cpu=o.cpu,
        memory=o.memory,
        nonpreemptible=o.nonpreemptible,
        retries=modal.Retries(max_retries=o.retries, initial_delay=10.0, backoff_coefficient=1.0)
        if o.retries
        else None,
        volumes=_mounts(o),
        secrets=[_SPEC_ENV, *(modal.Secret.from_name(n) for n in o.secrets)],
    )


@_function("train")
def train(
    run: str,
    config_path: str,
    config_text: str,
    resume: bool,
    launch_id: str,  # chosen once per launch; every attempt of this input carries it
) -> dict:
    """One attempt. Runs past the 24 h timeout go through the function's modal.Retries: the
    body raises when its time is nearly up and the next attempt resumes (bgb_modal/runner.py)."""
    from bgb_modal.remote import do_train

    return do_train(
        SPEC,
        run=run,
        config_path=config_path,
        config_text=config_text,
        resume=resume,
        launch_id=launch_id,
        call_id=modal.current_function_call_id(),
        commit=results_volume.commit,
        reload=results_volume.reload,  # to see another run finish building the shared cache
        max_attempts=function_plan(SPEC)["train"].retries + 1,
    )


@_function("evaluate")
def evaluate(
    run: str, checkpoint: str, split: str = "eval", config_text: str | None = None
) -> dict:
    from bgb_modal.remote import do_evaluate

    results_volume.reload()  # see checkpoints committed by a training run
    return do_evaluate(
        SPEC,
        run=run,
        checkpoint=checkpoint,
        split=split,
        call_id=modal.current_function_call_id(),
        commit=results_volume.commit,
        reload=results_volume.reload,
        config_text=config_text,
    )


@_function("check")
def check(run: str) -> dict:
    from bgb_modal.remote import do_check

    return do_check(SPEC, run=run, commit=results_volume.commit)


@_function("stage")
def stage(run: str) -> dict:
    from bgb_modal.remote import do_stage

    return do_stage(
        SPEC, run=run, commit_results=results_volume.commit, commit_data=data_volume.commit
    )


def _detached() -> bool:
    """Whether `modal run --detach` started us. Reads the Modal CLI's click context (an
    internal of modal 1.6.4), falling back to the command line."""
    import click

    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, dict) and "detach" in ctx.obj:
            return bool(ctx.obj["detach"])
        ctx = ctx.parent
    return detached_from_argv(sys.argv)


def _read_config(config: str) -> str:
    for base in (Path.cwd(), REPO_ROOT):
        p = base / config
        if p.is_file():
            return p.read_bytes().decode("utf-8")  # exact bytes: config_sha256 matches the file
    raise UsageError(f"--config {config} not found (relative to {Path.cwd()} or {REPO_ROOT})")


@app.local_entrypoint()
def main(*args: str) -> None:
    try:
        a = parse_args(args)
        if a.action in ("train", "evaluate") and not (TRAINER_SOURCE / "__main__.py").is_file():
            raise UsageError(
                f"trainer source {TRAINER_SOURCE} has no __main__.py "
                f"({ENV_VAR}.trainer_source = {SPEC.trainer_source!r})"
            )
        if a.action in ("train", "evaluate", "stage") and not SPEC.datasets:
            raise UsageError(f"--action {a.action} needs a dataset: {ENV_VAR} has none")
        if a.action == "train":
            text = _read_config(a.config or "")
            call = train.spawn(a.run, a.config, text, a.resume, uuid.uuid4().hex)
        elif a.action == "evaluate":
            text = _read_config(a.config) if a.config else None  # for checkpoints without one
            call = evaluate.spawn(a.run, a.checkpoint, a.split, text)
        elif a.action == "check":
            call = check.spawn(a.run)
        else:
            call = stage.spawn(a.run)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None

    print(bgb_run_line(a.run, a.action, call.object_id, app.app_id), flush=True)
    if _detached():
        return  # the spawned call keeps running; the launcher follows it by run name and ids
    result = call.get()  # not detached: the app lives only as long as this client (retries too)
    status = result.get("exit_status") if isinstance(result, dict) else None
    print(f"BGB_RESULT {a.run} {status}: {result.get('message') or ''}".rstrip(), flush=True)
    if status != "succeeded":
        raise SystemExit(1)
