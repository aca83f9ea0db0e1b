// `pnpm launch validate`'s second opinion: the pinned trainer's own pydantic Config on each
// training config, when the checkout is present at the pinned commit. Without it, says so.
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type ConfigKind, kindFromFileName, loadConfigFile, PROJECT_FILES } from "@bgb/shared";
import { probeTrainerSchema } from "./probes/trainer-schema.ts";
import { probeTrainerSource } from "./probes/trainer-source.ts";

export interface TrainerValidation {
  /** What was done: "checked" (commit), or why not. */
  state: "checked" | "absent" | "other-commit" | "no-pin" | "error" | "nothing-to-check";
  /** `file: key.path: message` lines the trainer rejects. */
  errors: string[];
  /** One line saying what ran or why it did not. */
  note: string;
}

/** The training configs among `files` (all of configs/ when none are given). */
function trainingConfigs(root: string, files: string[]): { label: string; abs: string }[] {
  const list =
    files.length > 0
      ? files.map((f) => resolve(f))
      : existsSync(join(root, "configs"))
        ? readdirSync(join(root, "configs"))
            .filter((f) => /\.ya?ml$/.test(f))
            .sort()
            .map((f) => join(root, "configs", f))
        : [];
  const training: ConfigKind = "training";
  return list
    .filter((abs) => kindFromFileName(abs) === training && existsSync(abs))
    .map((abs) => {
      const rel = relative(root, abs);
      return { label: rel.startsWith("..") ? abs : rel.split("\\").join("/"), abs };
    });
}

export async function validateWithTrainer(
  root: string,
  files: string[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<TrainerValidation> {
  const none = (state: TrainerValidation["state"], note: string): TrainerValidation => ({
    state,
    errors: [],
    note,
  });
  const configs = trainingConfigs(root, files);
  if (configs.length === 0) return none("nothing-to-check", "no training config to check");
  const launch = loadConfigFile(join(root, PROJECT_FILES.launch), "launch").config;
  if (!launch) {
    return none(
      "no-pin",
      `the trainer's own schema was not run: ${PROJECT_FILES.launch} is invalid`,
    );
  }
  const pin = launch.trainer;
  const short = pin.commit.slice(0, 12);
  const t = await probeTrainerSource(root, pin.checkout, signal);
  if (!t.hasSchema) {
    return none(
      "absent",
      `the trainer's own schema was not run: no checkout at ${pin.checkout} (sh scripts/trainer.sh fetches ${short})`,
    );
  }
  if (!t.git.ok || t.git.sha !== pin.commit) {
    const at = t.git.ok ? `is at ${t.git.sha.slice(0, 12)}` : `is not a git checkout`;
    return none(
      "other-commit",
      `the trainer's own schema was not run: ${pin.checkout} ${at}, not the pinned ${short} (sh scripts/trainer.sh)`,
    );
  }
  const errors: string[] = [];
  for (const c of configs) {
    const f = await probeTrainerSchema(
      {
        config: c.label,
        configAbs: c.abs,
        trainerDir: join(root, pin.checkout),
        run: "validate",
        dataRoot: "/data/dataset",
        wandb: true, // keep experiment.wandb as written: the preset decides on W&B
      },
      { env, ...(signal ? { signal } : {}) },
    );
    if (f.state === "rejected") errors.push(...f.errors.map((l) => `${l} [trainer ${short}]`));
    if (f.state === "error") {
      return {
        state: "error",
        errors,
        note: `could not run the trainer's own schema: ${f.message}`,
      };
    }
  }
  return {
    state: "checked",
    errors,
    note: `the trainer's own Config (${short}) ${errors.length ? "rejects" : "accepts"} ${configs.map((c) => c.label).join(", ")}`,
  };
}
