// The turbo graph declares what the launcher's tests really read: modal/app.py and
// modal/bgb_modal (the contract tests), the venv built from modal/requirements-dev.txt (the
// real modal CLI parses argv). Each case edits one file in a copy of the checkout and compares
// `turbo run build test --dry=json` task hashes: the tasks whose hash moves are the ones a
// `pnpm test` would re-run. Nothing is run for real.
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { REPO_ROOT } from "../helpers/paths.ts";

let copy: string;
let before: Map<string, string>;

const git = (args: string[], cwd: string) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });

function hashes(): Map<string, string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TURBO_|npm_)/i.test(k)) env[k] = v;
  const out = execFileSync(
    join(REPO_ROOT, "node_modules", ".bin", "turbo"),
    ["run", "build", "test", "--dry=json"],
    { cwd: copy, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 },
  );
  const dry = JSON.parse(out) as { tasks: { taskId: string; hash: string; command: string }[] };
  // Tasks without a script (transit nodes, modal's build) only carry hashes; they never run.
  return new Map(
    dry.tasks.filter((t) => t.command !== "<NONEXISTENT>").map((t) => [t.taskId, t.hash]),
  );
}

/** The tasks whose hash moves when `file` gets one more line (the file is restored after). */
function rerunAfterTouching(file: string): string[] {
  const path = join(copy, file);
  const original = readFileSync(path);
  appendFileSync(path, file.endsWith(".json") ? " " : "\n# touched\n");
  try {
    const after = hashes();
    return [...after]
      .filter(([id, h]) => before.get(id) !== h)
      .map(([id]) => id)
      .sort();
  } finally {
    writeFileSync(path, original);
  }
}

beforeAll(() => {
  // The checkout as it is now (tracked and new files, uncommitted edits included), as a commit.
  copy = mkdtempSync(join(tmpdir(), "bgb-turbo-graph-"));
  const files = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO_ROOT)
    .split("\0")
    .filter((f) => f !== "" && existsSync(join(REPO_ROOT, f)));
  for (const f of files) cpSync(join(REPO_ROOT, f), join(copy, f));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(copy, "node_modules"));
  git(["init", "-q"], copy);
  git(["add", "-A"], copy);
  git(["commit", "-q", "-m", "copy"], copy);
  before = hashes();
  expect(before.has("@bgb/launcher#test")).toBe(true);
}, 120_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

test("a module of the GPU side re-runs the launcher's tests and modal's, nothing else", () => {
  expect(rerunAfterTouching("modal/bgb_modal/paths.py")).toEqual([
    "@bgb/launcher#test",
    "@bgb/modal-app#test",
  ]);
  expect(rerunAfterTouching("modal/app.py")).toEqual(["@bgb/launcher#test", "@bgb/modal-app#test"]);
});

test("the venv's requirements re-run everything that uses the venv", () => {
  expect(rerunAfterTouching("modal/requirements-dev.txt")).toEqual([
    "@bgb/launcher#test",
    "@bgb/modal-app#test",
    "@bgb/modal-app#venv",
  ]);
});

test("modal's own tests are no input of the launcher's", () => {
  expect(rerunAfterTouching("modal/tests/conftest.py")).toEqual(["@bgb/modal-app#test"]);
});

test("the launcher fixture modal's tests read is an input of both", () => {
  expect(rerunAfterTouching("packages/launcher/test/fixtures/run-json-attempts.json")).toEqual([
    "@bgb/launcher#test",
    "@bgb/modal-app#test",
  ]);
});

test("a shared source file rebuilds both bundles (they contain it) and re-runs their tests", () => {
  const moved = rerunAfterTouching("packages/shared/src/find-repo-root.ts");
  for (const t of ["@bgb/data-sync#build", "@bgb/launcher#build", "@bgb/launcher#test"])
    expect(moved).toContain(t);
  expect(moved).not.toContain("@bgb/modal-app#test");
});
