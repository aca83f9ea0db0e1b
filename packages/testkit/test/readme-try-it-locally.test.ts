// README.md "Try it locally" must work as written: this runs its code block, line for line, in a
// fresh copy of the project (configs/ as shipped), with `pnpm <script>` running what the root
// package.json script runs. The first line (`pnpm s3`) is the server of "terminal 1": it runs in
// the background until the file the second line sources exists; the rest run in one bash.
import { spawn } from "node:child_process";
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
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { toolsDir } from "../src/index.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const TSX = pathToFileURL(join(REPO, "node_modules", "tsx", "dist", "loader.mjs")).href;

/** The bash lines of the README's "Try it locally" block, comments dropped. */
function readmeBlock(): string[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Try it locally"));
  const block = section && /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no "## Try it locally" section with a bash block');
  return block
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "");
}

/**
 * `pnpm <name>` as the root package.json runs it: the command its script ends with, which must
 * `exec node` a CLI. A built bin (packages/<p>/dist/<bin>.js) runs from its source
 * (src/bin/<bin>.ts, what the build bundles), so this test needs no build.
 */
function scriptCommand(name: string): string {
  const scripts = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts;
  const last = (scripts[name] as string | undefined)?.split("&&").at(-1)?.trim() ?? "";
  const m = /^exec node (?:--import tsx )?(packages\/\S+)$/.exec(last);
  if (!m?.[1]) throw new Error(`package.json scripts.${name} does not end in exec node <file>`);
  const file = m[1].replace(/^(packages\/[^/]+)\/dist\/([\w-]+)\.js$/, "$1/src/bin/$2.ts");
  return `node --import ${TSX} ${join(REPO, file)}`;
}

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "bgb-try-locally-"));
  writeFileSync(join(project, "pnpm-workspace.yaml"), "packages: []\n");
  cpSync(join(REPO, "configs"), join(project, "configs"), { recursive: true });
  mkdirSync(join(project, ".home"));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

test("the README's try-it-locally block runs as written: server with the bucket, generated tree, sync, verify", async () => {
  const lines = readmeBlock();
  const [server, source, ...rest] = lines;
  expect(server).toMatch(/^pnpm s3\b/);
  if (!server) return;
  const envFile = /^source (\S+)$/.exec(source ?? "")?.[1];
  expect(envFile, "the second line sources the server's env file").toBeDefined();
  const used = [...new Set(lines.flatMap((l) => /^pnpm ([\w-]+)/.exec(l)?.[1] ?? []))];
  const pnpm = [
    "pnpm() {",
    '  local script="$1"; shift',
    '  case "$script" in',
    ...used.map((s) => `    ${s}) ${scriptCommand(s)} "$@" ;;`),
    '    *) echo "pnpm $script: not a root script" >&2; return 127 ;;',
    "  esac",
    "}",
  ];
  const script = [
    "set -euo pipefail",
    ...pnpm,
    // As pnpm would: the server's own process in the background (a function would fork a subshell).
    `${server.replace(/^pnpm s3/, scriptCommand("s3"))} &`,
    "server=$!",
    `trap 'kill $server 2>/dev/null; wait $server' EXIT`,
    `for _ in $(seq 600); do [ -f ${envFile} ] && break; kill -0 $server || exit 9; sleep 0.1; done`,
    ...[source, ...rest].map((l) => `echo "+ ${l}" >&2; ${l}`),
  ].join("\n");
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn("bash", ["-c", script], {
      cwd: project,
      // A user's shell: no AWS settings of the machine running the tests, a home of its own.
      // versitygw comes from the tools cache the test setup filled (building it takes minutes).
      env: { PATH: process.env.PATH, HOME: join(project, ".home"), BGB_TOOLS_DIR: toolsDir() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
    });
    child.stderr.on("data", (b) => {
      out += b;
    });
    child.on("close", (code) => resolve({ code, out }));
  });
  expect(r.code, r.out).toBe(0);
  expect(r.out).toMatch(/^buckets: your-eeg-bucket$/m); // pnpm s3 created the configured bucket
  expect(r.out).toMatch(/^tusz: 12 EDF, 24 files/m);
  expect(r.out).toMatch(/^done: 24 uploaded, 0 unchanged, 0 failed of 24 files/m);
  expect(r.out).not.toMatch(/manifest not written/);
  expect(r.out).toMatch(/^verified: 24\/24 objects match manifest tuh\/\.bgb-manifest\.json/m);
  // The server removed its env file when it stopped: nothing points at a dead endpoint.
  expect(existsSync(join(project, envFile as string))).toBe(false);
}, 240_000);
