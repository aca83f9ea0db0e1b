// `pnpm bench`: our sync side by side with s5cmd, rclone and the AWS CLI (and optionally a
// lib-storage script), in one run against a local versitygw behind counting proxies: first
// uploads with CPU and the SHA-256 floor, re-runs, a WAN-like profile, a no-op re-sync at
// scale, memory at scale and resume after a kill. Not part of `pnpm test`.
import "@bgb/shared/aws-sdk-node20";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  clientFor,
  type FaultProxy,
  parseSize,
  type S3Server,
  startFaultProxy,
  startS3Server,
  toolsDir,
  VERSITYGW_VERSION,
  type WanProfile,
} from "@bgb/testkit";
import { estimate } from "./estimate.ts";
import { type Floor, hashFloor } from "./floor.ts";
import { checkBucket, runMeasured } from "./measure.ts";
import { DEFAULT_TOOLS, type Settings, TOOL_IDS, TOOLS, type ToolId } from "./peers/tools.ts";
import {
  combine,
  type Measured,
  type NoopResults,
  noopTable,
  type Outcome,
  type Report,
  type ResumeResult,
  rerunTable,
  resumeTable,
  type ScaleRun,
  scaleTable,
  targetLines,
  type UploadResult,
  uploadTable,
} from "./report.ts";
import {
  DEFAULT_SIZES,
  prepareWorkload,
  UPLOAD_WORKLOADS,
  type Workload,
  type WorkloadName,
} from "./workloads.ts";

const MiB = 1024 * 1024;
const SCENARIOS = ["upload", "rerun", "wan", "noop", "scale", "resume"] as const;
type Scenario = (typeof SCENARIOS)[number];
/** The peers the no-op re-sync is compared with (issue 12): the two that list instead of HEAD. */
const NOOP_PEERS: readonly ToolId[] = ["aws", "s5cmd"];

const HELP = `Usage: pnpm bench [options]

Builds the CLI (turbo), then uploads generated datasets with each tool into fresh buckets on a
local versitygw (through a counting proxy on 127.0.0.1) and prints markdown tables, also written
to packages/data-sync/bench/out/<timestamp>.md. Ours runs as \`node packages/data-sync/dist/sync.js\`
with its defaults; the peers at issue 12's settings (s5cmd --numworkers 64; rclone --transfers 16
--s3-upload-concurrency 4; AWS CLI defaults). Every run: wall s, CPU s (user + sys of the
tool's process tree), peak RSS, requests.

Scenarios (default: all; the full default run takes about 20-25 minutes on 2 cores):
  upload   first upload of each workload, with the SHA-256 floor of its bytes
  rerun    the same command again on the unchanged tree: wall time, requests by operation
  wan      the tusz tree through a proxy adding --wan-delay each way and --wan-bwlimit
  noop     ours uploads --noop-files tiny files; then ours, aws and s5cmd re-sync them unchanged
  scale    ours on --scale-files tiny files at its default --max-memory, then at 1GiB
  resume   SIGKILL at --kill-at of the large workload, run again: bytes sent over both runs

Options:
  --tools <list>          ${TOOL_IDS.join(",")} (default: ${DEFAULT_TOOLS.join(",")}; ours always runs)
  --workloads <list>      ${UPLOAD_WORKLOADS.join(",")} for upload/rerun (default: all)
  --scenarios <list>      ${SCENARIOS.join(",")} (default: all)
  --small-files <n>       EDF in the small TUSZ-like tree, each with a CSV; default ${DEFAULT_SIZES.smallFiles}
  --small-min <size>      default 2KB
  --small-max <size>      default 300KB
  --large-files <n>       default ${DEFAULT_SIZES.largeFiles}
  --large-size <size>     default 256MiB
  --mix-files <n>         EDF files in the TUSZ-shaped mix (each with a CSV), default ${DEFAULT_SIZES.mixFiles}
  --mix-max <size>        largest EDF in the mix (log-uniform from 32KiB), default 64MiB
  --wan-files <n>         EDF in the WAN scenario's long-tailed tree (each with a CSV); default ${DEFAULT_SIZES.tuszFiles}
  --wan-max <size>        its largest EDF; default 64MiB
  --wan-delay <ms>        added to every request and to every response; default 30ms
  --wan-bwlimit <rate>    upload bandwidth of the simulated link, or "none"; default 100MiB (per second)
  --noop-files <n>        default ${DEFAULT_SIZES.noopFiles}
  --noop-seed <tool>      who uploads the no-op tree first: ours (default), or s5cmd (faster), after
                          which ours adopts it into its journal, as after an upload of its own
  --scale-files <n>       default ${DEFAULT_SIZES.scaleFiles}
  --scale-seconds <s>     time box per scale run (the rate is measured inside it); 0 = to the end; default 60
  --ours-args "<flags>"   extra flags for ours on every run, e.g. "--concurrency 32"
  --kill-at <fraction>    resume scenario: kill when this share of the bytes reached the server; default 0.5
  --repeat <n>            rounds of first uploads (upload, wan) and no-op re-syncs, interleaved; medians; default 1
  --timeout <s>           per tool run; default 1800
  --data-dir <dir>        generated workloads, reused while their parameters match
                          (default: $TMPDIR/bgb-bench-data)
  --tools-dir <dir>       where peers are installed (default: $BGB_TOOLS_DIR or ~/.cache/bgb-tools)
  -h, --help              this text
`;

function list<T extends string>(
  text: string | undefined,
  all: readonly T[],
  fallback: readonly T[],
  what: string,
): T[] {
  if (text === undefined) return [...fallback];
  const picked = text.split(",").map((s) => s.trim());
  for (const p of picked)
    if (!all.includes(p as T)) throw new Error(`--${what}: unknown "${p}" (${all.join(", ")})`);
  return picked as T[];
}

function number(text: string | undefined, fallback: number, what: string, min = 1e-9): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n >= min))
    throw new Error(
      `--${what}: expected ${min > 0 ? "a positive number" : "a number >= 0"}, got "${text}"`,
    );
  return n;
}

function millis(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(text.trim());
  if (!m) throw new Error(`--${what}: expected a duration like 30ms or 0.03s, got "${text}"`);
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

// A bad flag is one line naming it, not a stack trace (the parsing below runs at load time).
const badFlag = (err: Error) => {
  process.stderr.write(`bench: ${err.message} (pnpm bench --help lists the flags)\n`);
  process.exit(2);
};
process.once("uncaughtException", badFlag);

const str = { type: "string" } as const;
const { values: flags } = parseArgs({
  options: {
    tools: str,
    workloads: str,
    scenarios: str,
    "small-files": str,
    "small-min": str,
    "small-max": str,
    "large-files": str,
    "large-size": str,
    "mix-files": str,
    "mix-max": str,
    "wan-files": str,
    "wan-max": str,
    "wan-delay": str,
    "wan-bwlimit": str,
    "noop-files": str,
    "scale-files": str,
    "scale-seconds": str,
    "noop-seed": str,
    "ours-args": str,
    "kill-at": str,
    timeout: str,
    repeat: str,
    "data-dir": str,
    "tools-dir": str,
    help: { type: "boolean", short: "h" },
  },
});
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const size = (text: string | undefined, fallback: number) =>
  text === undefined ? fallback : parseSize(text);
const count = (text: string | undefined, fallback: number, what: string) =>
  Math.round(number(text, fallback, what));
const sizes = {
  smallFiles: count(flags["small-files"], DEFAULT_SIZES.smallFiles, "small-files"),
  smallMin: size(flags["small-min"], DEFAULT_SIZES.smallMin),
  smallMax: size(flags["small-max"], DEFAULT_SIZES.smallMax),
  largeFiles: count(flags["large-files"], DEFAULT_SIZES.largeFiles, "large-files"),
  largeSize: size(flags["large-size"], DEFAULT_SIZES.largeSize),
  mixFiles: count(flags["mix-files"], DEFAULT_SIZES.mixFiles, "mix-files"),
  mixMax: size(flags["mix-max"], DEFAULT_SIZES.mixMax),
  tuszFiles: count(flags["wan-files"], DEFAULT_SIZES.tuszFiles, "wan-files"),
  tuszMax: size(flags["wan-max"], DEFAULT_SIZES.tuszMax),
  noopFiles: count(flags["noop-files"], DEFAULT_SIZES.noopFiles, "noop-files"),
  scaleFiles: count(flags["scale-files"], DEFAULT_SIZES.scaleFiles, "scale-files"),
};
const tools = list<ToolId>(flags.tools, TOOL_IDS, DEFAULT_TOOLS, "tools");
if (!tools.includes("ours")) tools.unshift("ours"); // ratios are against ours
const workloads = list(flags.workloads, UPLOAD_WORKLOADS, UPLOAD_WORKLOADS, "workloads");
const scenarios = list<Scenario>(flags.scenarios, SCENARIOS, SCENARIOS, "scenarios");
const killAt = number(flags["kill-at"], 0.5, "kill-at");
if (killAt >= 1) throw new Error("--kill-at must be below 1");
const timeoutMs = number(flags.timeout, 1800, "timeout") * 1000;
const repeat = count(flags.repeat, 1, "repeat");
const scaleSeconds = number(flags["scale-seconds"], 60, "scale-seconds", 0);
const wanDelay = millis(flags["wan-delay"], 30, "wan-delay");
const wanRate = flags["wan-bwlimit"] === "none" ? undefined : size(flags["wan-bwlimit"], 100 * MiB);
const wanProfile: WanProfile = {
  requestDelayMs: wanDelay,
  responseDelayMs: wanDelay,
  bytesPerSecond: wanRate,
};
const wanText = `${wanDelay} ms each way, ${wanRate ? `${(wanRate / MiB).toFixed(0)} MiB/s uplink` : "no bandwidth cap"}`;
const noopSeed = list(flags["noop-seed"], ["ours", "s5cmd"], ["ours"], "noop-seed")[0];
const oursArgs = (flags["ours-args"] ?? "").split(/\s+/).filter(Boolean);
process.off("uncaughtException", badFlag);

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(benchDir, "..", "..", "..");
const dataDir = flags["data-dir"] ?? join(tmpdir(), "bgb-bench-data");
const scratch = mkdtempSync(join(tmpdir(), "bgb-bench-"));
const home = join(scratch, "home");
mkdirSync(home);

const began = Date.now();
const minutes = () => ((Date.now() - began) / 60000).toFixed(1);
const log = (msg: string) => process.stderr.write(`bench [${minutes()} min]: ${msg}\n`);

let server: S3Server | undefined;
const proxies: FaultProxy[] = [];

/**
 * Ours reads its own datasets file: one `bench` dataset (layout flat, no expected_counts), so a
 * generated tree is a complete dataset and its manifest is written as a real user's would be.
 */
function writeOursConfig(region: string): string {
  const file = join(scratch, "bench-datasets.yaml");
  writeFileSync(
    file,
    [
      "storage_prices:",
      '  price_date: "2026-11-01"',
      "  usd_per_gb_month: { STANDARD: 0.023 }",
      "datasets:",
      "  bench:",
      "    description: pnpm bench's generated trees",
      "    source: ./overridden-by-source-flag",
      "    layout: flat",
      "    bucket: overridden-by-bucket-flag",
      "    prefix: overridden/",
      `    region: ${region}`,
      "",
    ].join("\n"),
  );
  return file;
}

/** Ours' default concurrency x part size (from its --help): the bytes a kill can lose. */
function oursInFlight(): number {
  const help = execFileSync(
    process.execPath,
    [join(repoRoot, "packages/data-sync/dist/sync.js"), "sync", "--help"],
    { encoding: "utf8" },
  );
  const conc = /--concurrency <n>[\s\S]*?\(default: "(\d+)"\)/.exec(help)?.[1];
  const part = /--part-size <size>[\s\S]*?\(default: "([^"]+)"\)/.exec(help)?.[1];
  const mem = /--max-memory <size>[\s\S]*?\(default: "([^"]+)"\)/.exec(help)?.[1];
  // Part buffers in flight are bounded by the requests and, below that, by the memory budget
  // (a part of --max-memory): the smaller bound is what a kill can lose.
  return Math.min(Number(conc ?? 16) * parseSize(part ?? "16MiB"), parseSize(mem ?? "256MiB"));
}

interface Env {
  client: S3Client;
  server: S3Server;
  proxy: FaultProxy;
  settings: Settings;
}

async function main(): Promise<string> {
  const guess = estimate({
    sizes,
    scenarios,
    workloads,
    tools: tools.length,
    noopTools: tools.filter((t) => t === "ours" || NOOP_PEERS.includes(t)).length,
    repeat,
    scaleSeconds,
  });
  const sum = guess.reduce((a, [, t]) => a + t, 0);
  log(
    `expected duration on a quiet 2-core machine: about ${Math.ceil(sum / 60)} min (${guess.map(([n, t]) => `${n} ${(t / 60).toFixed(1)}`).join(", ")}), plus generating data and installing peers on a first run`,
  );
  server = await startS3Server({ keepAlive: true }); // as S3 does: no TCP connect per request
  const proxy = await startFaultProxy({ upstream: server.endpoint });
  proxies.push(proxy);
  const client = clientFor(server);
  const settings: Settings = {
    repoRoot,
    toolsDir: flags["tools-dir"] ?? toolsDir(),
    home,
    endpoint: proxy.endpoint,
    credentials: {
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_REGION: server.region,
    },
    oursConfig: writeOursConfig(server.region),
    oursArgs,
  };

  const versions = new Map<ToolId, string>();
  const skipped: string[] = [];
  for (const id of tools) {
    log(`installing ${id}`);
    try {
      versions.set(id, await TOOLS[id].install(settings));
    } catch (err) {
      const why = String((err as { stderr?: string }).stderr || (err as Error).message);
      skipped.push(
        `${id}: skipped, install failed (${why.trim().split("\n").slice(-2).join(" ")})`,
      );
      if (id === "ours") throw err;
    }
  }
  const ready = tools.filter((t) => versions.has(t));

  const prepared = new Map<WorkloadName, Workload>();
  const workload = async (name: WorkloadName) => {
    let w = prepared.get(name);
    if (!w) {
      log(`preparing workload ${name} in ${dataDir}`);
      w = await prepareWorkload(name, dataDir, sizes);
      prepared.set(name, w);
    }
    return w;
  };
  const floors = new Map<WorkloadName, Floor>();
  const floorOf = (w: Workload) => {
    if (!floors.has(w.name)) floors.set(w.name, hashFloor(w));
  };

  const env: Env = { client, server, proxy, settings };
  const phases: string[] = [];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    log(`scenario ${name}`);
    const out = await fn();
    phases.push(`${name} ${((Date.now() - t) / 60000).toFixed(1)}`);
    return out;
  };

  /** Rounds over the tools (interleaved, so a slow spell of the machine hits all of them). */
  const uploadRounds = async (e: Env, w: Workload, withRerun: boolean) => {
    const runs = new Map<ToolId, UploadResult[]>(ready.map((t) => [t, []]));
    for (let rep = 0; rep < repeat; rep++) {
      for (const tool of ready) {
        const done = runs.get(tool) ?? [];
        if (done.some((r) => !r.first.ok)) continue; // failed once: reported as failed
        done.push(await uploadScenario(e, w, tool, rep === 0 && withRerun));
      }
    }
    return ready.map((tool) => combine(runs.get(tool) ?? []));
  };

  const uploads: UploadResult[] = [];
  if (scenarios.includes("upload") || scenarios.includes("rerun")) {
    await phase("upload/rerun", async () => {
      for (const name of workloads) {
        const w = await workload(name);
        floorOf(w);
        uploads.push(...(await uploadRounds(env, w, scenarios.includes("rerun"))));
      }
    });
  }

  const wan: UploadResult[] = [];
  if (scenarios.includes("wan")) {
    await phase("wan", async () => {
      const w = await workload("tusz");
      floorOf(w);
      const wanProxy = await startFaultProxy({ upstream: env.server.endpoint, wan: wanProfile });
      proxies.push(wanProxy);
      const wanEnv = {
        ...env,
        proxy: wanProxy,
        settings: { ...settings, endpoint: wanProxy.endpoint },
      };
      wan.push(...(await uploadRounds(wanEnv, w, false)));
    });
  }

  const noop = scenarios.includes("noop")
    ? await phase("noop", async () => noopScenario(env, await workload("noop"), ready))
    : undefined;

  const scale = scenarios.includes("scale")
    ? await phase("scale", async () => scaleScenario(env, await workload("scale")))
    : [];

  const resumes: ResumeResult[] = [];
  const large = scenarios.includes("resume") ? await workload("large") : undefined;
  if (large)
    await phase("resume", async () => {
      for (const tool of ready) resumes.push(await resumeScenario(env, large, tool));
    });

  return render({
    settings,
    versions,
    skipped,
    phases,
    report: {
      uploads,
      floors,
      wan,
      wanProfile: wanText,
      noop,
      scale,
      resumes,
      large,
      killAt,
      inFlightBytes: oursInFlight(),
    },
    workloads: [...prepared.values()],
  });
}

async function freshBucket(env: Env, label: string): Promise<string> {
  const bucket = `${label}-${randomBytes(3).toString("hex")}`.toLowerCase();
  await env.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const payload = (p: FaultProxy) =>
  p.stats.bytesForwarded.PutObject + p.stats.bytesForwarded.UploadPart;

interface Job {
  bucket: string;
  stateDir: string;
  oursExtra?: string[];
}

/**
 * One run of a tool through env's proxy, with counters reset first; fails unless the bucket is
 * complete afterwards (check: false skips the listing, for re-syncs of an already checked tree).
 * `watch` gets the seconds since spawn every 20 ms; the first true SIGKILLs the tool.
 */
async function measuredRun(
  env: Env,
  tool: ToolId,
  w: Workload,
  job: Job,
  opts: { watch?: (seconds: number) => boolean; check?: boolean } = {},
): Promise<{ result: Outcome<Measured>; killed: boolean; openUploads: number }> {
  const prefix = `${w.name}/`;
  const cmd = TOOLS[tool].command({ source: w.root, prefix, ...job }, env.settings);
  execFileSync("sync"); // flush the previous run's writes so they don't land on this one
  env.proxy.resetStats();
  const serverBefore = env.server.cpuSeconds();
  const t0 = performance.now();
  const watch = opts.watch;
  const killWhen = watch && (() => watch((performance.now() - t0) / 1000));
  const r = await runMeasured(cmd, { timeoutMs, killWhen });
  const serverAfter = env.server.cpuSeconds();
  const measured: Measured = {
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    serverCpuSeconds:
      serverBefore === undefined || serverAfter === undefined
        ? undefined
        : serverAfter - serverBefore,
    peakRssBytes: r.peakRssBytes,
    bytesSent: payload(env.proxy),
    requests: { ...env.proxy.stats.requests },
  };
  if (r.killed) return { result: { ok: true, value: measured }, killed: true, openUploads: 0 };
  const check =
    opts.check === false
      ? { problem: undefined, openUploads: 0 }
      : await checkBucket(env.client, job.bucket, prefix, w.files);
  // The last lines that say something (a crash ends with Node's version line; skip it).
  const said = `${r.stderr}\n${r.stdout}`
    .split("\n")
    .filter((l) => l.trim() && !/^Node\.js v/.test(l));
  const out = said.slice(-2).join(" ").slice(0, 300);
  const reason = r.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : r.code !== 0
      ? `exit ${r.code ?? r.signal}: ${out}`
      : check.problem;
  if (reason) {
    log(`${tool} on ${w.name} failed: ${reason}\n${r.stderr.slice(-3000)}`);
    return { result: { ok: false, reason }, killed: false, openUploads: check.openUploads };
  }
  return { result: { ok: true, value: measured }, killed: false, openUploads: check.openUploads };
}

function dropBucket(env: Env, bucket: string): void {
  // Never used again; the posix backend keeps a bucket as a folder, so free the disk directly.
  rmSync(join(env.server.root, bucket), { recursive: true, force: true });
}

async function uploadScenario(
  env: Env,
  w: Workload,
  tool: ToolId,
  rerun: boolean,
): Promise<UploadResult> {
  const bucket = await freshBucket(env, `${w.name}-${tool}`);
  const stateDir = mkdtempSync(join(scratch, "state-"));
  log(`${w.name}: ${tool} uploading`);
  const first = (await measuredRun(env, tool, w, { bucket, stateDir })).result;
  const out: UploadResult = { workload: w, tool, first };
  if (rerun) {
    log(`${w.name}: ${tool} re-run on the unchanged tree`);
    out.rerun = first.ok
      ? (await measuredRun(env, tool, w, { bucket, stateDir })).result
      : { ok: false, reason: "first upload failed" };
  }
  dropBucket(env, bucket);
  rmSync(stateDir, { recursive: true, force: true });
  return out;
}

/**
 * Ours uploads the tree once (its journal then knows it); ours, aws and s5cmd then re-sync the
 * same bucket and prefix with nothing changed. The objects are newer than the files and of the
 * same size, which is what aws s3 sync and s5cmd sync compare, so all three start from "done".
 */
async function noopScenario(env: Env, w: Workload, ready: ToolId[]): Promise<NoopResults> {
  const bucket = await freshBucket(env, "noop");
  const stateDir = mkdtempSync(join(scratch, "state-"));
  let seed: Outcome<Measured>;
  let adopt: Outcome<Measured> | undefined;
  if (noopSeed === "s5cmd" && ready.includes("s5cmd")) {
    // The fast way to a full bucket; ours then adopts it (one listing, a HEAD per object
    // without a manifest of ours) and so has a journal, as after an upload of its own.
    log(`noop: s5cmd uploads ${w.files.size} files first, then ours adopts them`);
    seed = (await measuredRun(env, "s5cmd", w, { bucket, stateDir })).result;
    if (seed.ok) adopt = (await measuredRun(env, "ours", w, { bucket, stateDir })).result;
  } else {
    log(`noop: ours uploads ${w.files.size} files first`);
    seed = (await measuredRun(env, "ours", w, { bucket, stateDir })).result;
  }
  const runs: NoopResults["runs"] = [];
  const who = ready.filter((t) => t === "ours" || NOOP_PEERS.includes(t));
  const seeded = adopt ?? seed;
  if (!seeded.ok) {
    const reason = `seeding failed: ${seeded.reason}`;
    for (const tool of who) runs.push({ tool, outcome: { ok: false, reason } });
  } else {
    const all = new Map<ToolId, Outcome<Measured>[]>(who.map((t) => [t, []]));
    for (let rep = 0; rep < repeat; rep++)
      for (const tool of who) {
        log(`noop: ${tool} re-syncs the unchanged tree`);
        const r = await measuredRun(env, tool, w, { bucket, stateDir }, { check: false });
        all.get(tool)?.push(r.result);
      }
    for (const tool of who) {
      const outs = all.get(tool) ?? [];
      const bad = outs.find((o) => !o.ok);
      const merged = combine(outs.map((first) => ({ workload: w, tool, first })));
      runs.push({ tool, outcome: bad ?? merged.first });
    }
  }
  dropBucket(env, bucket);
  rmSync(stateDir, { recursive: true, force: true });
  const seededBy: ToolId = adopt ? "s5cmd" : "ours";
  return { workload: w, seed, seededBy, adopt, runs };
}

/**
 * Ours alone on a tree of tiny files, at its default --max-memory and at 1GiB, each run in a
 * fresh bucket and time-boxed (--scale-seconds): peak RSS, start-up until the first upload
 * request, and files per second after it.
 */
async function scaleScenario(env: Env, w: Workload): Promise<ScaleRun[]> {
  const out: ScaleRun[] = [];
  for (const [label, extra] of [
    ["defaults", []],
    ["--max-memory 1GiB", ["--max-memory", "1GiB"]],
  ] as const) {
    const bucket = await freshBucket(env, "scale");
    const stateDir = mkdtempSync(join(scratch, "state-"));
    log(`scale: ours with ${label} on ${w.files.size} files`);
    let firstUpload: number | undefined;
    const started = () =>
      env.proxy.stats.requests.PutObject + env.proxy.stats.requests.CreateMultipartUpload > 0;
    const watch = (t: number) => {
      if (firstUpload === undefined && started()) firstUpload = t;
      return scaleSeconds > 0 && t >= scaleSeconds;
    };
    const job = { bucket, stateDir, oursExtra: [...extra] };
    const r = await measuredRun(env, "ours", w, job, { watch, check: false });
    const files =
      env.proxy.stats.requests.PutObject + env.proxy.stats.requests.CompleteMultipartUpload;
    if (!r.result.ok) out.push({ label, outcome: r.result });
    else {
      const m = r.result.value;
      const startup = firstUpload ?? m.seconds;
      const rate = files / Math.max(1e-3, m.seconds - startup);
      const value = { measured: m, files, startupSeconds: startup, rate, finished: !r.killed };
      out.push({ label, outcome: { ok: true, value } });
    }
    dropBucket(env, bucket);
    rmSync(stateDir, { recursive: true, force: true });
  }
  return out;
}

async function resumeScenario(env: Env, w: Workload, tool: ToolId): Promise<ResumeResult> {
  const bucket = await freshBucket(env, `resume-${tool}`);
  const stateDir = mkdtempSync(join(scratch, "state-"));
  const job = { bucket, stateDir };
  const at = killAt * w.bytes;
  log(`resume: ${tool} until ${(at / MiB).toFixed(0)} MiB reached the server, then SIGKILL`);
  const first = await measuredRun(env, tool, w, job, { watch: () => payload(env.proxy) >= at });
  let outcome: ResumeResult["outcome"];
  if (!first.result.ok) outcome = first.result;
  else if (!first.killed) outcome = { ok: false, reason: "finished before the kill" };
  else {
    log(`resume: ${tool} re-run`);
    const second = await measuredRun(env, tool, w, job);
    outcome = second.result.ok
      ? {
          ok: true,
          value: {
            killed: first.result.value,
            rerun: second.result.value,
            openUploads: second.openUploads,
          },
        }
      : second.result;
  }
  dropBucket(env, bucket);
  rmSync(stateDir, { recursive: true, force: true });
  return { tool, outcome };
}

function render(r: {
  settings: Settings;
  versions: Map<ToolId, string>;
  skipped: string[];
  phases: string[];
  report: Report;
  workloads: Workload[];
}): string {
  const rep = r.report;
  const cpu = cpus();
  const lines = [
    `# data-sync benchmark, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}.`,
    `Server: versitygw ${VERSITYGW_VERSION} (posix backend) on 127.0.0.1, every request through a counting proxy; loopback except in the WAN profile.`,
    `Run: \`pnpm bench ${process.argv.slice(2).join(" ")}\`, ${repeat} round(s), ${minutes()} min in all (minutes per scenario: ${r.phases.join(", ")}).`,
    "CPU s = user + system seconds of the tool's whole process tree (rusage of the waited-for children). x best peer = the value divided by the fastest other tool's on the same workload in this run (below 1 is better).",
    "",
    "Tools and settings:",
    "",
    ...[...r.versions].map(([id, v]) => `- **${id}**: ${v}; ${TOOLS[id].settings(r.settings)}`),
    ...r.skipped.map((x) => `- ${x}`),
    "",
  ];
  if (r.workloads.length > 0) {
    lines.push("Workloads:", "", ...r.workloads.map((w) => `- ${w.title}`), "");
  }
  if (rep.uploads.length > 0) {
    lines.push(
      "## First upload into an empty bucket",
      "",
      "The SHA-256 floor row is one hash pass over the same bytes in the bench's process (CPU of the hashing calls, reads excluded, best of 3): the least CPU any verified upload can spend.",
      "",
      uploadTable(rep.uploads, rep.floors),
      "",
    );
  }
  if (rep.uploads.some((u) => u.rerun)) {
    lines.push("## Re-run on the unchanged tree", "", rerunTable(rep.uploads), "");
  }
  if (rep.wan.length > 0) {
    lines.push(
      `## WAN profile: ${rep.wanProfile}`,
      "",
      "Every request waits the delay before the proxy forwards it, every response the delay before it comes back, and request bodies share the uplink's rate: a remote region simulated on loopback. Tools at the settings above.",
      "",
      uploadTable(rep.wan, rep.floors),
      "",
    );
  }
  if (rep.noop) {
    const n = rep.noop.workload.files.size;
    const how = (what: string, o: Outcome<Measured> | undefined) =>
      !o
        ? ""
        : o.ok
          ? `${what} in ${o.value.seconds.toFixed(1)} s (${(n / o.value.seconds).toFixed(0)} files/s, peak RSS ${(o.value.peakRssBytes / MiB).toFixed(0)} MiB, CPU ${o.value.cpuSeconds?.toFixed(1) ?? "-"} s, ${Object.values(o.value.requests).reduce((a, b) => a + b, 0)} requests)`
          : `${what} failed: ${o.reason}`;
    const seedText = [
      how(`${rep.noop.seededBy} uploaded them first`, rep.noop.seed),
      how("ours adopted them (no journal yet)", rep.noop.adopt),
    ]
      .filter(Boolean)
      .join("; ");
    lines.push(
      `## No-op re-sync of ${rep.noop.workload.files.size.toLocaleString("en-US")} files`,
      "",
      `${rep.noop.workload.title}; ${seedText}. Then each tool syncs the same tree to the same bucket and prefix again, nothing changed.`,
      "",
      noopTable(rep.noop),
      "",
    );
  }
  if (rep.scale.length > 0) {
    const w = r.workloads.find((x) => x.name === "scale");
    lines.push(
      `## Memory at scale: ${w?.files.size.toLocaleString("en-US") ?? "?"} files, ours only`,
      "",
      `Each run into a fresh bucket${scaleSeconds > 0 ? `, stopped after ${scaleSeconds} s` : ""}. Start-up = spawn to the first upload request (walk, plan, journal); the rate counts the files the server received after it.`,
      "",
      scaleTable(rep.scale, w?.files.size ?? 0),
      "",
    );
  }
  if (rep.large && rep.resumes.length > 0) {
    lines.push(
      `## SIGKILL at ${Math.round(killAt * 100)}% of the large workload, then run again`,
      "",
      `Payload bytes (PutObject + UploadPart bodies) the server received over both runs; the dataset is ${(rep.large.bytes / MiB).toFixed(0)} MiB.`,
      "",
      resumeTable(rep.resumes, rep.large.bytes),
      "",
    );
  }
  lines.push("## Issue 12's targets, from this run", "", ...targetLines(rep), "");
  return lines.join("\n");
}

try {
  const md = await main();
  process.stdout.write(md);
  const outDir = join(benchDir, "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
  writeFileSync(file, md);
  log(`written to ${file}`);
} catch (err) {
  log(`failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  for (const p of proxies) await p.stop();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
