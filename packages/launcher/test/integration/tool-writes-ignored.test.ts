// A launch records the commit and whether the tree was dirty. What the project's own tools
// write into a checkout (datasets under data/, the run registry, pulled results, builds, the
// trainer checkout, pnpm s3's env file) must not make every launch "dirty" (issue 15.8).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { probeGit } from "../../src/preflight/probes/git.ts";
import { REPO_ROOT } from "../helpers/paths.ts";

const WRITTEN_BY_TOOLS = [
  "data/tuh_eeg_seizure_v2.0.3/edf/train/aaaa/s001_2015/01_tcp_ar/aaaa_s001_t000.edf", // pnpm gen, the datasets
  ".bgb/runs.jsonl", // the run registry
  ".bgb/launches/smoke-1.log", // modal's output of a launch
  ".bgb/s3-env.sh", // pnpm s3
  "results/smoke-1/checkpoints/best.pt", // pnpm launch pull
  "packages/launcher/dist/launch.js", // pnpm build, and pnpm launch's build step
  "vendor/brain-go-brr-v2/src/__main__.py", // sh scripts/trainer.sh
  "modal/.venv/bin/modal", // sh modal/scripts/venv.sh
];

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "bgb-ignored-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
      cwd: repo,
      stdio: "ignore",
    });
  copyFileSync(join(REPO_ROOT, ".gitignore"), join(repo, ".gitignore"));
  git("init", "-q");
  git("add", ".gitignore");
  git("commit", "-qm", "the project's .gitignore");
  for (const f of WRITTEN_BY_TOOLS) {
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    writeFileSync(join(repo, f), "written by a tool\n");
  }
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

test("files the tools write into the checkout leave it clean for the launch record", async () => {
  const g = await probeGit(repo);
  expect(g).toMatchObject({ ok: true, dirty: false, changed: 0 });
});

test("a file of the project itself still makes it dirty", async () => {
  writeFileSync(join(repo, "notes.md"), "mine\n");
  expect(await probeGit(repo)).toMatchObject({ ok: true, dirty: true, changed: 1 });
});
