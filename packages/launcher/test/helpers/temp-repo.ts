// A throwaway copy of the project's configs in a git repo of its own, wired to the local
// versitygw and the Modal stand-in, so launches can run end to end without touching this repo.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { buildManifest, type DatasetManifest, MANIFEST_NAME } from "@bgb/shared/manifest";
import type { S3Connection } from "@bgb/testkit";
import { parse, parseDocument, stringify } from "yaml";
import {
  REAL_TRAINER_SCHEMA,
  REPO_ROOT,
  STAND_IN,
  STAND_IN_TRAINER_SCHEMA,
  TRAINER_CHECK_VENV,
} from "./paths.ts";

export interface TempRepo {
  root: string;
  home: string;
  bucket: string;
  /** Environment for the launcher: the stand-in as modal, fake Modal token, versitygw creds. */
  env: NodeJS.ProcessEnv;
  standinLog: string;
  standinCalls(): {
    argv: string[];
    env?: string[];
    signal?: string;
    limit_files?: string | null;
  }[];
  registryLines(): Record<string, unknown>[];
  cleanup(): void;
}

let counter = 0;

export function s3Client(s3: S3Connection): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** A small TUSZ-shaped manifest: 2 train, 1 dev, 1 eval. */
export function tuhManifest(): DatasetManifest {
  const sha = (c: string) => c.repeat(64);
  return buildManifest("tuh", "tusz", [
    { key: "edf/train/aaaa/s001_2015/01_tcp_ar/aaaa_s001_t000.edf", size: 4096, sha256: sha("a") },
    { key: "edf/train/bbbb/s001_2015/01_tcp_ar/bbbb_s001_t000.edf", size: 4096, sha256: sha("b") },
    { key: "edf/dev/cccc/s001_2015/01_tcp_ar/cccc_s001_t000.edf", size: 4096, sha256: sha("c") },
    { key: "edf/eval/dddd/s001_2015/01_tcp_ar/dddd_s001_t000.edf", size: 4096, sha256: sha("d") },
  ]);
}

export async function createBucket(s3: S3Connection, bucket: string): Promise<void> {
  try {
    await s3Client(s3).send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!/BucketAlready/.test((e as Error).name)) throw e;
  }
}

export async function putManifest(
  s3: S3Connection,
  bucket: string,
  prefix: string,
  body: string,
): Promise<void> {
  await createBucket(s3, bucket);
  await s3Client(s3).send(
    new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${MANIFEST_NAME}`, Body: body }),
  );
}

export async function makeTempRepo(
  s3: S3Connection,
  opts: { manifest?: boolean; trainer?: boolean } = {},
): Promise<TempRepo> {
  const root = mkdtempSync(join(tmpdir(), "bgb-launch-"));
  const home = join(root, ".home");
  mkdirSync(home);
  const bucket = `launch-${process.pid}-${++counter}`;
  writeFileSync(join(root, "pnpm-workspace.yaml"), "packages: []\n");
  writeFileSync(join(root, ".gitignore"), ".bgb/\nresults/\n.home/\nvendor/\n");
  cpSync(join(REPO_ROOT, "configs"), join(root, "configs"), { recursive: true });
  const dsFile = join(root, "configs", "datasets.yaml");
  const ds = parse(readFileSync(dsFile, "utf8"));
  for (const d of Object.values(ds.datasets) as Record<string, unknown>[]) {
    d.bucket = bucket;
    d.endpoint_url = s3.endpoint;
    d.region = s3.region;
  }
  ds.datasets.tuh.expected_counts = { train: 2, dev: 1, eval: 1 };
  writeFileSync(dsFile, stringify(ds));
  const gitIn = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, HOME: home },
    })
      .toString()
      .trim();
  if (opts.trainer !== false) {
    // A trainer checkout of its own, pinned in this repo's launch.yaml (its commit id is whatever
    // git makes of it). Its schema is the real trainer's when the pinned checkout is present.
    const trainer = join(root, "vendor", "brain-go-brr-v2");
    mkdirSync(join(trainer, "src", "brain_brr", "config"), { recursive: true });
    writeFileSync(join(trainer, "src", "__main__.py"), "# stand-in\n");
    cpSync(
      existsSync(REAL_TRAINER_SCHEMA) ? REAL_TRAINER_SCHEMA : STAND_IN_TRAINER_SCHEMA,
      join(trainer, "src", "brain_brr", "config", "schemas.py"),
    );
    gitIn(trainer, "init", "-q");
    gitIn(trainer, "add", "-A");
    gitIn(trainer, "commit", "-qm", "trainer stand-in");
    const launchFile = join(root, "configs", "launch.yaml");
    const launch = parseDocument(readFileSync(launchFile, "utf8"));
    launch.setIn(["trainer", "commit"], gitIn(trainer, "rev-parse", "HEAD"));
    writeFileSync(launchFile, launch.toString());
  }
  gitIn(root, "init", "-q");
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-qm", "fixture");
  if (opts.manifest !== false) {
    await putManifest(s3, bucket, "tuh/", JSON.stringify(tuhManifest()));
  } else await createBucket(s3, bucket);
  const standinLog = join(home, "standin.log"); // outside git's view: .home/ is ignored
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    MODAL_TOKEN_ID: "ak-test",
    MODAL_TOKEN_SECRET: "as-test-never-printed",
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    BGB_MODAL_BIN: STAND_IN,
    STANDIN_LOG: standinLog,
    // HOME is a throwaway: keep the pydantic venv of the trainer-schema check where it is reused.
    BGB_TRAINER_CHECK_VENV: TRAINER_CHECK_VENV,
  };
  const readLines = (file: string) => {
    try {
      return readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      return [];
    }
  };
  return {
    root,
    home,
    bucket,
    env,
    standinLog,
    standinCalls: () => readLines(standinLog),
    registryLines: () => readLines(join(root, ".bgb", "runs.jsonl")),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
