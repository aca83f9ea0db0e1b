// The command line: `pnpm launch <preset> [flags]` and its subcommands. Each action only turns
// flags into options and hands a task to the bin, which runs it inside the one error boundary.
//
// Each command is imported when its task runs, never at start: `--help` and `--version` load
// commander and this file only, not zod, yaml, the AWS SDK or the preflight (docs/benchmarks.md,
// "Start-up").
import { type ExitCode, exitCodesHelp } from "@bgb/shared/cli";
import { Command, InvalidArgumentError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import type { LaunchCommandOptions } from "./commands/launch.ts";
import type { Runtime } from "./runtime.ts";

export interface Globals {
  json: boolean;
  modalBin?: string;
}
export type Task = (rt: Runtime) => Promise<ExitCode> | ExitCode;
export type Schedule = (task: Task, globals: Globals) => void;

const DEFAULT_LAUNCH_TIMEOUT_S = 1800;

function number(flag: string, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${flag} expects ${integer ? "a whole number" : "a number"}`);
    }
    return n;
  };
}

/** The help's tail: examples (as rclone and the AWS CLI show them), then the exit table. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n\n${exitCodesHelp()}`;
}

export function buildProgram(schedule: Schedule): Command {
  const program = new Command("launch")
    .description(
      "Launch Brain-Go-Brr training on Modal only when preflight says it will work, and keep a record of it",
    )
    .version(`bgb-launch ${pkg.version}`, "-V, --version", "print the version and exit")
    .argument("[preset]", "smoke | full | eval (configs/launch.yaml)")
    .option("--config <file>", "training config under configs/ (default: the preset's)")
    .option("--gpu <type>", "GPU type from configs/gpus.yaml")
    .option("--timeout <s>", "seconds per Modal call (<= 86400)", number("--timeout", true))
    .option("--cpu <n>", "CPU cores", number("--cpu", false))
    .option("--memory <mib>", "memory in MiB", number("--memory", true))
    .option("--preemptible", "allow preemption (resumes from last.pt)")
    .option("--no-preemptible", "refused: Modal does not support non-preemptible GPU functions")
    .option("--name <run>", "run name (default: <preset>-<utc time>-<hex>)")
    .option("--checkpoint <path>", "eval: /results/<run>/checkpoints/best.pt")
    .option("--split <name>", "eval: split to evaluate (default: eval, the held-out one)")
    .option("--resume <run>", "continue that training run from its last.pt")
    .option("--dry-run", "plan and preflight only; launch nothing")
    .option("-y, --yes", "no confirmation; allow a second run of the same preset")
    .addOption(
      new Option("--launch-timeout <s>", "seconds modal may take to start the run")
        .argParser(number("--launch-timeout", true))
        .default(DEFAULT_LAUNCH_TIMEOUT_S),
    )
    .option("--json", "machine-readable output on stdout")
    .option("--modal-bin <path>", "modal CLI to use (else BGB_MODAL_BIN, modal/.venv, PATH)")
    .addHelpText(
      "after",
      examples(
        "pnpm launch smoke                       # preflight, then a detached smoke run",
        "pnpm launch full --dry-run --json       # the plan: argv, preflight, estimate_usd",
        "pnpm launch full --yes --gpu A100-80GB  # no question; another GPU of configs/gpus.yaml",
        "pnpm launch eval --checkpoint /results/<run>/checkpoints/best.pt",
        "pnpm launch full --resume <run>         # continue that run from its last.pt",
        "pnpm launch validate                    # every file in configs/",
      ),
    )
    .showHelpAfterError("(pnpm launch --help for usage)")
    // Before the subcommands exist: they copy these settings, so their usage errors also reach
    // the bin's error boundary (exit 2, and a JSON error under --json) instead of exiting 1.
    .exitOverride()
    .action((preset: string | undefined, o) => {
      const options: LaunchCommandOptions = {
        flags: {
          ...(o.config !== undefined && { config: o.config }),
          ...(o.gpu !== undefined && { gpu: o.gpu }),
          ...(o.timeout !== undefined && { timeout: o.timeout }),
          ...(o.cpu !== undefined && { cpu: o.cpu }),
          ...(o.memory !== undefined && { memory: o.memory }),
          ...(o.preemptible !== undefined && { preemptible: o.preemptible }),
          ...(o.name !== undefined && { name: o.name }),
          ...(o.checkpoint !== undefined && { checkpoint: o.checkpoint }),
          ...(o.split !== undefined && { split: o.split }),
          ...(o.resume !== undefined && { resume: o.resume }),
        },
        dryRun: o.dryRun === true,
        yes: o.yes === true,
        launchTimeoutS: o.launchTimeout,
      };
      schedule(
        async (rt) => (await import("./commands/launch.ts")).launchCommand(rt, preset, options),
        globals(o),
      );
    });

  // --json and --modal-bin are the program's options; commander accepts them after a subcommand.
  const sub = (name: string, description: string, ...example: string[]) =>
    program
      .command(name)
      .description(description)
      .addHelpText("after", examples(...example));

  sub(
    "validate",
    "validate config files (default: every file in configs/: datasets.yaml, launch.yaml, gpus.yaml, ci.yaml, training configs)",
    "pnpm launch validate                               # every file in configs/, and their cross-file rules",
    "pnpm launch validate configs/tusz_train_a100.yaml  # just that file",
    "pnpm launch validate --json",
  )
    .argument("[files...]")
    .action((files: string[], _o, cmd: Command) =>
      schedule(
        async (rt) => (await import("./commands/validate.ts")).validateCommand(rt, files),
        globals(cmd.optsWithGlobals()),
      ),
    );
  sub(
    "list",
    "runs recorded in .bgb/runs.jsonl, with Modal's app state",
    "pnpm launch list",
    "pnpm launch list --local --json   # the registry only, without asking Modal",
  )
    .option("--local", "do not ask Modal, registry only")
    .action((o, cmd: Command) =>
      schedule(
        async (rt) =>
          (await import("./commands/list.ts")).listCommand(rt, { local: o.local === true }),
        globals(cmd.optsWithGlobals()),
      ),
    );
  sub(
    "status",
    "a run's status (updates the registry when it ended)",
    "pnpm launch status smoke-20261201-120000-ab12",
    "pnpm launch status full-20261201-120000-ab12 --json",
  )
    .argument("<run>")
    .action((run: string, _o, cmd: Command) =>
      schedule(
        async (rt) => (await import("./commands/status.ts")).statusCommand(rt, run),
        globals(cmd.optsWithGlobals()),
      ),
    );
  sub(
    "logs",
    "a run's logs (modal app logs)",
    "pnpm launch logs smoke-20261201-120000-ab12 -f   # follow until the app stops",
  )
    .argument("<run>")
    .option("-f, --follow", "stream until the app stops")
    .action((run: string, o, cmd: Command) =>
      schedule(
        async (rt) => (await import("./commands/logs.ts")).logsCommand(rt, run, o.follow === true),
        globals(cmd.optsWithGlobals()),
      ),
    );
  sub(
    "stop",
    "stop a run (modal app stop -y)",
    "pnpm launch stop full-20261201-120000-ab12   # resume it later with: pnpm launch full --resume <run>",
  )
    .argument("<run>")
    .action((run: string, _o, cmd: Command) =>
      schedule(
        async (rt) => (await import("./commands/stop.ts")).stopCommand(rt, run),
        globals(cmd.optsWithGlobals()),
      ),
    );
  sub(
    "pull",
    "download a run's checkpoints, metrics and logs into results/<run>/",
    "pnpm launch pull full-20261201-120000-ab12",
    "pnpm launch pull full-20261201-120000-ab12 --force   # again, over an earlier pull",
  )
    .argument("<run>")
    .option("--force", "overwrite files from an earlier pull")
    .action((run: string, o, cmd: Command) =>
      schedule(
        async (rt) => (await import("./commands/pull.ts")).pullCommand(rt, run, o.force === true),
        globals(cmd.optsWithGlobals()),
      ),
    );
  return program;
}

function globals(o: { json?: boolean; modalBin?: string }): Globals {
  return { json: o.json === true, ...(o.modalBin !== undefined && { modalBin: o.modalBin }) };
}
