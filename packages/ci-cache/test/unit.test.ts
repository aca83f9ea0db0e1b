// The pure parts: settings, tokens, the package's environment, the team scope.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findRepoRoot, loadConfigFile, type RemoteCacheConfig } from "@bgb/shared";
import { describe, expect, test } from "vitest";
import { applyPackageEnv, packageEnv } from "../src/package-env.ts";
import { readTokens, resolveSettings } from "../src/settings.ts";
import { scopeTeam } from "../src/team-scope.ts";

const repoRoot = findRepoRoot(import.meta.dirname);

const config: RemoteCacheConfig = {
  bucket: "team-bucket",
  prefix: "turbo-cache/",
  endpoint_url: null,
  region: "eu-west-1",
  host: "127.0.0.1",
  port: 3000,
  signed: false,
};

describe("resolveSettings", () => {
  test("AWS itself when nothing names an endpoint; flags win over the file", () => {
    const r = resolveSettings(config, { port: 0, host: "::1" }, {});
    expect(r).toEqual({
      ok: true,
      settings: {
        bucket: "team-bucket",
        prefix: "turbo-cache/",
        endpoint: { url: undefined, region: "eu-west-1", forcePathStyle: false },
        host: "::1",
        port: 0,
        signed: false,
      },
    });
  });

  test("--endpoint > endpoint_url > AWS_ENDPOINT_URL_S3", () => {
    const env = { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:7070" };
    const pick = (flag: string | undefined, configured: string | null) => {
      const r = resolveSettings(
        { ...config, endpoint_url: configured },
        flag ? { endpoint: flag } : {},
        env,
      );
      return r.ok ? r.settings.endpoint.url : r.problem;
    };
    expect(pick(undefined, null)).toBe("http://127.0.0.1:7070");
    expect(pick(undefined, "http://minio:9000")).toBe("http://minio:9000");
    expect(pick("http://127.0.0.1:9", "http://minio:9000")).toBe("http://127.0.0.1:9");
    expect(pick("ftp://x", null)).toBe('endpoint: "ftp://x" must start with http:// or https://');
  });
});

describe("readTokens", () => {
  test("one token, or several separated by commas to rotate one out", () => {
    expect(readTokens({ TURBO_TOKEN: "a".repeat(32) })).toEqual({
      ok: true,
      tokens: ["a".repeat(32)],
    });
    expect(readTokens({ TURBO_TOKEN: `${"a".repeat(16)},${"b".repeat(16)}` })).toEqual({
      ok: true,
      tokens: ["a".repeat(16), "b".repeat(16)],
    });
  });

  test("missing, empty or short tokens are refused without echoing them", () => {
    const missing = readTokens({});
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.problem).toMatch(/^TURBO_TOKEN is not set/);
    expect(readTokens({ TURBO_TOKEN: `${"a".repeat(16)},` }).ok).toBe(false);
    const short = readTokens({ TURBO_TOKEN: "hunter2" });
    expect(!short.ok && short.problem).toBe(
      "TURBO_TOKEN holds a token of 7 characters: use at least 16 (openssl rand -hex 32)",
    );
  });
});

describe("packageEnv", () => {
  const settings = (over: Partial<typeof config> = {}) => {
    const r = resolveSettings({ ...config, ...over }, {}, {});
    if (!r.ok) throw new Error(r.problem);
    return r.settings;
  };

  test("S3 storage in the bucket, static token auth, no keys of its own (the AWS chain)", () => {
    const env = packageEnv(settings({ endpoint_url: "http://127.0.0.1:7070" }), ["t".repeat(16)]);
    expect(env).toEqual({
      NODE_ENV: "production",
      AUTH_MODE: "static",
      TURBO_TOKEN: "t".repeat(16),
      HOST: "127.0.0.1",
      PORT: "3000",
      LOG_LEVEL: "warn",
      STORAGE_PROVIDER: "s3",
      STORAGE_PATH: "team-bucket",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT: "http://127.0.0.1:7070",
      READ_ONLY: "false",
    });
  });

  test("signed: the package keeps tags, but never gets the clients' signing key", () => {
    const env = packageEnv(settings({ signed: true }), ["t".repeat(16)]);
    expect(env.TURBO_REMOTE_CACHE_SIGNATURE_KEY).toBeDefined();
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  test("stray settings in the shell are removed, other variables kept", () => {
    const target: NodeJS.ProcessEnv = {
      S3_ACCESS_KEY: "from-shell",
      TURBO_CACHE_READ_URL: "https://elsewhere",
      AUTH_MODE: "none",
      AWS_PROFILE: "team",
    };
    applyPackageEnv(target, packageEnv(settings(), ["t".repeat(16)]));
    expect(target.S3_ACCESS_KEY).toBeUndefined();
    expect(target.TURBO_CACHE_READ_URL).toBeUndefined();
    expect(target.AUTH_MODE).toBe("static");
    expect(target.AWS_PROFILE).toBe("team");
  });
});

describe("scopeTeam", () => {
  test("puts the team under the prefix, whichever parameter carries it", () => {
    const q: Record<string, unknown> = { slug: "bgb", teamId: "team_x1" };
    expect(scopeTeam(q, "turbo-cache/")).toEqual({ ok: true });
    expect(q).toEqual({ slug: "turbo-cache/bgb", teamId: "turbo-cache/team_x1" });
  });

  test.each(["../other", "a/b", ".hidden", "", "x".repeat(101)])("refuses the team %j", (team) => {
    const r = scopeTeam({ slug: team }, "turbo-cache/");
    expect(r.ok).toBe(false);
  });

  test("refuses a repeated team parameter", () => {
    expect(scopeTeam({ team: ["a", "b"] }, "p/").ok).toBe(false);
  });
});

describe("configs/ci.yaml", () => {
  const load = (body: string) => {
    const f = join(mkdtempSync(join(tmpdir(), "bgb-ci-yaml-")), "ci.yaml");
    writeFileSync(f, body);
    const r = loadConfigFile(f);
    rmSync(dirname(f), { recursive: true, force: true });
    return r;
  };

  test("the committed file validates, and is found by its name", () => {
    const r = loadConfigFile(join(repoRoot, "configs", "ci.yaml"));
    expect(r.kind).toBe("ci");
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  test("defaults: prefix turbo-cache/, loopback port 3000, unsigned", () => {
    expect(load("remote_cache:\n  bucket: team-bucket\n").config).toEqual({
      remote_cache: {
        bucket: "team-bucket",
        prefix: "turbo-cache/",
        endpoint_url: null,
        host: "127.0.0.1",
        port: 3000,
        signed: false,
      },
    });
  });

  test("a host off loopback is a warning naming the key", () => {
    const r = load("remote_cache:\n  bucket: team-bucket\n  host: 0.0.0.0\n");
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "remote_cache.host: the cache server would take the token over plain HTTP on 0.0.0.0",
    ]);
  });

  test("a prefix that is not a folder is an error", () => {
    const r = load("remote_cache:\n  bucket: team-bucket\n  prefix: /cache\n");
    expect(r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'remote_cache.prefix: the prefix must end in "/" (got "/cache")',
      'remote_cache.prefix: the prefix must not start with "/" (got "/cache")',
    ]);
  });
});
