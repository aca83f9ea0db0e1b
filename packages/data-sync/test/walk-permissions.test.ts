// The walk skips access() when the mode bits already say a file is readable (issue 12). The
// kernel reads only the owner's bits for the owner and only the group's bits for a member, so
// "others may read" must not let an owner or a group member through. The tests run as root,
// who reads everything, so the walk runs here as `nobody` (setpriv) over files whose owner,
// group and bits put nobody in each class.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, test } from "vitest";

const NOBODY = 65534;
const root = join(import.meta.dirname, "..", "..", "..");
const loader = join(root, "node_modules", "tsx", "dist", "loader.mjs");
const localSource = join(import.meta.dirname, "..", "src", "source", "local-source.ts");
const asNobody = (argv: string[]) => [
  `--reuid=${NOBODY}`,
  `--regid=${NOBODY}`,
  "--clear-groups",
  ...argv,
];
// Root, setpriv, and a checkout that nobody may read (a clone under a 0700 folder is not).
const canSwitch =
  process.geteuid?.() === 0 &&
  existsSync(loader) &&
  spawnSync("setpriv", asNobody(["test", "-r", loader, "-a", "-r", localSource])).status === 0;

const dir = mkdtempSync(join(tmpdir(), "bgb-walk-perm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// name -> [owner uid, group gid, mode]
const FILES: Record<string, [number, number, number]> = {
  "others-read.edf": [0, 0, 0o644],
  "root-only.edf": [0, 0, 0o600],
  // nobody owns it; others may read, the owner may not: the kernel refuses the owner
  "owner-denied.edf": [NOBODY, NOBODY, 0o044],
  "owner-read.edf": [NOBODY, NOBODY, 0o400],
  // nobody's group: the group may read, others may not
  "group-read.edf": [0, NOBODY, 0o640],
  // nobody's group: others may read, the group may not: the kernel refuses the group
  "group-denied.edf": [0, NOBODY, 0o604],
};

test.skipIf(!canSwitch)(
  "as a user who is not root: each class's own bits decide, unreadable files are problems",
  () => {
    const tree = join(dir, "tree");
    mkdirSync(tree);
    chmodSync(dir, 0o755);
    chmodSync(tree, 0o755);
    for (const [name, [uid, gid, mode]] of Object.entries(FILES)) {
      const f = join(tree, name);
      writeFileSync(f, name);
      chownSync(f, uid, gid);
      chmodSync(f, mode);
    }
    const script = join(dir, "walk.mjs");
    writeFileSync(
      script,
      `const { localSource } = await import(${JSON.stringify(pathToFileURL(localSource).href)});
const l = await (await localSource(process.argv[2])).list(() => true);
console.log(JSON.stringify({
  entries: l.entries.map((e) => e.relPath).sort(),
  problems: l.problems.map((p) => [p.relPath, p.message]).sort(),
}));`,
    );
    chmodSync(script, 0o644);
    const out = execFileSync(
      "setpriv",
      asNobody([process.execPath, "--import", pathToFileURL(loader).href, script, tree]),
      { encoding: "utf8", env: { PATH: process.env.PATH, HOME: dir, TMPDIR: tmpdir() } },
    );
    expect(JSON.parse(out)).toEqual({
      entries: ["group-read.edf", "others-read.edf", "owner-read.edf"],
      problems: [
        ["group-denied.edf", "cannot read (EACCES)"],
        ["owner-denied.edf", "cannot read (EACCES)"],
        ["root-only.edf", "cannot read (EACCES)"],
      ],
    });
  },
);
