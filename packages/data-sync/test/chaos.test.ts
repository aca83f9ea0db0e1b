// Chaos suite (`pnpm test:chaos`; `--long` for the long form, see RELIABILITY.md): kills with
// edits in between, network faults through the testkit proxy, source, journal and bucket
// faults. Every scenario ends with the bucket checked object by object from what the server
// returns, a right and unique-keyed manifest, no open multipart upload, and no secret anywhere.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { type FaultRule, startFaultProxy } from "@bgb/testkit";
import { afterAll, expect, test } from "vitest";
import { canaryEnv, LONG, secretsIn, secretsInTree, seeded } from "./chaos-support.ts";
import {
  bucketOnly,
  type CliOptions,
  type CliResult,
  client,
  expectBucketMatches,
  listFiles,
  MiB,
  newBucket,
  openUploads,
  runCli,
  s3,
  syncArgs,
  targetArgs,
  tempDir,
} from "./support.ts";

const KILLS = LONG ? 100 : 10;
const NETWORK_ROUNDS = LONG ? 5 : 1;
const RACES = LONG ? 20 : 3;
/** per scenario: the long form runs for many minutes */
const TIMEOUT = LONG ? 3_600_000 : 600_000;

/** Every output of every run, every state folder: scanned for secrets at the end. */
const outputs: string[] = [];
const stateDirs: string[] = [];
const buckets: string[] = [];

function cli(
  name: "sync" | "data-sync",
  args: string[],
  opts: CliOptions = {},
): Promise<CliResult> {
  outputs.push(args.join(" ")); // the child's argv
  return runCli(name, args, { ...opts, env: { ...canaryEnv, ...opts.env } }).then((r) => {
    outputs.push(r.stdout, r.stderr);
    return r;
  });
}

function state(): string {
  const d = tempDir("chaos-state");
  stateDirs.push(d);
  return d;
}

async function bucket(): Promise<string> {
  const b = await newBucket();
  buckets.push(b);
  return b;
}

async function body(b: string, key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: b, Key: key }));
  return Buffer.from(await (got.Body as NonNullable<typeof got.Body>).transformToByteArray());
}

/** Bucket = source byte for byte, manifest right and unique-keyed, no upload left open, verify ok. */
async function expectComplete(
  b: string,
  src: string,
  st: string,
  endpoint?: string,
): Promise<void> {
  await expectBucketMatches(b, "ds/", src);
  const manifest = JSON.parse((await body(b, "ds/.bgb-manifest.json")).toString("utf8")) as {
    files: { key: string; size: number; sha256: string }[];
  };
  const keys = manifest.files.map((f) => f.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual(
    listFiles(src)
      .map((f) => f.normalize("NFC"))
      .sort(),
  );
  const { createHash } = await import("node:crypto");
  for (const f of manifest.files) {
    const local = readFileSync(join(src, f.key));
    expect(f.sha256, f.key).toBe(createHash("sha256").update(local).digest("hex"));
    expect(f.size).toBe(local.length);
  }
  expect(await openUploads(b, "ds/")).toBe(0);
  // the journal belongs to endpoint + bucket + prefix: verify where the sync went
  const v = await cli("data-sync", ["verify", ...bucketOnly(targetArgs("tuh", src, b, st))], {
    ...(endpoint ? { endpoint } : {}),
  });
  expect(v.code, v.stdout + v.stderr).toBe(0);
}

function makeDataset(dir: string, rand: () => number): void {
  for (const [i, mib] of [7, 9, 12].entries()) {
    mkdirSync(join(dir, "edf", "train", `p${i}`), { recursive: true });
    writeFileSync(join(dir, "edf", "train", `p${i}`, `big${i}.edf`), randomBytes(mib * MiB));
  }
  mkdirSync(join(dir, "edf", "dev"), { recursive: true });
  for (let i = 0; i < 12; i++) {
    writeFileSync(
      join(dir, "edf", "dev", `s${i}.edf`),
      randomBytes(1 + Math.floor(rand() * 200_000)),
    );
  }
  writeFileSync(join(dir, "labels.csv"), "file,label\n");
}

/** One edit of the source between two kills: what users do while a long upload is paused. */
function edit(dir: string, rand: () => number, n: number): string {
  const files = listFiles(dir);
  const pick = join(dir, files[Math.floor(rand() * files.length)] as string);
  const kind = Math.floor(rand() * 4);
  if (kind === 0) {
    writeFileSync(pick, randomBytes(statSync(pick).size)); // same size, other bytes
    return "rewrite";
  }
  if (kind === 1) {
    appendFileSync(pick, randomBytes(Math.floor(rand() * 3 * MiB)));
    return "grow";
  }
  if (kind === 2) {
    truncateSync(pick, Math.floor(statSync(pick).size / 2));
    return "shrink";
  }
  writeFileSync(join(dir, "edf", "dev", `new${n}.edf`), randomBytes(Math.floor(rand() * 2 * MiB)));
  return "add";
}

afterAll(async () => {
  // Canaries and the real secret key: in no output, argv, journal, lock or manifest.
  expect(secretsIn(outputs.join("\n"))).toEqual([]);
  for (const d of stateDirs) expect(secretsInTree(d)).toEqual([]);
  for (const b of buckets) {
    const m = await body(b, "ds/.bgb-manifest.json").catch(() => Buffer.alloc(0));
    expect(secretsIn(m.toString("latin1"))).toEqual([]);
  }
});

test(
  `kill loop: ${KILLS} SIGKILLs at random points of progress, an edit before each run, then a run to the end`,
  async () => {
    const rand = seeded(14_001);
    const src = tempDir("chaos-kill");
    makeDataset(src, rand);
    const b = await bucket();
    const st = state();
    const args = syncArgs("tuh", src, b, st, ["--include", "**", "--part-size", "5MiB"]);
    let kills = 0;
    const edits: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Every run gets work (an edit) and is killed at a random point of its progress: right
      // after its plan, or right after its first or second file_start/file_done (mid-transfer,
      // or between a file's commit and the next step). Not by the clock: no run outpaces its
      // kill on a fast machine, none dies before starting on a slow one.
      if (i > 0) edits.push(edit(src, rand, i));
      const target = Math.floor(rand() * 3);
      let seen = 0;
      const r = await cli("sync", [...args, "--bwlimit", "6MiB"], {
        onLine: (l) => {
          if (l.includes('"event":"plan"')) return target === 0;
          if (/"event":"file_(start|done)"/.test(l)) return ++seen >= target;
          return false;
        },
      });
      if (r.signal === "SIGKILL") kills++;
      else expect(r.code, r.stdout + r.stderr).toBe(0); // finished first: fine, later runs skip
    }
    expect(kills).toBeGreaterThanOrEqual(Math.floor(KILLS * 0.8));
    const last = await cli("sync", args);
    expect(last.code, last.stdout).toBe(0);
    await expectComplete(b, src, st);
    console.info(`kill loop: ${kills} kills, edits ${JSON.stringify(edits)}`);
  },
  TIMEOUT,
);

test(
  `network faults (${NETWORK_ROUNDS} round(s)): resets, 503 bursts, 500s, a stall and a 1-byte trickle end in bounded time with a right bucket`,
  async () => {
    const src = tempDir("chaos-net");
    makeDataset(src, seeded(14_002));
    const proxy = await startFaultProxy({ upstream: s3.endpoint });
    const fired = new Set<string>();
    try {
      for (let round = 0; round < NETWORK_ROUNDS; round++) {
        const rand = seeded(14_100 + round);
        const n = (lo: number, span: number) => lo + Math.floor(rand() * span);
        const rules: FaultRule[] = [
          // Each rule counts only requests no earlier rule claimed: the rare faults go first.
          {
            match: { op: "UploadPart", nth: n(1, 3) },
            action: { kind: "trickle", intervalMs: 250 },
          },
          { match: { op: "UploadPart", nth: n(1, 2) }, action: { kind: "stall" } },
          {
            match: { op: "UploadPart", nth: n(1, 3) },
            action: { kind: "resetMidBody", afterBytes: n(1, 200_000) },
          },
          { match: { op: "UploadPart", nth: n(1, 3), times: 3 }, action: { kind: "slowDown" } },
          {
            match: { op: "PutObject", nth: n(1, 4), times: 2 },
            action: { kind: "status", status: 500, code: "InternalError" },
          },
          {
            match: { op: "CompleteMultipartUpload", nth: 1 },
            action: { kind: "status", status: 500, code: "InternalError" },
          },
          { match: { op: "HeadObject", nth: 1, times: 2 }, action: { kind: "slowDown" } },
        ];
        proxy.setRules(rules);
        const b = await bucket();
        const st = state();
        const args = syncArgs("tuh", src, b, st, ["--include", "**", "--part-size", "5MiB"]);
        const faulty = await cli(
          "sync",
          [...args, "--request-timeout", "4", "--stall-timeout", "8"],
          {
            endpoint: proxy.endpoint,
          },
        );
        for (const f of proxy.stats.fired) fired.add(f.kind);
        console.info(
          `network round ${round}: faults ${JSON.stringify(proxy.stats.faults)}, first run exit ${faulty.code}`,
        );
        // A trickled request never ends by itself: the run stops at --stall-timeout (exit 3).
        expect([0, 3], faulty.stdout).toContain(faulty.code);
        if (faulty.code === 3) expect(faulty.stdout).toMatch(/--stall-timeout/);
        proxy.setRules([]);
        const again = await cli("sync", args, { endpoint: proxy.endpoint });
        expect(again.code, again.stdout).toBe(0);
        await expectComplete(b, src, st, proxy.endpoint);
      }
    } finally {
      await proxy.stop();
    }
    expect([...fired].sort()).toEqual(["resetMidBody", "slowDown", "stall", "status", "trickle"]);
  },
  TIMEOUT,
);

test(
  "source faults mid-run: grow, shrink, rewrite, delete, FIFO, an NFC/NFD pair, a symlink loop",
  async () => {
    const src = tempDir("chaos-src");
    mkdirSync(join(src, "edf"));
    const w = (name: string, data: Buffer | string) => writeFileSync(join(src, "edf", name), data);
    w("a-first.edf", randomBytes(3 * MiB));
    w("grow.edf", "small at walk time");
    w("shrink.edf", randomBytes(12 * MiB));
    w("rewrite.edf", randomBytes(2 * MiB));
    w("delete.edf", "going away");
    w("fifo.edf", "becomes a fifo");
    w("Zo\u00eb.edf", "NFC");
    w("Zoe\u0308.edf", "NFD");
    symlinkSync("..", join(src, "edf", "loop"));
    const unprivileged = process.getuid?.() !== 0;
    if (unprivileged) {
      w("locked.edf", "no read permission");
      execFileSync("chmod", ["000", join(src, "edf", "locked.edf")]);
    }
    const b = await bucket();
    const st = state();
    const args = syncArgs("tuh", src, b, st, ["--include", "**", "--part-size", "5MiB"]);
    const r = await cli("sync", [...args, "--concurrency", "1", "--bwlimit", "2MiB"], {
      onLine: (l) => {
        if (l.includes('"file_start"') && l.includes('"edf/a-first.edf"')) {
          w("grow.edf", randomBytes(11 * MiB));
          truncateSync(join(src, "edf", "shrink.edf"), 1000);
          w("rewrite.edf", randomBytes(2 * MiB));
          unlinkSync(join(src, "edf", "delete.edf"));
          unlinkSync(join(src, "edf", "fifo.edf"));
          execFileSync("mkfifo", [join(src, "edf", "fifo.edf")]);
        }
        return false;
      },
    });
    expect(r.code, r.stdout).toBe(1);
    const failed = Object.fromEntries(
      r.events.filter((e) => e.event === "file_failed").map((e) => [e.key, String(e.error)]),
    );
    expect(Object.keys(failed).sort(), JSON.stringify(failed)).toEqual(
      [
        "edf/Zo\u00eb.edf",
        "edf/delete.edf",
        "edf/fifo.edf",
        ...(unprivileged ? ["edf/locked.edf"] : []),
      ].sort(),
    );
    expect(failed["edf/Zo\u00eb.edf"]).toMatch(/2 source files map to this key/);
    expect(failed["edf/fifo.edf"]).toMatch(/no longer a regular file/);
    expect(failed["edf/delete.edf"]).toMatch(/ENOENT/);
    if (unprivileged) expect(failed["edf/locked.edf"]).toMatch(/EACCES/);
    expect(Object.keys(failed).some((k) => k.includes("loop"))).toBe(false);
    expect(r.summary?.manifest_version).toBeNull();
    // The user fixes what was reported; the next run completes.
    unlinkSync(join(src, "edf", "fifo.edf"));
    unlinkSync(join(src, "edf", "Zoe\u0308.edf"));
    unlinkSync(join(src, "edf", "loop"));
    if (unprivileged) unlinkSync(join(src, "edf", "locked.edf"));
    const again = await cli("sync", args);
    expect(again.code, again.stdout).toBe(0);
    await expectComplete(b, src, st);
  },
  TIMEOUT,
);

test(
  `journal faults: garbage, torn, deleted, a directory, ${RACES} racing starts`,
  async () => {
    const rand = seeded(14_003);
    const src = tempDir("chaos-journal");
    makeDataset(src, rand);
    const b = await bucket();
    const st = state();
    const args = syncArgs("tuh", src, b, st, ["--include", "**", "--part-size", "5MiB"]);
    expect((await cli("sync", args)).code).toBe(0);
    const jdir = join(st, "journals");
    const journal = join(jdir, readdirSync(jdir).find((f) => f.endsWith(".jsonl")) as string);

    appendFileSync(journal, "\u0000\u00ffgarbage{not json\n");
    let r = await cli("sync", args);
    expect(r.code).toBe(0);
    expect(
      r.events.some((e) => e.event === "warning" && /damaged line/.test(String(e.message))),
    ).toBe(true);
    expect(r.summary?.bytes_sent).toBe(0); // re-checked against the bucket, nothing re-sent

    const text = readFileSync(journal, "utf8");
    writeFileSync(journal, text.slice(0, text.length - 17)); // torn last line
    r = await cli("sync", args);
    expect(r.code).toBe(0);
    expect(r.summary?.bytes_sent).toBe(0);

    rmSync(journal); // lost: the bucket is checked, nothing there is sent again
    r = await cli("sync", args);
    expect(r.code).toBe(0);
    expect(r.summary?.bytes_sent).toBe(0);

    rmSync(journal);
    mkdirSync(journal);
    r = await cli("sync", args);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("is a directory");
    expect(readdirSync(jdir).filter((f) => f.includes(".lock"))).toEqual([]);
    rmSync(journal, { recursive: true });

    const raceCodes: string[] = [];
    for (let i = 0; i < RACES; i++) {
      edit(src, rand, 100 + i);
      const [x, y] = await Promise.all([cli("sync", args), cli("sync", args)]);
      for (const z of [x, y]) {
        expect([0, 3], z.stdout).toContain(z.code);
        if (z.code === 3) expect(z.stdout).toMatch(/another sync \(pid \d+\) is using/);
      }
      expect([x.code, y.code]).toContain(0);
      raceCodes.push(`${x.code}/${y.code}`);
    }
    console.info(`racing starts (exit codes): ${raceCodes.join(" ")}`);
    expect((await cli("sync", args)).code).toBe(0);
    await expectComplete(b, src, st);
  },
  TIMEOUT,
);

test(
  "bucket faults: object deleted, object replaced, manifest deleted, uploads aborted, ListMultipartUploads denied",
  async () => {
    const rand = seeded(14_004);
    const src = tempDir("chaos-bucket");
    makeDataset(src, rand);
    const b = await bucket();
    const st = state();
    const target = targetArgs("tuh", src, b, st);
    const args = syncArgs("tuh", src, b, st, ["--include", "**", "--part-size", "5MiB"]);
    expect((await cli("sync", args)).code).toBe(0);
    const files = listFiles(src);

    const gone = files[0] as string;
    await client.send(new DeleteObjectCommand({ Bucket: b, Key: `ds/${gone}` }));
    const replaced = files.find((f) => f.includes("big")) as string;
    await client.send(
      new PutObjectCommand({
        Bucket: b,
        Key: `ds/${replaced}`,
        Body: randomBytes(statSync(join(src, replaced)).size),
      }),
    );
    const v = await cli("data-sync", ["verify", ...bucketOnly(target)]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`${gone}: missing from the bucket`);
    expect(v.stdout).toMatch(
      new RegExp(`${replaced.replace(/[.]/g, "\\.")}: .*(differs|not the one)`),
    );
    let r = await cli("sync", [...args, "--verify-remote"]);
    expect(r.code).toBe(0);
    await expectComplete(b, src, st);

    await client.send(new DeleteObjectCommand({ Bucket: b, Key: "ds/.bgb-manifest.json" }));
    r = await cli("sync", args);
    expect(r.code).toBe(0);
    await expectComplete(b, src, st);

    // An upload aborted behind the tool's back while it was paused.
    writeFileSync(join(src, replaced), randomBytes(12 * MiB));
    await cli("sync", [...args, "--bwlimit", "5MiB", "--progress-interval", "1"], {
      onLine: (l) => l.includes('"stats"') && JSON.parse(l).bytes_sent >= 5 * MiB,
    });
    const ups = await client.send(new ListMultipartUploadsCommand({ Bucket: b, Prefix: "ds/" }));
    for (const u of ups.Uploads ?? [])
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: b, Key: u.Key, UploadId: u.UploadId }),
      );
    r = await cli("sync", args);
    expect(r.code, r.stdout).toBe(0);
    await expectComplete(b, src, st);

    const proxy = await startFaultProxy({ upstream: s3.endpoint });
    try {
      // Least privilege without s3:ListBucketMultipartUploads (nor the lifecycle read); listing
      // objects stays allowed, as the bucket probe and the adoption listing need it.
      const denied = { kind: "status", status: 403, code: "AccessDenied" } as const;
      proxy.setRules([
        { match: { method: "GET", query: "uploads" }, action: denied },
        { match: { method: "GET", query: "lifecycle" }, action: denied },
      ]);
      edit(src, rand, 200);
      writeFileSync(join(src, replaced), randomBytes(11 * MiB)); // multipart: leaves an intent to clean
      r = await cli("sync", args, { endpoint: proxy.endpoint });
      expect(r.code, r.stdout).toBe(0);
      expect(
        r.events.filter(
          (e) => e.event === "warning" && /ListMultipartUploads was denied/.test(String(e.message)),
        ),
      ).toHaveLength(1);
      proxy.setRules([]);
      await expectComplete(b, src, st, proxy.endpoint);
    } finally {
      await proxy.stop();
    }
  },
  TIMEOUT,
);
