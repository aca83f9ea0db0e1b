// Test support: the real cache server (its CLI) on the real versitygw, fresh `git clone`s of
// this repository installed from the pnpm store, and the real turbo binary run in them.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { findRepoRoot } from "@bgb/shared";
// Declares inject("s3"), the versitygw the global setup started.
import type {} from "@bgb/testkit/vitest-global-setup";
import { afterAll, inject } from "vitest";

export const s3 = inject("s3");
export const repoRoot = findRepoRoot(import.meta.dirname);
const serverBin = join(repoRoot, "packages", "ci-cache", "src", "bin", "cache-server.ts");
/** The wiring scripts/test.sh sources, from this working tree. */
export const clientEnvScript = join(repoRoot, "packages", "ci-cache", "client-env.sh");

export const client = new S3Client({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});

const made: string[] = [];
const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `bgb-${label}-`));
  made.push(d);
  return d;
}

export async function newBucket(): Promise<string> {
  const name = `turbo-${randomBytes(5).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export async function listKeys(bucket: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? "").sort();
}

export async function getObject(bucket: string, key: string): Promise<Uint8Array> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (got.Body as NonNullable<typeof got.Body>).transformToByteArray();
}

export async function putObject(bucket: string, key: string, body: Uint8Array): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Environment of a child process: no credentials or TURBO_* of the test's own runner. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return env;
}

export interface CacheServerProcess {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * `pnpm cache-server` as a team would run it: the bucket in a ci.yaml, versitygw's keys through
 * the AWS chain (environment), the token in TURBO_TOKEN, a free port.
 */
export async function startServer(opts: {
  bucket: string;
  prefix: string;
  signed: boolean;
}): Promise<CacheServerProcess> {
  const dir = tempDir("ci-yaml");
  const config = join(dir, "ci.yaml");
  writeFileSync(
    config,
    [
      "remote_cache:",
      `  bucket: ${opts.bucket}`,
      `  prefix: ${opts.prefix}`,
      "  endpoint_url: null",
      "  host: 127.0.0.1",
      "  port: 0",
      `  signed: ${opts.signed}`,
      "",
    ].join("\n"),
  );
  const token = randomBytes(24).toString("hex");
  const child = spawn(process.execPath, ["--import", "tsx", serverBin, "--config", config], {
    cwd: repoRoot,
    env: {
      ...baseEnv(),
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      TURBO_TOKEN: token,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`cache-server exited ${code}: ${output}`)));
  });
  if (output.includes(token)) throw new Error("the cache server printed its token");
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  return { url, token, stop };
}

export interface Run {
  exitCode: number | null;
  output: string;
  /** taskId -> what turbo's run summary says about it */
  tasks: Map<string, { hash: string; status: "HIT" | "MISS"; source?: string }>;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve({ exitCode, output, tasks: new Map() }));
  });
}

// A tiny task with an output file and a dependency chain shared -> testkit -> ci-cache, added
// the same way to every clone (so it hashes the same everywhere). Its output names the clone
// that produced it, so a restored artifact is told apart from a re-run.
const PROBE_PACKAGES = ["shared", "testkit", "ci-cache"] as const;
// dist/ is ignored by git, so the output is not an input of the next run.
const PROBE_SCRIPT = `node -e "const fs = require('node:fs'); fs.mkdirSync('dist', { recursive: true }); fs.writeFileSync('dist/probe.out', process.cwd())"`;
export const PROBE_FILTER = "@bgb/ci-cache...";

// Every clone of a test file checks out the commit HEAD was when the file started, so commits
// made meanwhile cannot change the task hashes between clones.
let pinned: Promise<string> | undefined;
function pinnedCommit(): Promise<string> {
  pinned ??= run("git", ["rev-parse", "HEAD"], repoRoot, baseEnv()).then((r) => {
    if (r.exitCode !== 0) throw new Error(`git rev-parse HEAD failed: ${r.output}`);
    return r.output.trim();
  });
  return pinned;
}

/** `git clone` of this repository into a temp folder, installed offline from the store. */
export async function freshClone(label: string): Promise<string> {
  const dir = join(tempDir(`clone-${label}`), "repo");
  const commit = await pinnedCommit();
  const clone = await run("git", ["clone", "--quiet", repoRoot, dir], repoRoot, baseEnv());
  if (clone.exitCode !== 0) throw new Error(`git clone failed: ${clone.output}`);
  const checkout = await run("git", ["checkout", "--quiet", "--detach", commit], dir, baseEnv());
  if (checkout.exitCode !== 0) throw new Error(`git checkout failed: ${checkout.output}`);
  // The root's tools (turbo) are all the probe task needs; the packages' own node_modules would
  // be ~25,000 more files to link and then delete per clone.
  const install = await run(
    "pnpm",
    ["install", "--frozen-lockfile", "--offline", "--filter", "."],
    dir,
    baseEnv(),
  );
  if (install.exitCode !== 0) {
    throw new Error(
      `pnpm install --offline failed in the clone (run \`bash scripts/bootstrap.sh\` first: it fills the store): ${install.output}`,
    );
  }
  const turboJson = join(dir, "turbo.json");
  const turbo = JSON.parse(readFileSync(turboJson, "utf8"));
  turbo.tasks.probe = { dependsOn: ["^probe"], outputs: ["dist/probe.out"] };
  writeFileSync(turboJson, `${JSON.stringify(turbo, null, 2)}\n`);
  for (const p of PROBE_PACKAGES) {
    const file = join(dir, "packages", p, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    pkg.scripts.probe = PROBE_SCRIPT;
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  }
  return dir;
}

export function probeOutput(clone: string, pkg: (typeof PROBE_PACKAGES)[number]): string {
  return readFileSync(join(clone, "packages", pkg, "dist", "probe.out"), "utf8");
}

export function probeDir(clone: string, pkg: (typeof PROBE_PACKAGES)[number]): string {
  return join(clone, "packages", pkg);
}

export interface RemoteEnv {
  TURBO_API?: string;
  TURBO_TOKEN?: string;
  TURBO_TEAM?: string;
  TURBO_REMOTE_CACHE_SIGNATURE_KEY?: string;
}

/** What sourcing client-env.sh (as scripts/test.sh does) prints, without running turbo. */
export async function clientEnvMessages(cwd: string, remote: RemoteEnv): Promise<string> {
  const env: Record<string, string> = { ...baseEnv() };
  for (const [k, v] of Object.entries(remote)) if (v !== undefined) env[k] = v;
  const r = await run("bash", ["-c", 'source "$1"', "bash", clientEnvScript], cwd, env);
  if (r.exitCode !== 0) throw new Error(`sourcing client-env.sh failed: ${r.output}`);
  return r.output;
}

/**
 * `turbo run probe` in a clone through the same wiring as scripts/test.sh (client-env.sh), with
 * a run summary to read hit/miss per task.
 */
export async function runProbe(clone: string, remote: RemoteEnv): Promise<Run> {
  const env: Record<string, string> = {
    ...baseEnv(),
    TURBO_TELEMETRY_DISABLED: "1",
    TURBO_NO_UPDATE_NOTIFIER: "1",
  };
  for (const [k, v] of Object.entries(remote)) if (v !== undefined) env[k] = v;
  const runsDir = join(clone, ".turbo", "runs");
  const before = new Set(safeList(runsDir));
  const script = `source "$1" && exec pnpm exec turbo run probe --filter=${PROBE_FILTER} --summarize`;
  const r = await run("bash", ["-c", script, "bash", clientEnvScript], clone, env);
  const summary = safeList(runsDir).find((f) => !before.has(f));
  if (summary) {
    const doc = JSON.parse(readFileSync(join(runsDir, summary), "utf8")) as {
      tasks: { taskId: string; hash: string; cache: { status: "HIT" | "MISS"; source?: string } }[];
    };
    for (const t of doc.tasks) {
      const entry: { hash: string; status: "HIT" | "MISS"; source?: string } = {
        hash: t.hash,
        status: t.cache.status,
      };
      if (t.cache.source !== undefined) entry.source = t.cache.source;
      r.tasks.set(t.taskId, entry);
    }
  }
  return r;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** "HIT REMOTE" / "MISS" per task id, sorted, for one readable assertion. */
export function statuses(r: Run): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, t] of [...r.tasks].sort(([a], [b]) => a.localeCompare(b))) {
    out[id] = t.status === "HIT" ? `HIT ${t.source ?? ""}`.trim() : "MISS";
  }
  return out;
}
