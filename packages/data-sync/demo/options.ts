// `pnpm demo` flags: a few knobs for tests and the curious; the defaults are the README's demo.
import { Command, InvalidArgumentError, Option } from "commander";
import { parseSize } from "../src/cli/units.ts";
import { MiB } from "../src/engine/part-size.ts";

export interface DemoOptions {
  sizeBytes: number;
  killAt: number;
  seed: number;
  keep: boolean;
}

const size = (v: string) => {
  try {
    const n = parseSize("--size", v);
    if (n < 20 * MiB) throw new Error();
    return n;
  } catch {
    throw new InvalidArgumentError("give a size of at least 20MiB, e.g. 300MiB");
  }
};

const fraction = (v: string) => {
  const n = Number(v);
  if (!(n > 0.05 && n < 0.95))
    throw new InvalidArgumentError("give a fraction between 0.05 and 0.95");
  return n;
};

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("give a positive integer");
  return n;
};

/** Parses argv; --help and bad flags exit here (0 and 2). */
export function parseDemoArgs(argv: string[]): DemoOptions {
  const program = new Command("pnpm demo")
    .description(
      "Runs the whole data-sync story on this machine, no cloud account needed: starts a local S3 " +
        "server (versitygw), generates a TUSZ-shaped EEG dataset, syncs it with the live progress " +
        "display, kills the sync (SIGKILL) part-way, resumes it, verifies the bucket and prints " +
        "what happened: bytes in the bucket at the kill, bytes sent on resume, the dataset version.",
    )
    .addOption(
      new Option("--size <size>", "dataset size (three files take ~70% of it, in 8MiB parts)")
        .argParser(size)
        .default(300 * MiB, "300MiB"),
    )
    .option(
      "--kill-at <fraction>",
      "kill the first sync once this share is in the bucket",
      fraction,
      0.4,
    )
    .option("--seed <n>", "generator seed (same seed, same bytes)", int, 1)
    .option("--keep", "keep the dataset, journal and bucket folder, and print where they are")
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .parse(argv, { from: "user" });
  const o = program.opts<{ size: number; killAt: number; seed: number; keep: boolean }>();
  return { sizeBytes: o.size, killAt: o.killAt, seed: o.seed, keep: Boolean(o.keep) };
}
