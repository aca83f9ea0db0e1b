// Chaos suite, bad inputs: 60+ wrong commands across sync, data-sync, launch validate and launch.
// Each must exit with its documented code and say what is wrong in one line, never a stack trace,
// never a secret (canaries are in every child's environment).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { CANARY, canaryEnv, secretsIn } from "./chaos-support.ts";
import {
  bucketOnly,
  newBucket,
  pkgDir,
  s3,
  targetArgs,
  tempDir,
  withTestDatasets,
} from "./support.ts";

const repoRoot = join(pkgDir, "..", "..");
const BIN = {
  sync: join(pkgDir, "src/bin/sync.ts"),
  "data-sync": join(pkgDir, "src/bin/data-sync.ts"),
  launch: join(repoRoot, "packages/launcher/src/bin/launch.ts"),
} as const;
type Cmd = keyof typeof BIN;

let src = "";
let state = "";
let bucket = "";
let files: Record<string, string> = {};
beforeAll(async () => {
  src = tempDir("corpus");
  state = tempDir("state");
  mkdirSync(join(src, "edf"));
  writeFileSync(join(src, "edf", "a.edf"), "0       header");
  bucket = await newBucket();
  const d = tempDir("corpus-files");
  files = {
    empty: tempDir("empty-src"),
    aFile: join(d, "plain.txt"),
    brokenYaml: join(d, "broken.yaml"),
    badSchema: join(d, "datasets.yaml"),
    notYaml: join(d, "datasets.json"),
  };
  writeFileSync(files.aFile as string, "not a folder");
  writeFileSync(files.brokenYaml as string, "datasets: [1,\n");
  writeFileSync(files.badSchema as string, "datasets:\n  tuh:\n    source: 5\n");
  writeFileSync(files.notYaml as string, '{ "datasets": 1 ');
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: Cmd, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const argv = cmd === "launch" ? args : withTestDatasets(cmd, args);
    const child = spawn(process.execPath, ["--import", "tsx", BIN[cmd], ...argv], {
      cwd: cmd === "launch" ? repoRoot : pkgDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_EC2_METADATA_DISABLED: "true",
        ...canaryEnv,
        ...env,
      } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

type Case = [
  name: string,
  cmd: Cmd,
  args: () => string[],
  code: number,
  message: RegExp,
  env?: () => Record<string, string | undefined>,
];

const T = (extra: string[]) => () => [...targetArgs("tuh", src, bucket, state), ...extra];
const D = (sub: string, extra: string[]) => () => [
  sub,
  ...(sub === "verify" || sub === "gc"
    ? bucketOnly(targetArgs("tuh", src, bucket, state))
    : targetArgs("tuh", src, bucket, state)),
  ...extra,
];

const cases: Case[] = [
  // sync: flags
  [
    "unknown dataset",
    "sync",
    () => ["nope", "--state-dir", state],
    2,
    /unknown dataset "nope" .*known: tuh/,
  ],
  [
    "dataset name with shell metacharacters",
    "sync",
    () => ["$(reboot);rm -rf /", "--state-dir", state],
    2,
    /unknown dataset "\$\(reboot\);rm -rf \/"/,
  ],
  [
    "dataset name with a newline",
    "sync",
    () => ["tuh\nchbmit", "--state-dir", state],
    2,
    /unknown dataset "tuh\\nchbmit" in /,
  ],
  ["missing dataset argument", "sync", () => [], 2, /missing required argument 'dataset'/],
  ["two dataset arguments", "sync", () => ["tuh", "chbmit"], 2, /too many arguments|unknown/],
  ["unknown flag", "sync", T(["--frobnicate"]), 2, /unknown option '--frobnicate'/],
  [
    "--concurrency 0",
    "sync",
    T(["--concurrency", "0"]),
    2,
    /--concurrency: "0" must be a whole number from 1 to 256/,
  ],
  ["--concurrency -1", "sync", T(["--concurrency", "-1"]), 2, /--concurrency/],
  [
    "--concurrency 999",
    "sync",
    T(["--concurrency", "999"]),
    2,
    /--concurrency: "999" must be a whole number from 1 to 256/,
  ],
  [
    "--concurrency 2.5",
    "sync",
    T(["--concurrency", "2.5"]),
    2,
    /--concurrency: "2\.5" must be a whole number/,
  ],
  [
    "--concurrency abc",
    "sync",
    T(["--concurrency", "abc"]),
    2,
    /--concurrency: "abc" must be a whole number/,
  ],
  ["--part-size lots", "sync", T(["--part-size", "lots"]), 2, /--part-size: "lots" is not a size/],
  [
    "--part-size 1MiB",
    "sync",
    T(["--part-size", "1MiB"]),
    2,
    /--part-size: 1MiB is outside S3's 5MiB\.\.5GiB/,
  ],
  [
    "--part-size 6GiB",
    "sync",
    T(["--part-size", "6GiB"]),
    2,
    /--part-size: 6GiB is outside S3's 5MiB\.\.5GiB/,
  ],
  ["--part-size 0", "sync", T(["--part-size", "0"]), 2, /--part-size/],
  [
    "--max-memory 64MiB",
    "sync",
    T(["--max-memory", "64MiB"]),
    2,
    /--max-memory 64MiB leaves no room for one 16MiB part/,
  ],
  ["--max-memory xyz", "sync", T(["--max-memory", "xyz"]), 2, /--max-memory: "xyz" is not a size/],
  ["--bwlimit 10", "sync", T(["--bwlimit", "10"]), 2, /--bwlimit: 10 is below 1KiB\/s/],
  ["--bwlimit fast", "sync", T(["--bwlimit", "fast"]), 2, /--bwlimit: "fast" is not a size/],
  [
    "--request-timeout 0",
    "sync",
    T(["--request-timeout", "0"]),
    2,
    /--request-timeout: "0" must be a whole number/,
  ],
  [
    "--request-timeout 1e9",
    "sync",
    T(["--request-timeout", "99999"]),
    2,
    /--request-timeout: "99999" must be a whole number from 1 to 3600/,
  ],
  [
    "--stall-timeout 0",
    "sync",
    T(["--stall-timeout", "0"]),
    2,
    /--stall-timeout: "0" must be a whole number/,
  ],
  [
    "--stall-timeout soon",
    "sync",
    T(["--stall-timeout", "soon"]),
    2,
    /--stall-timeout: "soon" must be a whole number/,
  ],
  [
    "--progress-interval 0",
    "sync",
    T(["--progress-interval", "0"]),
    2,
    /--progress-interval: "0" must be a whole number/,
  ],
  [
    "prefix without trailing slash",
    "sync",
    T(["--prefix", "tuh"]),
    2,
    /--prefix: prefix "tuh" must end with "\/"/,
  ],
  [
    "absolute prefix",
    "sync",
    T(["--prefix", "/tuh/"]),
    2,
    /--prefix: prefix "\/tuh\/" must not start with "\/"/,
  ],
  [
    "prefix with ..",
    "sync",
    T(["--prefix", "a/../b/"]),
    2,
    /--prefix: prefix "a\/\.\.\/b\/" has an empty, "\." or "\.\." segment/,
  ],
  ["prefix with //", "sync", T(["--prefix", "a//b/"]), 2, /--prefix: .* has an empty/],
  [
    "upper-case bucket",
    "sync",
    T(["--bucket", "MyBucket"]),
    2,
    /--bucket: "MyBucket" is not a valid bucket name/,
  ],
  [
    "bucket with shell metacharacters",
    "sync",
    T(["--bucket", "a;rm -rf /"]),
    2,
    /--bucket: "a;rm -rf \/" is not a valid bucket name/,
  ],
  [
    "bucket too short",
    "sync",
    T(["--bucket", "ab"]),
    2,
    /--bucket: "ab" is not a valid bucket name/,
  ],
  [
    "bucket missing",
    "sync",
    T(["--bucket", "no-such-bucket-here"]),
    3,
    /bucket "no-such-bucket-here" does not exist at .*create it or fix --bucket/,
  ],
  [
    "ftp endpoint",
    "sync",
    T(["--endpoint", "ftp://x"]),
    2,
    /--endpoint: "ftp:\/\/x" must start with http/,
  ],
  ["endpoint not a URL", "sync", T(["--endpoint", "not a url"]), 2, /--endpoint/],
  [
    "unreachable endpoint",
    "sync",
    T(["--endpoint", "http://127.0.0.1:9"]),
    3,
    /cannot reach http:\/\/127\.0\.0\.1:9 .*check --endpoint/,
  ],
  [
    "missing source folder",
    "sync",
    T(["--source", "/no/such/folder"]),
    3,
    /source \/no\/such\/folder does not exist; fix "source" in the dataset config or pass --source/,
  ],
  [
    "source is a file",
    "sync",
    () => T(["--source", files.aFile as string])(),
    3,
    /source .*plain\.txt is not a directory/,
  ],
  [
    "empty source",
    "sync",
    () => T(["--source", files.empty as string])(),
    2,
    /holds no files that match include\/exclude/,
  ],
  [
    "nothing matches --include",
    "sync",
    T(["--include", "**/*.nothing"]),
    2,
    /holds no files that match include\/exclude/,
  ],
  [
    "password in an https source",
    "sync",
    T(["--source", `https://u:${CANARY.awsSecret}@example.org/d/`]),
    2,
    /https:\/\/\*\*\*@example\.org\/d\/: a user name or password in the URL is not supported/,
  ],
  [
    "plain http source off loopback",
    "sync",
    T(["--source", "http://example.org/data/"]),
    2,
    /a URL source must use https:\/\//,
  ],
  [
    "https source without checksums",
    "sync",
    T(["--source", "https://example.org/data/"]),
    2,
    /a URL source needs "checksums:"/,
  ],
  [
    "missing --config file",
    "sync",
    () => ["tuh", "--config", "/no/such.yaml"],
    2,
    /\/no\/such\.yaml/,
  ],
  [
    "--config with a YAML syntax error",
    "sync",
    () => ["tuh", "--config", files.brokenYaml as string],
    2,
    /broken\.yaml.*(YAML|syntax)/i,
  ],
  [
    "--config failing the schema",
    "sync",
    () => ["tuh", "--config", files.badSchema as string],
    2,
    /datasets\.yaml: .*(required|expected)/,
  ],
  [
    "--config that is not YAML",
    "sync",
    () => ["tuh", "--config", files.notYaml as string],
    2,
    /datasets\.json/,
  ],
  [
    "--state-dir is a file",
    "sync",
    T(["--state-dir", "/etc/hostname"]),
    3,
    /^error: --state-dir \/etc\/hostname cannot hold the journals: \/etc\/hostname is a file, not a folder; pass a writable folder with --state-dir or BGB_STATE_DIR$/m,
  ],
  [
    "wrong secret key (canary)",
    "sync",
    T([]),
    3,
    /access denied to bucket .* check the credentials/,
    () => ({ AWS_SECRET_ACCESS_KEY: CANARY.awsSecret }),
  ],
  [
    "no credentials anywhere",
    "sync",
    T([]),
    3,
    /no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID/,
    () => ({
      HOME: "/nonexistent",
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_CONFIG_FILE: "/nonexistent/c",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/s",
    }),
  ],
  // data-sync
  ["data-sync without a command", "data-sync", () => [], 2, /Usage|command/],
  ["data-sync unknown command", "data-sync", () => ["frob", "tuh"], 2, /unknown command 'frob'/],
  [
    "status: unknown dataset",
    "data-sync",
    () => ["status", "nope", "--state-dir", state],
    2,
    /unknown dataset "nope"/,
  ],
  [
    "verify: unknown dataset",
    "data-sync",
    () => ["verify", "nope", "--state-dir", state],
    2,
    /unknown dataset "nope"/,
  ],
  [
    "gc: unknown dataset",
    "data-sync",
    () => ["gc", "nope", "--state-dir", state],
    2,
    /unknown dataset "nope"/,
  ],
  [
    "verify: no manifest yet",
    "data-sync",
    D("verify", []),
    3,
    /no manifest at s3:\/\/.*never completely synced; run pnpm sync tuh first/,
  ],
  [
    "verify: --concurrency 0",
    "data-sync",
    D("verify", ["--concurrency", "0"]),
    2,
    /--concurrency: "0"/,
  ],
  [
    "verify: bucket missing",
    "data-sync",
    D("verify", ["--bucket", "no-such-bucket-here"]),
    3,
    /no-such-bucket-here/,
  ],
  [
    "verify: wrong secret key (canary)",
    "data-sync",
    D("verify", []),
    3,
    /access denied to bucket/,
    () => ({ AWS_SECRET_ACCESS_KEY: CANARY.awsSecret }),
  ],
  [
    "gc: bad prefix",
    "data-sync",
    D("gc", ["--prefix", "x"]),
    2,
    /--prefix: prefix "x" must end with "\/"/,
  ],
  ["gc: unknown flag", "data-sync", D("gc", ["--everything"]), 2, /unknown option '--everything'/],
  [
    "status: --part-size 1",
    "data-sync",
    D("status", ["--part-size", "1"]),
    2,
    /--part-size: 1 is outside/,
  ],
  [
    "status: missing source",
    "data-sync",
    D("status", ["--source", "/no/such/folder"]),
    3,
    /source \/no\/such\/folder does not exist/,
  ],
  // launch validate
  [
    "validate: a file that is not there",
    "launch",
    () => ["validate", "/nonexistent.yaml"],
    2,
    /\/nonexistent\.yaml: file not found/,
  ],
  [
    "validate: YAML syntax error",
    "launch",
    () => ["validate", files.brokenYaml as string],
    2,
    /broken\.yaml: YAML/,
  ],
  [
    "validate: schema errors",
    "launch",
    () => ["validate", files.badSchema as string],
    2,
    /datasets\.yaml: .*(required|expected)/,
  ],
  // launch (all fail before modal is ever run)
  ["launch: unknown preset", "launch", () => ["nope"], 2, /unknown preset or command "nope"/],
  [
    "launch: --timeout abc",
    "launch",
    () => ["smoke", "--timeout", "abc", "--dry-run"],
    2,
    /--timeout expects a whole number/,
  ],
  [
    "launch: run name with shell metacharacters",
    "launch",
    () => ["smoke", "--name", "x;rm -rf /", "--dry-run"],
    2,
    /--name "x;rm -rf \/" is not a usable run name/,
  ],
  [
    "launch: --memory -5",
    "launch",
    () => ["smoke", "--memory", "-5", "--dry-run"],
    2,
    /--memory must be whole MiB/,
  ],
  [
    "launch: --cpu 0",
    "launch",
    () => ["smoke", "--cpu", "0", "--dry-run"],
    2,
    /--cpu must be a number/,
  ],
  [
    "launch: --config outside configs/",
    "launch",
    () => ["smoke", "--config", "/etc/passwd", "--dry-run"],
    2,
    /--config must name a \.yaml file under configs\//,
  ],
  [
    "launch: --resume ../x",
    "launch",
    () => ["full", "--resume", "../x", "--dry-run"],
    2,
    /--resume "\.\.\/x" is not a usable run name/,
  ],
  ["launch: unknown flag", "launch", () => ["smoke", "--frob"], 2, /unknown option '--frob'/],
  [
    "launch stop: a run that does not exist, with $(...)",
    "launch",
    () => ["stop", "$(reboot)"],
    2,
    /no run "\$\(reboot\)"/,
  ],
];

describe.concurrent("bad input", () => {
  test("the corpus has at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  test.each(cases)("%s", async (_name, cmd, args, code, message, env) => {
    const r = await run(cmd, args(), env?.());
    const all = r.stdout + r.stderr;
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code });
    expect(all).not.toMatch(/\n\s+at .*[(:]\d+/); // no stack frame
    expect(secretsIn(all)).toEqual([]);
    if (cmd === "launch") {
      // the launcher prints progress lines first; its error is one line starting "error:"
      // (validate: one line per problem, each naming the file)
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      if (args()[0] !== "validate") expect(errors).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    } else {
      const lines = r.stderr.trim().split("\n");
      if (!/Usage/.test(r.stderr)) expect(lines, r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
