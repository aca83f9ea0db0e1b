// The remote task cache end to end: `pnpm cache-server` on versitygw, fresh clones of this
// repository running the real turbo through the wiring scripts/test.sh uses.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type CacheServerProcess,
  clientEnvMessages,
  freshClone,
  getObject,
  listKeys,
  newBucket,
  probeDir,
  probeOutput,
  putObject,
  type RemoteEnv,
  type Run,
  runProbe,
  startServer,
  statuses,
  tempDir,
} from "./support.ts";

const PREFIX = "ci/turbo/";
const TEAM = "bgb";
const SHARED = "@bgb/shared#probe";
const TESTKIT = "@bgb/testkit#probe";
const CI_CACHE = "@bgb/ci-cache#probe";

describe("an unsigned team cache", () => {
  let bucket: string;
  let server: CacheServerProcess;
  let remote: RemoteEnv;
  let first: string;
  let firstRun: Run;

  beforeAll(async () => {
    bucket = await newBucket();
    server = await startServer({ bucket, prefix: PREFIX, signed: false });
    remote = { TURBO_API: server.url, TURBO_TOKEN: server.token, TURBO_TEAM: TEAM };
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("a second fresh clone is served from the bucket, a third with one input changed re-runs exactly what depends on it", async () => {
    first = await freshClone("a");
    const a = await runProbe(first, remote);
    firstRun = a;
    expect(a.exitCode, a.output).toBe(0);
    expect(statuses(a)).toEqual({ [CI_CACHE]: "MISS", [SHARED]: "MISS", [TESTKIT]: "MISS" });
    // Every task's artifact is an object <prefix><team>/<hash> in the bucket.
    const hashes = [...a.tasks.values()].map((t) => t.hash);
    expect(await listKeys(bucket)).toEqual(hashes.map((h) => `${PREFIX}${TEAM}/${h}`).sort());

    const second = await freshClone("b");
    const b = await runProbe(second, remote);
    expect(b.exitCode, b.output).toBe(0);
    expect(statuses(b)).toEqual({
      [CI_CACHE]: "HIT REMOTE",
      [SHARED]: "HIT REMOTE",
      [TESTKIT]: "HIT REMOTE",
    });
    // The outputs were restored from the first clone's artifacts, not produced again.
    for (const p of ["shared", "testkit", "ci-cache"] as const) {
      expect(probeOutput(second, p)).toBe(probeDir(first, p));
    }

    const third = await freshClone("c");
    appendFileSync(join(third, "packages", "testkit", "src", "index.ts"), "// changed\n");
    const c = await runProbe(third, remote);
    expect(c.exitCode, c.output).toBe(0);
    // testkit changed: its task and the one of ci-cache (which depends on it) run again;
    // shared's is still served from the bucket.
    expect(statuses(c)).toEqual({
      [CI_CACHE]: "MISS",
      [SHARED]: "HIT REMOTE",
      [TESTKIT]: "MISS",
    });
    expect(probeOutput(third, "testkit")).toBe(probeDir(third, "testkit"));
    expect(probeOutput(third, "shared")).toBe(probeDir(first, "shared"));
    const rerun = [c.tasks.get(TESTKIT)?.hash, c.tasks.get(CI_CACHE)?.hash];
    expect(rerun).not.toContain(undefined);
    expect(hashes).not.toEqual(expect.arrayContaining(rerun));
    expect(await listKeys(bucket)).toEqual(
      [...hashes, ...(rerun as string[])].map((h) => `${PREFIX}${TEAM}/${h}`).sort(),
    );
  });

  test("without signatures a swapped artifact is restored as if it were right (what signing is for)", async () => {
    expect(firstRun, "runs after the first test").toBeDefined();
    const shared = firstRun.tasks.get(SHARED)?.hash;
    const testkit = firstRun.tasks.get(TESTKIT)?.hash;
    const poison = await getObject(bucket, `${PREFIX}${TEAM}/${testkit}`);
    await putObject(bucket, `${PREFIX}${TEAM}/${shared}`, poison);

    const victim = await freshClone("unsigned-victim");
    const v = await runProbe(victim, remote);
    expect(v.exitCode, v.output).toBe(0);
    expect(v.tasks.get(SHARED)?.status).toBe("HIT");
    // shared's task "ran" from testkit's artifact: shared's output was never written.
    expect(() => probeOutput(victim, "shared")).toThrow(/ENOENT/);
  });

  test("the server refuses a wrong token and a team that would leave the prefix", async () => {
    const url = `${server.url}/v8/artifacts/${"0".repeat(16)}`;
    const auth = { authorization: `Bearer ${server.token}` };
    expect((await fetch(`${url}?slug=${TEAM}`, { headers: auth })).status).toBe(404);
    const wrong = await fetch(`${url}?slug=${TEAM}`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const outside = await fetch(`${url}?slug=..%2Fother`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/octet-stream" },
      body: "x",
    });
    expect(outside.status).toBe(400);
    expect(await outside.text()).toContain("team must be");
    expect((await listKeys(bucket)).every((k) => k.startsWith(PREFIX))).toBe(true);
  });

  test("a client with a signing key is warned that this server keeps no signatures", async () => {
    expect(await clientEnvMessages(first, remote)).toBe(
      `turbo remote cache: ${server.url} (team ${TEAM}, unsigned); local cache as well\n`,
    );
    const signing = { ...remote, TURBO_REMOTE_CACHE_SIGNATURE_KEY: "k".repeat(32) };
    expect(await clientEnvMessages(first, signing)).toContain(
      "warning: the cache server is unsigned (remote_cache.signed: false): with TURBO_REMOTE_CACHE_SIGNATURE_KEY every download misses",
    );
  });

  test("with the cache server stopped, the task still passes and turbo warns", async () => {
    await server.stop();
    const clone = await freshClone("down");
    const r = await runProbe(clone, remote);
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/Remote caching unavailable|could not connect to the cache/i);
    expect(statuses(r)).toEqual({ [CI_CACHE]: "MISS", [SHARED]: "MISS", [TESTKIT]: "MISS" });
    expect(probeOutput(clone, "shared")).toBe(probeDir(clone, "shared"));
  });
});

describe("a signed team cache", () => {
  let bucket: string;
  let server: CacheServerProcess;
  let remote: RemoteEnv;

  beforeAll(async () => {
    bucket = await newBucket();
    server = await startServer({ bucket, prefix: PREFIX, signed: true });
    remote = {
      TURBO_API: server.url,
      TURBO_TOKEN: server.token,
      TURBO_TEAM: TEAM,
      TURBO_REMOTE_CACHE_SIGNATURE_KEY: "0123456789abcdef0123456789abcdef-test-key",
    };
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("refuses an artifact or a signature that was tampered with in the bucket, and serves the intact one", async () => {
    const first = await freshClone("signed-a");
    const a = await runProbe(first, remote);
    expect(a.exitCode, a.output).toBe(0);
    const hash = (id: string) => a.tasks.get(id)?.hash as string;
    const key = (id: string) => `${PREFIX}${TEAM}/${hash(id)}`;
    // Each artifact has its signature beside it.
    expect(await listKeys(bucket)).toEqual(
      [SHARED, TESTKIT, CI_CACHE].flatMap((id) => [key(id), `${key(id)}.tag`]).sort(),
    );

    // shared's artifact replaced by testkit's (a valid artifact, signed for another task) ...
    await putObject(bucket, key(SHARED), await getObject(bucket, key(TESTKIT)));
    // ... and testkit's signature replaced by ci-cache's (a valid signature of another artifact).
    await putObject(bucket, `${key(TESTKIT)}.tag`, await getObject(bucket, `${key(CI_CACHE)}.tag`));

    const second = await freshClone("signed-b");
    const b = await runProbe(second, remote);
    expect(b.exitCode, b.output).toBe(0);
    expect(statuses(b)).toEqual({
      [CI_CACHE]: "HIT REMOTE",
      [SHARED]: "MISS",
      [TESTKIT]: "MISS",
    });
    // The refused tasks ran here; the intact artifact came from the first clone.
    expect(probeOutput(second, "shared")).toBe(probeDir(second, "shared"));
    expect(probeOutput(second, "testkit")).toBe(probeDir(second, "testkit"));
    expect(probeOutput(second, "ci-cache")).toBe(probeDir(first, "ci-cache"));
  });

  test("a client without the key is warned that every download would miss", async () => {
    const { TURBO_REMOTE_CACHE_SIGNATURE_KEY: _key, ...unsigned } = remote;
    const messages = await clientEnvMessages(tempDir("client-env"), unsigned);
    expect(messages).toContain(
      "warning: the cache server keeps signed artifacts only: without TURBO_REMOTE_CACHE_SIGNATURE_KEY every download misses",
    );
    expect(await clientEnvMessages(tempDir("client-env"), remote)).toBe(
      `turbo remote cache: ${server.url} (team ${TEAM}, signed); local cache as well\n`,
    );
  });
});
