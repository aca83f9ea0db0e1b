// Is the launch itself sound: training config, smoke limit, GPU, timeout and attempts.
import { estimateCost, formatUsd } from "../../plan/cost.ts";
import { MAX_ATTEMPTS, MAX_TIMEOUT_S, segmentCount, trainRetries } from "../../plan/segments.ts";
import type { CheckInput, CheckResult } from "../types.ts";

const SHOWN_ERRORS = 6;

export function checkTrainingConfig({ req, facts }: CheckInput): CheckResult {
  const t = facts.training;
  const check = "training-config";
  if (!t.underConfigs) {
    return {
      check,
      ok: false,
      message: `${t.path} is not under configs/ (only configs/ is baked into the image)`,
      fix: `move it to configs/ and pass --config configs/<file>.yaml`,
    };
  }
  if (!t.exists) {
    return {
      check,
      ok: false,
      message: `${t.path} does not exist`,
      fix: "check --config or the preset's config in configs/launch.yaml",
    };
  }
  const errors = [...t.errors];
  if (t.wandbEnabled === true && !req.wandb) {
    errors.push(
      `${t.path}: experiment.wandb.enabled: W&B is on but preset ${req.preset} does not attach the W&B secret`,
    );
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, SHOWN_ERRORS).join("; ");
    const more = errors.length > SHOWN_ERRORS ? ` (+${errors.length - SHOWN_ERRORS} more)` : "";
    return {
      check,
      ok: false,
      message: `${errors.length} error${errors.length > 1 ? "s" : ""}: ${shown}${more}`,
      fix: `fix them, then \`pnpm launch validate ${t.path}\``,
    };
  }
  const w = t.warnings.length;
  return {
    check,
    ok: true,
    message: `${t.path} is valid (sha256 ${t.sha256?.slice(0, 12) ?? "?"}${w ? `, ${w} warning${w > 1 ? "s" : ""}` : ""})`,
    fix: null,
  };
}

export function checkSmokeLimit({ req, facts }: CheckInput): CheckResult {
  const check = "smoke-limit";
  const env = facts.limitFilesInEnv
    ? "; BGB_LIMIT_FILES from your shell is not passed on (the preset decides)"
    : "";
  if (req.preset !== "smoke" && req.limitFiles !== null) {
    return {
      check,
      ok: false,
      message: `preset ${req.preset} sets limit_files ${req.limitFiles}: a ${req.preset} run would train on ${req.limitFiles} files`,
      fix: `set presets.${req.preset}.limit_files: null in configs/launch.yaml`,
    };
  }
  if (req.preset === "smoke") {
    return {
      check,
      ok: true,
      message:
        req.limitFiles === null
          ? `no limit_files: this smoke run reads every file (bounded by its ${req.timeoutS} s timeout)${env}`
          : `BGB_LIMIT_FILES=${req.limitFiles} from presets.smoke${env}`,
      fix: null,
    };
  }
  return { check, ok: true, message: `no file limit (limit_files: null)${env}`, fix: null };
}

export function checkGpu({ req, gpus }: CheckInput): CheckResult {
  const check = "gpu";
  const e = estimateCost(gpus, req.gpu, req.plannedHours);
  if (!e) {
    return {
      check,
      ok: false,
      message: `GPU ${req.gpu} is not in configs/gpus.yaml, so it has no price`,
      fix: `use one of ${Object.keys(gpus.gpus).join(", ")}, or add it to configs/gpus.yaml with its price and date`,
    };
  }
  return {
    check,
    ok: true,
    message: `${req.gpu}: ${formatUsd(e.usd_per_hour)}/h (price of ${e.price_date})`,
    fix: null,
  };
}

export function checkTimeout({ req }: CheckInput): CheckResult {
  const check = "timeout";
  if (req.timeoutS > MAX_TIMEOUT_S || req.timeoutS < 60) {
    return {
      check,
      ok: false,
      message: `timeout ${req.timeoutS} s is outside 60..${MAX_TIMEOUT_S} (Modal rejects more than 24 h per call)`,
      fix: `use --timeout ${MAX_TIMEOUT_S} or less; a longer plan runs as several attempts, each resuming from last.pt`,
    };
  }
  const n = segmentCount(req.plannedHours, req.timeoutS);
  if (n === 1) {
    return {
      check,
      ok: true,
      message: `planned ${req.plannedHours} h fits in one call (timeout ${req.timeoutS} s)`,
      fix: null,
    };
  }
  if (req.action !== "train") {
    return {
      check,
      ok: false,
      message: `planned ${req.plannedHours} h exceeds the ${req.timeoutS} s timeout and only training resumes across attempts`,
      fix: `raise --timeout (<= ${MAX_TIMEOUT_S}) or lower presets.${req.preset}.planned_hours`,
    };
  }
  if (n > MAX_ATTEMPTS) {
    return {
      check,
      ok: false,
      message: `planned ${req.plannedHours} h at ${req.timeoutS} s per attempt needs ${n} attempts; Modal allows at most ${MAX_ATTEMPTS} (10 retries)`,
      fix: `raise --timeout (<= ${MAX_TIMEOUT_S}) or lower presets.${req.preset}.planned_hours`,
    };
  }
  return {
    check,
    ok: true,
    message: `planned ${req.plannedHours} h > ${req.timeoutS} s per attempt: ${n} attempts, each resuming from last.pt (${trainRetries(req.plannedHours, req.timeoutS)} retries)`,
    fix: null,
  };
}

export function checkTrainerSchema({ req, facts }: CheckInput): CheckResult {
  const check = "trainer-schema";
  const f = facts.trainerSchema;
  const short = req.trainer.commit.slice(0, 12);
  switch (f.state) {
    case "passed":
      return {
        check,
        ok: true,
        message: `the trainer's own Config (${short}) accepts ${req.config} as the GPU side rewrites it`,
        fix: null,
      };
    case "skipped":
      return { check, ok: true, message: `not run: ${f.reason}`, fix: null };
    case "rejected": {
      const shown = f.errors.slice(0, SHOWN_ERRORS).join("; ");
      const more =
        f.errors.length > SHOWN_ERRORS ? ` (+${f.errors.length - SHOWN_ERRORS} more)` : "";
      return {
        check,
        ok: false,
        message: `the trainer (${short}) rejects ${req.config}, as it would on the GPU: ${shown}${more}`,
        fix: `fix them, then \`pnpm launch validate ${req.config}\``,
      };
    }
    case "error":
      return {
        check,
        ok: false,
        message: `cannot run the trainer's own schema: ${f.message}`,
        fix: "sh scripts/trainer-check-venv.sh (pydantic + PyYAML from PyPI, once), then launch again",
        environmental: true,
      };
  }
}
