// Runs the pinned trainer's own pydantic Config on the effective training config (after the path
// rewrite the GPU side applies), through modal/bgb_modal/trainer_schema_check.py in a small venv
// (scripts/trainer-check-venv.sh: pydantic + PyYAML, no torch). Those two live with this tool,
// not in the project being launched, so they are found from this file's location.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "@bgb/shared";
import { lastLine, runCommand } from "../../process/run-command.ts";
import type { TrainerSchemaFact } from "../types.ts";

/** The checkout holding this file; for an installed bgb-launch, the project it runs in. */
function toolRoot(): string {
  try {
    return findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  } catch {
    return findRepoRoot();
  }
}

export interface TrainerSchemaTarget {
  /** Training config as shown to the user (repo-relative) and its absolute path. */
  config: string;
  configAbs: string;
  /** Absolute path of the trainer checkout. */
  trainerDir: string;
  run: string;
  /** Where the GPU side mounts the dataset (the rewrite keeps the part inside it). */
  dataRoot: string;
  wandb: boolean;
}

export interface TrainerSchemaDeps {
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  toolRoot?: string;
}

/** The venv's python, building the venv first when needed (needs PyPI once). */
export async function trainerCheckPython(
  d: TrainerSchemaDeps,
): Promise<{ ok: true; python: string } | { ok: false; message: string }> {
  const tool = d.toolRoot ?? toolRoot();
  const r = await runCommand(["sh", join(tool, "scripts", "trainer-check-venv.sh")], {
    cwd: tool,
    env: d.env,
    timeoutMs: 600_000,
    ...(d.signal ? { signal: d.signal } : {}),
  });
  const python = r.stdout.trim().split("\n").at(-1) ?? "";
  if (r.code !== 0 || python === "") {
    return {
      ok: false,
      message: `the trainer-check venv could not be built: ${r.timedOut ? "timed out" : lastLine(r)}`,
    };
  }
  return { ok: true, python };
}

export async function runTrainerSchemaCheck(
  t: TrainerSchemaTarget,
  python: string,
  d: TrainerSchemaDeps,
): Promise<TrainerSchemaFact> {
  const tool = d.toolRoot ?? toolRoot();
  const r = await runCommand(
    [
      python,
      "-m",
      "bgb_modal.trainer_schema_check",
      "--trainer",
      resolve(t.trainerDir),
      "--run",
      t.run,
      "--data-root",
      t.dataRoot,
      t.wandb ? "--wandb" : "--no-wandb",
      "--label",
      t.config,
      t.configAbs,
    ],
    {
      cwd: join(tool, "modal"),
      // No secrets are needed; bytecode stays out of the trainer checkout.
      env: { PATH: d.env.PATH ?? "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1" },
      timeoutMs: 120_000,
      ...(d.signal ? { signal: d.signal } : {}),
    },
  );
  if (r.code === 0) return { state: "passed" };
  if (r.code === 1) {
    const errors = r.stdout.split("\n").filter((l) => l.trim() !== "");
    return { state: "rejected", errors };
  }
  return {
    state: "error",
    message: r.timedOut ? "timed out" : lastLine(r) || `exit code ${r.code}`,
  };
}

/** Both steps; a venv that cannot be built is an error of the machine, not of the config. */
export async function probeTrainerSchema(
  t: TrainerSchemaTarget,
  d: TrainerSchemaDeps,
): Promise<TrainerSchemaFact> {
  const py = await trainerCheckPython(d);
  if (!py.ok) return { state: "error", message: py.message };
  return runTrainerSchemaCheck(t, py.python, d);
}
