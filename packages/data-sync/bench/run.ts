// `pnpm bench`: our sync side by side with rclone, the AWS CLI, s5cmd and a lib-storage script,
// in one run against a local versitygw behind a counting proxy. Not part of `pnpm test`.
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
} from "@bgb/testkit";
import { checkBucket, runMeasured } from "./measure.ts";
import { type Settings, TOOL_IDS, TOOLS, type ToolId } from "./peers/tools.ts";
import {
  combine,
  type Measured,
  type Outcome,
  type ResumeResult,
  rerunTable,
  resumeTable,
  type UploadResult,
  uploadTable,
} from "./report.ts";
import {
  DEFAULT_SIZES,
  prepareWorkload,
  WORKLOADS,
  type Workload,
  type WorkloadName,
} from "./workloads.ts";

const MiB = 1024 * 1024;
const SCENARIOS = ["upload", "rerun", "resume"] as const;
type Scenario = (typeof SCENARIOS)[number];

const HELP = `Usage: pnpm bench [options]

Uploads generated datasets with each tool into fresh buckets on a local versitygw (through a
counting proxy on 127.0.0.1) and prints a markdown table, also written to
packages/data-sync/bench/out/<timestamp>.md.

Scenarios:
  upload   first upload of each workload: wall time, MiB/s, peak RSS of the process tree
  rerun    the same command again on the unchanged tree: wall time, requests by operation
  resume   SIGKILL at --kill-at of the large workload, run again: bytes sent over both runs

Options:
  --tools <list>        ${TOOL_IDS.join(",")} (default: all; ours always runs)
  --workloads <list>    ${WORKLOADS.join(",")} (default: all)
  --scenarios <list>    ${SCENARIOS.join(",")} (default: all)
  --small-files <n>     default ${DEFAULT_SIZES.smallFiles}
  --small-min <size>    default 32KiB
  --small-max <size>    default 128KiB
  --large-files <n>     default ${DEFAULT_SIZES.largeFiles}
  --large-size <size>   default 256MiB
  --mix-files <n>       EDF files in the TUSZ-shaped mix (each with a CSV), default ${DEFAULT_SIZES.mixFiles}
  --mix-max <size>      largest EDF in the mix (log-uniform from 32KiB), default 64MiB
  --concurrency <n>     requests in flight (ours, aws); default 16
  --peer-files <n>      files at once for rclone, s5cmd, lib-storage; default 16
  --peer-parts <n>      parts in flight per file for those three; default 4
  --part-size <size>    default 16MiB
  --max-memory <size>   ours only; default 256MiB
  --kill-at <fraction>  resume scenario: kill when this share of the bytes reached the server; default 0.5
  --repeat <n>          first uploads per tool and workload (median reported); default 1
  --timeout <s>         per tool run; default 1800
  --data-dir <dir>      generated workloads, reused while their parameters match
                        (default: $TMPDIR/bgb-bench-data)
  --tools-dir <dir>     where peers are installed (default: $BGB_TOOLS_DIR or ~/.cache/bgb-tools)
  -h, --help            this text
`;

function list<T extends string>(text: string | undefined, all: readonly T[], what: string): T[] {
  if (text === undefined) return [...all];
  const picked = text.split(",").map((s) => s.trim());
  for (const p of picked)
    if (!all.includes(p as T)) throw new Error(`--${what}: unknown "${p}" (${all.join(", ")})`);
  return picked as T[];
}

function positive(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n > 0)) throw new Error(`--${what}: expected a positive number, got "${text}"`);
  return n;
}

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
    concurrency: str,
    "peer-files": str,
    "peer-parts": str,
    "part-size": str,
    "max-memory": str,
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
const sizes = {
  smallFiles: positive(flags["small-files"], DEFAULT_SIZES.smallFiles, "small-files"),
  smallMin: size(flags["small-min"], DEFAULT_SIZES.smallMin),
  smallMax: size(flags["small-max"], DEFAULT_SIZES.smallMax),
  largeFiles: positive(flags["large-files"], DEFAULT_SIZES.largeFiles, "large-files"),
  largeSize: size(flags["large-size"], DEFAULT_SIZES.largeSize),
  mixFiles: positive(flags["mix-files"], DEFAULT_SIZES.mixFiles, "mix-files"),
  mixMax: size(flags["mix-max"], DEFAULT_SIZES.mixMax),
};
const tools = list<ToolId>(flags.tools, TOOL_IDS, "tools");
if (!tools.includes("ours")) tools.unshift("ours"); // ratios are against ours
const workloads = list<WorkloadName>(flags.workloads, WORKLOADS, "workloads");
const scenarios = list<Scenario>(flags.scenarios, SCENARIOS, "scenarios");
const killAt = positive(flags["kill-at"], 0.5, "kill-at");
if (killAt >= 1) throw new Error("--kill-at must be below 1");
const timeoutMs = positive(flags.timeout, 1800, "timeout") * 1000;
const repeat = Math.round(positive(flags.repeat, 1, "repeat"));

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(benchDir, "..", "..", "..");
const dataDir = flags["data-dir"] ?? join(tmpdir(), "bgb-bench-data");
const scratch = mkdtempSync(join(tmpdir(), "bgb-bench-"));
const home = join(scratch, "home");
mkdirSync(home);

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

let server: S3Server | undefined;
let proxy: FaultProxy | undefined;

async function main(): Promise<string> {
  server = await startS3Server();
  proxy = await startFaultProxy({ upstream: server.endpoint });
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
    concurrency: positive(flags.concurrency, 16, "concurrency"),
    peerFiles: positive(flags["peer-files"], 16, "peer-files"),
    peerParts: positive(flags["peer-parts"], 4, "peer-parts"),
    partSize: size(flags["part-size"], 16 * MiB),
    maxMemory: size(flags["max-memory"], 256 * MiB),
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

  const s3 = { client, server, proxy, settings };
  const uploads: UploadResult[] = [];
  if (scenarios.includes("upload") || scenarios.includes("rerun")) {
    for (const name of workloads) {
      const w = await workload(name);
      // Repetitions go round the tools, so a slow spell of the machine hits all of them.
      const runs = new Map<ToolId, UploadResult[]>(ready.map((t) => [t, []]));
      for (let rep = 0; rep < repeat; rep++) {
        for (const tool of ready) {
          const done = runs.get(tool) ?? [];
          if (done.some((r) => !r.first.ok)) continue; // failed once: reported as failed
          done.push(await uploadScenario(s3, w, tool, rep === 0 && scenarios.includes("rerun")));
        }
      }
      for (const tool of ready) uploads.push(combine(runs.get(tool) ?? []));
    }
  }
  const resumes: ResumeResult[] = [];
  const large = scenarios.includes("resume") ? await workload("large") : undefined;
  if (large) for (const tool of ready) resumes.push(await resumeScenario(s3, large, tool));

  return render({ settings, versions, skipped, uploads, resumes, large });
}

interface Env {
  client: S3Client;
  server: S3Server;
  proxy: FaultProxy;
  settings: Settings;
}

async function freshBucket(env: Env, label: string): Promise<string> {
  const bucket = `${label}-${randomBytes(3).toString("hex")}`.toLowerCase();
  await env.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const payload = (p: FaultProxy) =>
  p.stats.bytesForwarded.PutObject + p.stats.bytesForwarded.UploadPart;

/** One run of a tool through the proxy, with counters reset first; fails unless the bucket is complete. */
async function measuredRun(
  env: Env,
  tool: ToolId,
  w: Workload,
  job: { bucket: string; stateDir: string },
  killWhen?: () => boolean,
): Promise<{ result: Outcome<Measured>; killed: boolean; openUploads: number }> {
  const prefix = `${w.name}/`;
  const cmd = TOOLS[tool].command({ source: w.root, prefix, ...job }, env.settings);
  execFileSync("sync"); // flush the previous run's writes so they don't land on this one
  env.proxy.resetStats();
  const r = await runMeasured(cmd, { timeoutMs, killWhen });
  const measured: Measured = {
    seconds: r.seconds,
    peakRssBytes: r.peakRssBytes,
    bytesSent: payload(env.proxy),
    requests: { ...env.proxy.stats.requests },
  };
  const check = await checkBucket(env.client, job.bucket, prefix, w.files);
  if (r.killed) return { result: { ok: true, value: measured }, killed: true, openUploads: 0 };
  const out = `${r.stderr}\n${r.stdout}`.trim().split("\n").slice(-2).join(" ").slice(0, 200);
  const reason = r.timedOut
    ? `timed out after ${timeoutMs / 1000} s`
    : r.code !== 0
      ? `exit ${r.code ?? r.signal}: ${out}`
      : check.problem;
  if (reason) {
    log(`${tool} on ${w.name} failed: ${reason}`);
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

async function resumeScenario(env: Env, w: Workload, tool: ToolId): Promise<ResumeResult> {
  const bucket = await freshBucket(env, `resume-${tool}`);
  const stateDir = mkdtempSync(join(scratch, "state-"));
  const job = { bucket, stateDir };
  const at = killAt * w.bytes;
  log(`resume: ${tool} until ${(at / MiB).toFixed(0)} MiB reached the server, then SIGKILL`);
  const first = await measuredRun(env, tool, w, job, () => payload(env.proxy) >= at);
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
  uploads: UploadResult[];
  resumes: ResumeResult[];
  large: Workload | undefined;
}): string {
  const s = r.settings;
  const cpu = cpus();
  const lines = [
    `# data-sync benchmark, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}.`,
    `Server: versitygw ${VERSITYGW_VERSION} (posix backend) on 127.0.0.1, every request through a counting proxy; loopback, no WAN latency.`,
    "Ratios (x ours) are the tool's value divided by ours: above 1 is slower, more memory or more bytes.",
    "",
    "Tools and settings:",
    "",
    ...[...r.versions].map(([id, v]) => `- **${id}**: ${v}; ${TOOLS[id].settings(s)}`),
    ...r.skipped.map((x) => `- ${x}`),
    "",
  ];
  const workloads = [...new Set(r.uploads.map((u) => u.workload))];
  if (workloads.length > 0) {
    lines.push("Workloads:", "", ...workloads.map((w) => `- ${w.title}`), "");
  }
  if (r.uploads.some((u) => u.first)) {
    lines.push("## First upload into an empty bucket", "", uploadTable(r.uploads), "");
  }
  if (r.uploads.some((u) => u.rerun)) {
    lines.push("## Re-run on the unchanged tree", "", rerunTable(r.uploads), "");
  }
  if (r.large && r.resumes.length > 0) {
    lines.push(
      `## SIGKILL at ${Math.round(killAt * 100)}% of the large workload, then run again`,
      "",
      `Payload bytes (PutObject + UploadPart bodies) the server received over both runs; the dataset is ${(r.large.bytes / MiB).toFixed(0)} MiB.`,
      "",
      resumeTable(r.resumes, r.large.bytes),
      "",
    );
  }
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
  await proxy?.stop();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
