// From `<dataset>` and the override flags to one resolved target: source, bucket, prefix, endpoint.

import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import {
  type DatasetDef,
  findRepoRoot,
  formatIssue,
  loadConfigFile,
  resolveEndpoint as resolveSharedEndpoint,
} from "@bgb/shared";
import type { DatasetLayout } from "@bgb/shared/manifest";
import { bucketNameProblem } from "../engine/bucket-name.ts";
import { UsageError } from "../engine/errors.ts";
import { makeFilter } from "../engine/glob.ts";
import { checkPrefix } from "../engine/keys.ts";
import { type EndpointChoice, resolveEndpoint } from "./endpoint.ts";
import type { StateDirOrigin } from "./state-dir.ts";

export interface TargetFlags {
  config?: string;
  source?: string;
  bucket?: string;
  prefix?: string;
  endpoint?: string;
  include?: string[];
  exclude?: string[];
  stateDir?: string;
}

export interface Target {
  dataset: string;
  layout: DatasetLayout;
  source: string;
  /** where an s3:// source lives (source_endpoint_url, else AWS) and whether it is read unsigned */
  sourceEndpoint: EndpointChoice;
  sourceAnonymous: boolean;
  /** checksum list inside the source (e.g. SHA256SUMS.txt), if the dataset has one */
  checksums: string | null;
  /** `.edf` files per split the dataset must have (datasets.yaml expected_counts) */
  expectedCounts: Record<string, number> | null;
  bucket: string;
  prefix: string;
  endpoint: EndpointChoice;
  storageClass: string;
  usdPerGbMonth: number | undefined;
  priceDate: string | undefined;
  filter: (rel: string) => boolean;
  journalPath: string;
  stateDir: string;
  stateDirOrigin: StateDirOrigin;
}

function stateDirFrom(flag: string | undefined): { dir: string; origin: StateDirOrigin } {
  if (flag) return { dir: resolve(userCwd(), flag), origin: "--state-dir" };
  if (process.env.BGB_STATE_DIR)
    return { dir: resolve(process.env.BGB_STATE_DIR), origin: "BGB_STATE_DIR" };
  const xdg = process.env.XDG_STATE_HOME;
  return {
    dir: join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".local", "state"), "bgb"),
    origin: "default",
  };
}

function expandSource(src: string, base: string): string {
  if (/^(https?|s3):\/\//.test(src)) return src;
  if (src === "~" || src.startsWith("~/")) return join(homedir(), src.slice(1));
  return resolve(base, src);
}

export function resolveTarget(dataset: string, flags: TargetFlags): Target {
  const root = repoRootOrCwd();
  const configPath = flags.config
    ? resolve(userCwd(), flags.config)
    : join(root, "configs", "datasets.yaml");
  const loaded = loadConfigFile(configPath, "datasets");
  if (!loaded.config) {
    const first = loaded.errors[0];
    const more =
      loaded.errors.length > 1
        ? ` (and ${loaded.errors.length - 1} more: run pnpm launch validate)`
        : "";
    throw new UsageError(first ? `${formatIssue(first)}${more}` : `${configPath}: invalid`);
  }
  const all = loaded.config.datasets as Record<string, DatasetDef>;
  const def = all[dataset];
  if (!def) {
    const names = Object.keys(all).join(", ");
    // JSON quoting: a name with a newline or control characters stays on one line.
    throw new UsageError(
      `unknown dataset ${JSON.stringify(dataset)} in ${configPath}; known: ${names}`,
    );
  }
  const prefix = flags.prefix ?? def.prefix;
  const prefixProblem = checkPrefix(prefix);
  if (prefixProblem) throw new UsageError(`--prefix: ${prefixProblem}`);
  const bucket = flags.bucket ?? def.bucket;
  const bucketProblem = bucketNameProblem(bucket);
  if (bucketProblem) {
    throw new UsageError(
      `--bucket: "${bucket}" is not a valid bucket name: it ${bucketProblem}${flags.bucket ? "" : ` (datasets.${dataset}.bucket in the config)`}`,
    );
  }
  const endpoint = resolveEndpoint(flags.endpoint, def.endpoint_url, def.region);
  // A path typed on the command line is relative to where it was typed; one in the config, to the repo.
  const source = flags.source
    ? expandSource(flags.source, userCwd())
    : expandSource(def.source, root);
  // The source's endpoint never falls back to AWS_ENDPOINT_URL_S3: that one names the destination.
  const sourceEndpoint = resolveSourceEndpoint(def.source_endpoint_url, def.source_region);
  const prices = loaded.config.storage_prices;
  const { dir: stateDir, origin: stateDirOrigin } = stateDirFrom(flags.stateDir);
  const id = createHash("sha256")
    .update(`${endpoint.url ?? "aws"}\n${bucket}\n${prefix}`)
    .digest("hex")
    .slice(0, 12);
  return {
    dataset,
    layout: def.layout,
    source,
    sourceEndpoint,
    sourceAnonymous: def.source_anonymous,
    checksums: def.checksums,
    expectedCounts: (def.expected_counts as Record<string, number> | null | undefined) ?? null,
    bucket,
    prefix,
    endpoint,
    storageClass: def.storage_class,
    usdPerGbMonth: (prices?.usd_per_gb_month as Record<string, number> | undefined)?.[
      def.storage_class
    ],
    priceDate: prices?.price_date,
    filter: makeFilter(flags.include ?? def.include, flags.exclude ?? def.exclude),
    journalPath: join(stateDir, "journals", `${dataset}-${id}.jsonl`),
    stateDir,
    stateDirOrigin,
  };
}

function resolveSourceEndpoint(url: string | null, region: string | undefined): EndpointChoice {
  const r = resolveSharedEndpoint(undefined, url, region ?? "us-east-1", {});
  if (!r.ok) throw new UsageError(`source_endpoint_url: ${r.problem}`);
  return r.endpoint;
}

/** Where the user typed the command: pnpm runs root scripts in the repo root and says so in INIT_CWD. */
function userCwd(): string {
  const init = process.env.INIT_CWD;
  return init && isAbsolute(init) ? init : process.cwd();
}

/** Relative sources in datasets.yaml resolve against the repo root; outside a checkout, the cwd. */
function repoRootOrCwd(): string {
  try {
    return findRepoRoot();
  } catch {
    return process.cwd();
  }
}
