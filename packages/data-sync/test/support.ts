// Test support: run the real CLI against the real local versitygw and inspect the bucket.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, inject } from "vitest";

export const s3 = inject("s3");
export const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(pkgDir, "src", "bin", `${name}.ts`);

export const client = new S3Client({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
});

export const MiB = 1024 * 1024;

// Every folder a test file makes is removed when that file is done.
const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `bgb-${label}-`));
  made.push(d);
  return d;
}

/**
 * configs/datasets.yaml with every `expected_counts: null`. Tests sync small generated trees as
 * `tuh` and `chbmit`, whose real counts (4667/1832/865, 686) would refuse each manifest; runCli
 * hands this file to every dataset command that names no --config (the expected-counts tests name
 * the repo's file to see the refusal).
 */
export const repoDatasets = join(pkgDir, "..", "..", "configs", "datasets.yaml");
let uncounted: string | undefined;
export function datasetsWithoutCounts(): string {
  if (!uncounted) {
    uncounted = join(tempDir("datasets"), "datasets.yaml");
    const yaml = readFileSync(repoDatasets, "utf8").replace(
      /^(\s*expected_counts:).*$/gm,
      "$1 null",
    );
    writeFileSync(uncounted, yaml);
  }
  return uncounted;
}

/** The commands that read datasets.yaml; `help` and flags alone (`--version`) do not. */
export function withTestDatasets(name: "sync" | "data-sync", args: string[]): string[] {
  if (args.includes("--config")) return args;
  const command = name === "sync" ? "sync" : args[0];
  const dataset = name === "sync" ? args[0] : args[1];
  const reads = ["sync", "status", "verify", "gc", "report"].includes(command ?? "");
  if (!reads || dataset === undefined || dataset.startsWith("-") || dataset === "help") return args;
  return [...args, "--config", datasetsWithoutCounts()];
}

export async function newBucket(): Promise<string> {
  const name = `t-${randomBytes(6).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: Record<string, unknown>[];
  summary: Record<string, unknown> | undefined;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** kill with this signal after this many ms */
  killAfterMs?: number;
  killSignal?: NodeJS.Signals;
  /** called for each stdout line as it arrives; return true to kill now */
  onLine?: (line: string) => boolean | undefined;
  endpoint?: string;
}

/** Runs `sync` or `data-sync` as a user would, with credentials only in the environment. */
export function runCli(
  name: "sync" | "data-sync",
  args: string[],
  opts: CliOptions = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const argv = withTestDatasets(name, args);
    const child = spawn(process.execPath, ["--import", "tsx", bin(name), ...argv], {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
        AWS_ENDPOINT_URL_S3: opts.endpoint ?? s3.endpoint,
        ...opts.env,
      } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let partial = "";
    const kill = () => child.kill(opts.killSignal ?? "SIGKILL");
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!opts.onLine) return;
      partial += d.toString();
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) if (opts.onLine(l)) kill();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = opts.killAfterMs !== undefined ? setTimeout(kill, opts.killAfterMs) : undefined;
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const events = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        events,
        summary: events.find((e) => e.event === "summary"),
      });
    });
  });
}

/** The dataset, source, bucket, prefix ds/ and state folder every command of a test names. */
export function targetArgs(
  dataset: string,
  source: string,
  bucket: string,
  stateDir: string,
): string[] {
  return [
    dataset,
    "--source",
    source,
    "--bucket",
    bucket,
    "--prefix",
    "ds/",
    "--state-dir",
    stateDir,
  ];
}

/** `args` without the flags verify and gc do not take (--source, --include, --exclude). */
export function bucketOnly(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (["--source", "--include", "--exclude"].includes(args[i] as string)) i++;
    else out.push(args[i] as string);
  }
  return out;
}

/** A sync with --json, as most tests run it. */
export function syncArgs(
  dataset: string,
  source: string,
  bucket: string,
  stateDir: string,
  extra: string[] = [],
): string[] {
  return [...targetArgs(dataset, source, bucket, stateDir), "--json", ...extra];
}

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort();
}

const sha = (b: Buffer | Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Every source file is in the bucket under the prefix with identical bytes. */
export async function expectBucketMatches(
  bucket: string,
  prefix: string,
  root: string,
): Promise<void> {
  const files = listFiles(root);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    // The dataset report beside the manifest is checked by the report tests, not here.
    for (const o of out.Contents ?? [])
      if (o.Key && o.Key !== `${prefix}.bgb-report.json`) keys.push(o.Key.slice(prefix.length));
    token = out.NextContinuationToken;
  } while (token);
  const expected = [...files, ".bgb-manifest.json"].sort();
  if (JSON.stringify(keys.sort()) !== JSON.stringify(expected)) {
    throw new Error(
      `bucket keys differ from the source: ${JSON.stringify({ keys: keys.length, files: files.length })}`,
    );
  }
  for (const f of files) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + f }));
    const body = await (got.Body as NonNullable<typeof got.Body>).transformToByteArray();
    if (sha(body) !== sha(readFileSync(join(root, f)))) throw new Error(`${f}: bytes differ`);
  }
}

export async function openUploads(bucket: string, prefix: string): Promise<number> {
  const out = await client.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return out.Uploads?.length ?? 0;
}

/** Removes folders early (they are removed after the file anyway). */
export function cleanup(...dirs: string[]) {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
