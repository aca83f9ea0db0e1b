// The command line: names and flags only; every command is a thin adapter.

import type { ExitCode } from "@bgb/shared/cli";
import { Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { helpAfter } from "./help.ts";

// Each command is imported when it runs, never at start: `--help` and `--version` load only
// commander and this file, not the AWS SDK, zod or the engine (docs/benchmarks.md, "Start-up").
const maintenance = () => import("./commands/maintenance.ts");

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/**
 * The flags naming where a dataset goes (and, with `source`, where it comes from): verify and gc
 * only touch the bucket, so they offer no --source/--include/--exclude (commander then refuses
 * them as unknown options, exit 2).
 */
function targetOptions(cmd: Command, source = true): Command {
  cmd.option("--config <file>", "datasets file (default: configs/datasets.yaml)");
  if (source)
    cmd.option(
      "--source <dir|url>",
      "dataset folder, https:// URL or s3://bucket/prefix/ (overrides the config's source)",
    );
  cmd
    .option("--bucket <name>", "bucket (overrides the config)")
    .option("--prefix <p/>", "key prefix ending in / (overrides the config)")
    .option("--endpoint <url>", "S3-compatible endpoint; non-AWS endpoints use path-style");
  if (source)
    cmd
      .option("--include <glob>", "only keys matching (repeatable; overrides the config)", collect)
      .option("--exclude <glob>", "skip keys matching (repeatable; overrides the config)", collect);
  return cmd
    .option(
      "--state-dir <dir>",
      "where journals live (default $BGB_STATE_DIR or ~/.local/state/bgb)",
    )
    .option(
      "--concurrency <n>",
      "requests in flight at once (1-256); big files' parts are also bounded by --max-memory",
      "64",
    )
    .option("--request-timeout <s>", "abandon a connection silent this long and retry", "60")
    .option("--json", "newline-delimited JSON on stdout");
}

function transferOptions(cmd: Command): Command {
  return cmd
    .option(
      "--part-size <size>",
      "multipart part size (raised to stay under 10,000 parts)",
      "16MiB",
    )
    .option("--max-memory <size>", "memory for the whole process, part buffers included", "256MiB")
    .option("--bwlimit <rate>", "upload bandwidth cap, e.g. 20MiB (per second)")
    .option(
      "--dry-run",
      "print the plan, totals, request count and monthly storage cost; send nothing",
    )
    .option("--verbose", "with --dry-run: also list every file and what it needs")
    .option(
      "--allow-partial",
      "write the manifest although the .edf counts per split differ from expected_counts",
    )
    .option("--verify-remote", "don't trust the journal: check each object in the bucket")
    .option(
      "--copy-threshold <size>",
      "s3:// source on the same endpoint: objects above this are copied in parts (UploadPartCopy) and read back to verify",
      "5GiB",
    )
    .option(
      "--stall-timeout <s>",
      "stop the run (exit 3) when no request to the bucket completes for this long",
      "900",
    )
    .addOption(
      new Option(
        "--progress-interval <s>",
        "seconds between progress lines (plain output) or stats events (--json)",
      ).default("5"),
    );
}

export function buildProgram(
  run: (p: Promise<ExitCode>) => void,
  name: string,
  syncOnly: boolean,
): Command {
  const program = new Command(name)
    .version(`bgb-${name} ${pkg.version}`, "-V, --version", "print the version and exit")
    .description("Resumable, verified, concurrent upload of EEG dataset trees to S3")
    .addHelpText("after", helpAfter(syncOnly ? "sync" : "data-sync", syncOnly));

  const sync = transferOptions(targetOptions(syncOnly ? program : program.command("sync")))
    .argument("<dataset>", "a name in configs/datasets.yaml (tuh, chbmit, ...)")
    .action((dataset: string, flags) =>
      run(import("./commands/sync.ts").then((c) => c.syncCommand(dataset, flags))),
    );
  if (!syncOnly) {
    sync
      .description("upload what is missing, resume what was interrupted, write the manifest")
      .addHelpText("after", helpAfter("sync", false));
    targetOptions(program.command("status"))
      .description("what a sync would do now, from the journal alone")
      .addHelpText("after", helpAfter("status", false))
      .option("--part-size <size>", "part size the plan assumes", "16MiB")
      .argument("<dataset>")
      .action((d: string, f) => run(maintenance().then((c) => c.statusCommand(d, f))));
    targetOptions(program.command("verify"), false)
      .description("check every object of the manifest in the bucket (HEAD + checksums)")
      .addHelpText("after", helpAfter("verify", false))
      .option("--deep", "download each object and hash it")
      .argument("<dataset>")
      .action((d: string, f) => run(maintenance().then((c) => c.verifyCommand(d, f))));
    targetOptions(program.command("gc"), false)
      .description(
        "abort multipart uploads under the prefix that this tool started and no longer tracks",
      )
      .addHelpText("after", helpAfter("gc", false))
      .option("--all", "also abort uploads this tool did not start")
      .option("--dry-run", "list what would be aborted")
      .argument("<dataset>")
      .action((d: string, f) => run(maintenance().then((c) => c.gcCommand(d, f))));
    program
      .command("report")
      .description(
        "read every EDF header and label file of the source: figures per split, checks, charts",
      )
      .addHelpText("after", helpAfter("report", false))
      .option("--config <file>", "datasets file (default: configs/datasets.yaml)")
      .option("--source <dir>", "dataset folder (overrides the config's source)")
      .option("--include <glob>", "only keys matching (repeatable; overrides the config)", collect)
      .option("--exclude <glob>", "skip keys matching (repeatable; overrides the config)", collect)
      .option("--json", "the report as one JSON document on stdout")
      .option("--html <file>", "write a self-contained HTML report with charts")
      .option("--png <dir>", "write the charts as PNG files")
      .option(
        "--from-bucket",
        "read the synced copy in the bucket (the files its manifest lists, EDF headers by Range GET)",
      )
      .option("--bucket <name>", "bucket for --from-bucket (overrides the config)")
      .option("--prefix <p/>", "key prefix for --from-bucket (overrides the config)")
      .option("--endpoint <url>", "S3-compatible endpoint for --from-bucket")
      .argument("<dataset>")
      .action((d: string, f) =>
        run(import("./commands/report.ts").then((c) => c.reportCommand(d, f))),
      );
  }
  return program;
}
