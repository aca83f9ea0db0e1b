// The pinned trainer through the real bin: the checkout must be at launch.yaml's trainer.commit,
// the trainer's own pydantic Config (scripts/trainer-check-venv.sh + trainer_schema_check.py)
// runs on the effective config before anything launches, and the checkout's state is recorded.
// The temp repo's trainer is a git checkout of its own whose schemas.py is the real trainer's
// when vendor/brain-go-brr-v2 is present (else a strict stand-in: helpers/temp-repo.ts).
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { parseDocument } from "yaml";
import { REAL_TRAINER_SCHEMA } from "../helpers/paths.ts";
import { runBin } from "../helpers/run-bin.ts";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.ts";

let repo: TempRepo;
let trainer: string;
let pinned: string;
beforeAll(async () => {
  repo = await makeTempRepo(inject("s3"));
  trainer = join(repo.root, "vendor", "brain-go-brr-v2");
  pinned = git(trainer, "rev-parse", "HEAD");
});
afterAll(() => repo.cleanup());

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    env: { ...process.env, HOME: repo.home },
  })
    .toString()
    .trim();
}

const launch = (args: string[]) => runBin(args, { cwd: repo.root, env: repo.env });
type Check = { check: string; ok: boolean; message: string; fix: string | null };
const check = (plan: { preflight: Check[] }, name: string): Check => {
  const c = plan.preflight.find((x) => x.check === name);
  if (!c) throw new Error(`no ${name} check`);
  return c;
};
const nothingLaunched = () => {
  expect(repo.standinCalls().some((c) => c.argv?.[0] === "run")).toBe(false);
  expect(repo.registryLines()).toEqual([]);
};

describe("the trainer's own schema runs before anything launches", () => {
  test(`a key the trainer forbids fails full --dry-run, naming it (${existsSync(REAL_TRAINER_SCHEMA) ? "the pinned trainer's schemas.py" : "stand-in schema: pinned checkout absent"})`, async () => {
    const file = join(repo.root, "configs", "tusz_train_a100.yaml");
    const before = readFileSync(file, "utf8");
    const doc = parseDocument(before);
    doc.setIn(["model", "encoder"], { stages: 4 });
    writeFileSync(file, doc.toString());
    try {
      const r = await launch(["full", "--dry-run", "--json"]);
      expect(r.code).toBe(2);
      const plan = JSON.parse(r.stdout);
      expect(plan.ok).toBe(false);
      const c = check(plan, "trainer-schema");
      expect(c.ok).toBe(false);
      expect(c.message).toContain(
        "rejects configs/tusz_train_a100.yaml, as it would on the GPU: configs/tusz_train_a100.yaml: model.encoder: Extra inputs are not permitted",
      );
      expect(c.fix).toBe("fix them, then `pnpm launch validate configs/tusz_train_a100.yaml`");

      const text = await launch(["full", "--dry-run"]);
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/FAIL\s+trainer-schema\s+.*model\.encoder: Extra inputs/);
      nothingLaunched();
    } finally {
      writeFileSync(file, before);
    }
  });

  test("the committed configs pass it, checked as the GPU side rewrites them", async () => {
    const r = await launch(["full", "--dry-run", "--json"]);
    expect(r.code, r.stdout).toBe(0);
    const c = check(JSON.parse(r.stdout), "trainer-schema");
    expect(c).toMatchObject({ ok: true, fix: null });
    expect(c.message).toBe(
      `the trainer's own Config (${pinned.slice(0, 12)}) accepts configs/tusz_train_a100.yaml as the GPU side rewrites it`,
    );
  });
});

describe("the trainer checkout must be at the pinned commit", () => {
  test("at another commit: the exact commands to get the pinned one, nothing launched", async () => {
    appendFileSync(join(trainer, "src", "__main__.py"), "# a later upstream change\n");
    git(trainer, "commit", "-qam", "moved on");
    try {
      const r = await launch(["smoke", "--dry-run", "--json"]);
      expect(r.code).toBe(2);
      const plan = JSON.parse(r.stdout);
      const c = check(plan, "trainer-source");
      expect(c.ok).toBe(false);
      const url = "https://github.com/Clarity-Digital-Twin/brain-go-brr-v2";
      expect(c.message).toBe(
        `trainer checkout vendor/brain-go-brr-v2 is at ${git(trainer, "rev-parse", "HEAD").slice(0, 12)}, not at the pinned ${pinned.slice(0, 12)} (configs/launch.yaml trainer.commit)`,
      );
      expect(c.fix).toBe(
        `git -C vendor/brain-go-brr-v2 fetch ${url} && git -C vendor/brain-go-brr-v2 checkout ${pinned}`,
      );
      // Another commit's schema would answer for the wrong trainer: not run.
      expect(check(plan, "trainer-schema")).toMatchObject({ ok: true });
      expect(check(plan, "trainer-schema").message).toMatch(/^not run: /);
      nothingLaunched();
    } finally {
      git(trainer, "reset", "-q", "--hard", pinned);
    }
  });

  test("trainer_commit and trainer_dirty travel in the spec and the run record, like git_sha", async () => {
    const clean = JSON.parse((await launch(["smoke", "--dry-run", "--json"])).stdout);
    expect(clean.launch_spec).toMatchObject({ trainer_commit: pinned, trainer_dirty: false });
    expect(clean.trainer).toEqual({
      repository: "https://github.com/Clarity-Digital-Twin/brain-go-brr-v2",
      pinned,
      commit: pinned,
      dirty: false,
    });

    appendFileSync(join(trainer, "src", "__main__.py"), "# local edit\n");
    try {
      const r = await launch(["smoke", "--name", "smoke-dirty-trainer"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /ok\s+trainer-source\s+vendor\/brain-go-brr-v2 at the pinned \w{12} \+ 1 uncommitted change \(recorded as trainer_dirty/,
      );
      const first = repo.registryLines().find((e) => e.run === "smoke-dirty-trainer");
      expect(first).toMatchObject({
        event: "launching",
        trainer_commit: pinned,
        trainer_dirty: true,
        git_dirty: false,
      });
      const run = repo.standinCalls().find((c) => c.argv?.[0] === "run");
      expect(run).toBeDefined();
      const status = await launch(["status", "smoke-dirty-trainer"]);
      expect(status.stdout).toContain(`  trainer  ${pinned.slice(0, 12)} (dirty)`);
    } finally {
      git(trainer, "checkout", "-q", "--", ".");
    }
  });
});
