// Runs one tool invocation and measures it: wall time, CPU seconds and peak RSS of its whole
// process tree, optional SIGKILL when a condition holds; and checks what the bucket holds afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface Command {
  cmd: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  /** Highest sum of VmRSS over the process tree at one sample (never below any one VmHWM). */
  peakRssBytes: number;
  /**
   * User + system CPU seconds of the tool and every descendant it waited for (the kernel's
   * RUSAGE_CHILDREN of the wrapper shell), killed runs included; undefined if the wrapper died.
   */
  cpuSeconds?: number;
  killed: boolean;
  timedOut: boolean;
  /** The last 64 KiB of each stream. */
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Polled every 20 ms; the first true SIGKILLs the tool's process tree (the group after exit). */
  killWhen?: () => boolean;
  timeoutMs: number;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process exited between two reads
  }
}

/** The pid and all its descendants, through /proc/<pid>/task/<tid>/children. */
function processTree(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    out.push(pid);
    const tasks = readProc(`/proc/${pid}/task/${pid}/children`);
    for (const c of tasks?.trim().split(/\s+/) ?? []) if (c) todo.push(Number(c));
  }
  return out;
}

const kib = (status: string, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;

/** Samples the memory of the tree under pid (pid itself, the wrapper shell, excluded) every 50 ms. */
function rssSampler(pid: number) {
  let peakSum = 0;
  const hwm = new Map<number, number>();
  const sample = () => {
    let sum = 0;
    for (const p of processTree(pid)) {
      if (p === pid) continue;
      const status = readProc(`/proc/${p}/status`);
      if (!status) continue;
      sum += kib(status, "VmRSS");
      hwm.set(p, Math.max(hwm.get(p) ?? 0, kib(status, "VmHWM")));
    }
    peakSum = Math.max(peakSum, sum);
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peakSum, ...hwm.values());
    },
  };
}

const tail = (s: string) => (s.length > 65536 ? s.slice(-65536) : s);

/**
 * The tool runs as a child of bash, which then prints `times`: its own and its children's
 * user and system CPU as wait4() accounted them. A process's rusage includes every descendant
 * it reaped, so this is the whole tree's CPU, exited workers included, with no sampling gaps.
 */
const WRAPPER = '"$@"; s=$?; times >"$BGB_BENCH_TIMES"; exit $s';

/** bash's `times` output: line 2 is "<user>m<s>s <sys>m<s>s" of the children. */
export function parseTimes(text: string): number | undefined {
  const line = text.trim().split("\n")[1];
  const m = line?.match(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/);
  if (!m) return undefined;
  const [, um, us, sm, ss] = m.map(Number) as number[];
  return (um as number) * 60 + (us as number) + (sm as number) * 60 + (ss as number);
}

export function runMeasured(c: Command, opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const timesDir = mkdtempSync(join(tmpdir(), "bgb-bench-times-"));
    const timesFile = join(timesDir, "times");
    const started = process.hrtime.bigint();
    // Own process group, so a kill reaches every process the tool started.
    const child = spawn("bash", ["-c", WRAPPER, "bench", c.cmd, ...c.args], {
      env: { ...c.env, BGB_BENCH_TIMES: timesFile },
      cwd: c.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout = tail(stdout + d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr = tail(stderr + d.toString());
    });
    child.once("error", reject);
    const pid = child.pid;
    if (pid === undefined) return; // 'error' follows
    const sampler = rssSampler(pid);
    let killed = false;
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    // The tool and its descendants, not the wrapper: bash reaps the tool (no zombie holding its
    // pid, which ours' journal lock would take for a live run) and still reports its CPU.
    const killTool = () => {
      for (const p of processTree(pid)) {
        if (p === pid) continue;
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
    };
    const watch = setInterval(() => {
      if (!killed && opts.killWhen?.()) {
        killed = true;
        killTool();
      }
    }, 20);
    const deadline = setTimeout(() => {
      timedOut = true;
      killTool();
    }, opts.timeoutMs);
    child.once("exit", () => {
      // Sample the exit instant, before stdio closes.
      clearInterval(watch);
      clearTimeout(deadline);
    });
    child.once("close", (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peakRssBytes = sampler.stop();
      killGroup(); // a grandchild that outlived the tool must not keep uploading
      let cpuSeconds: number | undefined;
      try {
        cpuSeconds = parseTimes(readFileSync(timesFile, "utf8"));
      } catch {
        cpuSeconds = undefined; // the wrapper was killed before writing it
      }
      rmSync(timesDir, { recursive: true, force: true });
      resolve({
        code,
        signal,
        seconds,
        peakRssBytes,
        cpuSeconds,
        killed,
        timedOut,
        stdout,
        stderr,
      });
    });
  });
}

export interface BucketCheck {
  ok: boolean;
  problem?: string;
  /** Multipart uploads still open under the prefix (billed until aborted). */
  openUploads: number;
  /** Objects under the prefix (ours adds its manifest). */
  objects: number;
}

/** Every expected key is in the bucket under prefix with the expected size (extra keys allowed). */
export async function checkBucket(
  client: S3Client,
  bucket: string,
  prefix: string,
  expected: ReadonlyMap<string, number>,
): Promise<BucketCheck> {
  const held = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) held.set(o.Key ?? "", o.Size ?? -1);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  let openUploads = 0;
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: idMarker,
      }),
    );
    openUploads += page.Uploads?.length ?? 0;
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  let missing = 0;
  let wrongSize = 0;
  for (const [key, size] of expected) {
    const got = held.get(prefix + key);
    if (got === undefined) missing++;
    else if (got !== size) wrongSize++;
  }
  const ok = missing === 0 && wrongSize === 0;
  const problem = ok ? undefined : `${missing} missing, ${wrongSize} wrong size in the bucket`;
  return { ok, problem, openUploads, objects: held.size };
}
