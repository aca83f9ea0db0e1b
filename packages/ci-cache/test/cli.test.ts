// `pnpm cache-server` refusing to start: one line naming the file, key or variable, an exit code.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { newBucket, repoRoot, s3, tempDir } from "./support.ts";

const bin = join(repoRoot, "packages", "ci-cache", "src", "bin", "cache-server.ts");

function runServer(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) => resolve({ code, out }));
  });
}

function configFile(body: string): string {
  const f = join(tempDir("ci-cli"), "ci.yaml");
  writeFileSync(f, body);
  return f;
}

const TOKEN = "cli-test-token-0123456789abcdef";

describe("pnpm cache-server refuses to start", () => {
  test("on an invalid config: every problem as file: key.path: message, exit 2", async () => {
    const f = configFile("remote_cache:\n  bucket: Team_Bucket\n  port: 70000\n  colour: blue\n");
    const r = await runServer(["--config", f], { TURBO_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.out.trim().split("\n")).toEqual([
      `${f}: remote_cache.bucket: bucket names use lower-case letters, digits, '.' and '-', and start and end with a letter or digit (got "Team_Bucket")`,
      `${f}: remote_cache.port: must be <= 65535 (got 70000)`,
      `${f}: remote_cache.colour: unknown key`,
    ]);
  });

  test("without TURBO_TOKEN, exit 2", async () => {
    const f = configFile("remote_cache:\n  bucket: team-bucket\n");
    const r = await runServer(["--config", f], {});
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^cache-server: TURBO_TOKEN is not set: /);
    expect(r.out.trim().split("\n")).toHaveLength(1);
  });

  test("when the credentials cannot list the bucket, exit 3, and the token is never printed", async () => {
    const bucket = await newBucket();
    const f = configFile(`remote_cache:\n  bucket: ${bucket}\n  port: 0\n`);
    const r = await runServer(["--config", f, "--endpoint", s3.endpoint], {
      TURBO_TOKEN: TOKEN,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: "not-the-secret",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    expect(r.code).toBe(3);
    expect(r.out.trim()).toBe(
      `cache-server: cannot use s3://${bucket}/turbo-cache/ at ${s3.endpoint}: access denied (SignatureDoesNotMatch): the credentials need s3:ListBucket, s3:GetObject and s3:PutObject under the prefix`,
    );
    expect(r.out).not.toContain(TOKEN);
  });

  test("when the port is taken, exit 3 naming the address", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    try {
      const bucket = await newBucket();
      const f = configFile(`remote_cache:\n  bucket: ${bucket}\n`);
      const r = await runServer(["--config", f, "--endpoint", s3.endpoint, "--port", `${port}`], {
        TURBO_TOKEN: TOKEN,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      });
      expect(r.code).toBe(3);
      expect(r.out.trim()).toBe(
        `cache-server: cannot listen on 127.0.0.1:${port} (EADDRINUSE): choose --host/--port`,
      );
    } finally {
      taken.close();
    }
  });
});
