// Starts a real S3-compatible server (versitygw, posix backend) on a free loopback port.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureVersitygw } from "./versitygw-install.ts";

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Folder holding the buckets (one sub-folder per bucket). */
  root: string;
  /** Environment for a child process that should use this server through the standard AWS chain. */
  env: Record<string, string>;
  /**
   * CPU seconds (user + system) the server has spent since it started, from /proc (Linux);
   * undefined elsewhere or once it has exited. The bench reads it before and after each tool.
   */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

// Linux's USER_HZ: the unit of /proc/<pid>/stat's times. 100 on every architecture Node runs
// on, but asked once rather than assumed.
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a live process, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
function processCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from its closing ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / clockTicks();
}

export interface StartOptions {
  /** Keep data here instead of a fresh temporary folder (kept on stop). */
  root?: string;
  port?: number;
  /**
   * Keep client connections open between requests, as S3 does (versitygw closes each one by
   * default). The benchmark turns it on so no tool pays a TCP connect per request.
   */
  keepAlive?: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

async function waitUntilListening(child: ChildProcess, port: number, log: () => string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`versitygw exited with ${child.exitCode}: ${log()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`versitygw did not listen on 127.0.0.1:${port} within 20 s: ${log()}`);
}

export async function startS3Server(opts: StartOptions = {}): Promise<S3Server> {
  const bin = await ensureVersitygw();
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? mkdtempSync(join(tmpdir(), "bgb-s3-"));
  mkdirSync(root, { recursive: true });
  const accessKeyId = `TEST${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  const region = "us-east-1";

  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePort());
    // Credentials go through the environment, never the command line (ps would show them).
    const flags = [
      "--port",
      `127.0.0.1:${port}`,
      "--quiet",
      ...(opts.keepAlive ? ["--keep-alive"] : []),
    ];
    const child = spawn(bin, [...flags, "posix", root], {
      env: {
        PATH: process.env.PATH ?? "",
        ROOT_ACCESS_KEY_ID: accessKeyId,
        ROOT_SECRET_ACCESS_KEY: secretAccessKey,
        VGW_REGION: region,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    try {
      await waitUntilListening(child, port, () => stderr.trim());
    } catch (err) {
      child.kill("SIGKILL");
      if (attempt < 3 && opts.port === undefined) continue; // port taken in the meantime
      throw err;
    }
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      if (ownRoot) rmSync(root, { recursive: true, force: true });
    };
    return {
      endpoint,
      region,
      accessKeyId,
      secretAccessKey,
      root,
      env: {
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_REGION: region,
      },
      cpuSeconds: () =>
        child.pid === undefined || child.exitCode !== null || child.signalCode !== null
          ? undefined
          : processCpuSeconds(child.pid),
      stop,
    };
  }
}
