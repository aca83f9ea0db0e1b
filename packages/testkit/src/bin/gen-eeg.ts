// `pnpm gen tusz|chbmit --out DIR ...`: write a synthetic EEG dataset and print one summary line.
// Bad usage prints one error line and exits 2, so scripts can tell it from a failed write (1).
import { existsSync, readdirSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { generateChbmit } from "../eeg/chbmit.ts";
import type { EegDatasetOptions } from "../eeg/options.ts";
import { formatBytes, parseSize } from "../eeg/sizes.ts";
import { generateTusz } from "../eeg/tusz.ts";

const USAGE = `usage: gen-eeg tusz|chbmit --out DIR [options]

Writes a deterministic synthetic EEG dataset (TUSZ- or CHB-MIT-shaped) with valid EDF files.

  --out DIR          output directory (must be empty or absent unless --force)
  --seed N           integer seed, same seed = byte-identical tree (default 1)
  --patients N       number of patients (default tusz 6, chbmit 2)
  --files N          number of EDF files, >= patients (default tusz 2/patient, chbmit 3/patient)
  --min-size SIZE    smallest target EDF size (default tusz 32KiB, chbmit 64KiB)
  --max-size SIZE    largest target EDF size; sizes are drawn log-uniformly in between
  --sizes LIST       explicit comma-separated EDF sizes instead (cycled over the files)
  --sample-rate HZ   samples per second per channel (default 256)
  --channels N       number of EEG channels (default tusz 19, chbmit 23)
  --force            delete a non-empty --out first
  --help             show this help

SIZE accepts units: 4096, 4KiB, 64MiB, 1.5GB (bare K/M/G/T are binary). An EDF lands within one
data record of its target, and is never smaller than its header plus one record.`;

class UsageError extends Error {}

function intFlag(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  }
  return Number(value);
}

function sizeFlag(value: string, name: string): number {
  try {
    return parseSize(value);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

function parse(argv: string[]): { kind: "tusz" | "chbmit"; opts: EegDatasetOptions } | "help" {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (e) {
    // node's messages run long (advice about "--"); the first sentence is the useful part.
    throw new UsageError((e as Error).message.split(". ")[0] ?? "bad arguments");
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1)
    throw new UsageError("expected exactly one dataset kind: tusz or chbmit");
  const kind = positionals[0];
  if (kind !== "tusz" && kind !== "chbmit")
    throw new UsageError(`unknown dataset kind "${kind}" (tusz or chbmit)`);
  if (!values.out) throw new UsageError("--out DIR is required");
  const opts: EegDatasetOptions = { root: values.out, replace: values.force ?? false };
  const occupied =
    existsSync(values.out) &&
    (!statSync(values.out).isDirectory() || readdirSync(values.out).length > 0);
  if (!opts.replace && occupied) {
    throw new UsageError(`--out ${values.out} is not empty (add --force to replace it)`);
  }
  const set = <K extends keyof EegDatasetOptions>(k: K, v: EegDatasetOptions[K] | undefined) => {
    if (v !== undefined) opts[k] = v;
  };
  set("seed", intFlag(values.seed, "seed", 0));
  set("patients", intFlag(values.patients, "patients", 1));
  set("files", intFlag(values.files, "files", 1));
  set("sampleRate", intFlag(values["sample-rate"], "sample-rate", 1));
  set("channels", intFlag(values.channels, "channels", 1));
  if (values.sizes !== undefined) {
    if (values["min-size"] || values["max-size"])
      throw new UsageError("--sizes excludes --min-size/--max-size");
    opts.sizes = values.sizes.split(",").map((s) => sizeFlag(s, "sizes"));
  } else if (values["min-size"] || values["max-size"]) {
    const defMin = kind === "tusz" ? 32 << 10 : 64 << 10;
    const minBytes = values["min-size"] ? sizeFlag(values["min-size"], "min-size") : defMin;
    const maxBytes = values["max-size"]
      ? sizeFlag(values["max-size"], "max-size")
      : Math.max(minBytes, 1 << 20);
    if (maxBytes < minBytes)
      throw new UsageError(`--max-size (${maxBytes}) is below --min-size (${minBytes})`);
    opts.sizes = { minBytes, maxBytes };
  }
  if (opts.patients !== undefined && opts.files !== undefined && opts.files < opts.patients) {
    throw new UsageError(`--files (${opts.files}) must be >= --patients (${opts.patients})`);
  }
  return { kind, opts };
}

function parseWith(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string" },
      seed: { type: "string" },
      patients: { type: "string" },
      files: { type: "string" },
      "min-size": { type: "string" },
      "max-size": { type: "string" },
      sizes: { type: "string" },
      "sample-rate": { type: "string" },
      channels: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

try {
  const cmd = parse(process.argv.slice(2));
  if (cmd === "help") {
    console.log(USAGE);
  } else {
    const started = performance.now();
    const summary =
      cmd.kind === "tusz" ? await generateTusz(cmd.opts) : await generateChbmit(cmd.opts);
    const seconds = (performance.now() - started) / 1000;
    const edf = summary.files.filter((f) => f.path.endsWith(".edf")).length;
    const counts = Object.entries(summary.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const rate = summary.bytesTotal / 2 ** 20 / Math.max(seconds, 1e-3);
    console.log(
      `${cmd.kind}: ${edf} EDF, ${summary.files.length} files, ${formatBytes(summary.bytesTotal)} (${counts}) ` +
        `in ${summary.root} [${seconds.toFixed(2)} s, ${rate.toFixed(0)} MiB/s]`,
    );
  }
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`gen-eeg: ${e.message} (see --help)`);
    process.exit(2);
  }
  console.error(`gen-eeg: ${(e as Error).message}`);
  process.exit(1);
}
