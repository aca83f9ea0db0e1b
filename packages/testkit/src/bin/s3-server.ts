// `pnpm s3`: a local S3 server (versitygw) until Ctrl-C, ready for `pnpm sync`: the buckets of
// configs/datasets.yaml exist, and its endpoint and throwaway credentials are in a file to
// `source` (README, "Try it locally"). Bad usage exits 2, like every CLI of the project.
import "@bgb/shared/aws-sdk-node20";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { findRepoRoot, loadConfigFile } from "@bgb/shared";
import { clientFor } from "../s3-server/client.ts";
import { startS3Server } from "../s3-server/server.ts";

const USAGE = `usage: pnpm s3 [--root DIR] [--bucket NAME]... [--write-env FILE]

Starts versitygw (posix backend) on a free loopback port until Ctrl-C (or SIGTERM), creates
every bucket named in configs/datasets.yaml and each --bucket, and writes the server's
endpoint and throwaway credentials as shell exports to FILE (default .bgb/s3-env.sh in the
project, readable by you only; removed when the server stops).

  --root DIR        keep the buckets' files here (default: a temporary folder, removed on stop)
  --bucket NAME     also create this bucket (repeatable)
  --write-env FILE   where the exports go
  --help            show this help

Example:
  pnpm s3                      # terminal 1
  source .bgb/s3-env.sh        # terminal 2: pnpm sync now talks to this server`;

function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n(pnpm s3 --help for usage)\n`);
  process.exit(2);
}

let values: { root?: string; bucket?: string[]; "write-env"?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      root: { type: "string" },
      bucket: { type: "string", multiple: true },
      "write-env": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  usageError((e as Error).message.split(". ")[0] ?? "bad arguments");
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

let project: string | undefined;
try {
  project = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
} catch {
  project = undefined; // outside a project: only --bucket buckets, env file in a temp folder
}

/** The buckets of the project's datasets.yaml (an invalid file is pnpm launch validate's job). */
function configuredBuckets(): string[] {
  if (!project) return [];
  const loaded = loadConfigFile(join(project, "configs", "datasets.yaml"), "datasets");
  if (!loaded.config) {
    process.stderr.write(
      "warning: configs/datasets.yaml is invalid (pnpm launch validate): no bucket created from it\n",
    );
    return [];
  }
  return Object.values(loaded.config.datasets).map((d) => d.bucket);
}

const buckets = [...new Set([...configuredBuckets(), ...(values.bucket ?? [])])];
const envFile = values["write-env"]
  ? resolve(process.env.INIT_CWD ?? process.cwd(), values["write-env"])
  : project
    ? join(project, ".bgb", "s3-env.sh")
    : join(mkdtempSync(join(tmpdir(), "bgb-s3-env-")), "env.sh");

const server = await startS3Server(values.root ? { root: values.root } : {});
const stop = async () => {
  rmSync(envFile, { force: true });
  await server.stop();
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);

const s3 = clientFor(server);
for (const bucket of buckets) {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const name = (e as Error).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") {
      process.stderr.write(`error: cannot create bucket ${bucket}: ${(e as Error).message}\n`);
      await server.stop();
      process.exit(1);
    }
  }
}

// The throwaway credentials go to a private file, not to the terminal or its scrollback.
mkdirSync(dirname(envFile), { recursive: true });
writeFileSync(
  envFile,
  Object.entries(server.env)
    .map(([k, v]) => `export ${k}=${v}\n`)
    .join(""),
  { mode: 0o600 },
);
console.log(`versitygw listening at ${server.endpoint} (data in ${server.root})`);
if (buckets.length > 0) console.log(`buckets: ${buckets.join(", ")}`);
console.log(`In another shell: source ${envFile}`);
