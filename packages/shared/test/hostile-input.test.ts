// Inputs a new or a hostile user gives every CLI through @bgb/shared (issue 15): each is one
// clear line naming the file or flag, never a stack trace, never a secret; and the one exit
// table is the one README.md documents.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  EXIT,
  EXIT_TABLE,
  exitCodesHelp,
  formatIssue,
  loadConfigFile,
  resolveEndpoint,
  validateFiles,
} from "../src/index.ts";
import { MAX_CONFIG_BYTES } from "../src/load/load-config-file.ts";
import { editYaml, makeProject, repoRoot } from "./helpers.ts";

const errorsOf = (file: string) => loadConfigFile(file).errors.map(formatIssue);

describe("config files", () => {
  it("a YAML alias bomb is refused as a config error, not expanded and not thrown", () => {
    const root = makeProject();
    const file = join(root, "configs", "datasets.yaml");
    const levels = "abcdefghi".split("");
    writeFileSync(
      file,
      levels
        .map((l, i) =>
          i === 0
            ? `${l}: &${l} [x, x, x, x, x, x, x, x, x]`
            : `${l}: &${l} [${Array(9)
                .fill(`*${levels[i - 1]}`)
                .join(", ")}]`,
        )
        .join("\n"),
    );
    expect(errorsOf(file)).toEqual([
      `${file}: too many YAML aliases (more than 100 expansions): refused`,
    ]);
    // validate (pnpm launch validate) reports it for that file, with the others
    const v = validateFiles([], root);
    expect(v.ok).toBe(false);
    expect(v.lines).toContain(
      "configs/datasets.yaml: too many YAML aliases (more than 100 expansions): refused",
    );
  });

  it("a file over the size limit is refused unread, naming the file and the limit", () => {
    const root = makeProject();
    const file = join(root, "configs", "datasets.yaml");
    writeFileSync(file, `# ${"x".repeat(2 * MAX_CONFIG_BYTES)}\n`);
    const [only, ...rest] = errorsOf(file);
    expect(rest).toEqual([]);
    expect(only).toBe(
      `${file}: is 2.00 MiB; a config file is at most 1 MiB (is this the right file?)`,
    );
    expect(only).not.toMatch(/max-memory/);
  });

  it("a misspelt key is one error at the typo, not first a 'required key is missing'", () => {
    const root = makeProject();
    const file = join(root, "configs", "datasets.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("    bucket: your-eeg-bucket", "    bukcet: your-eeg-bucket"));
    expect(errorsOf(file)).toEqual([
      `${file}: datasets.tuh.bukcet: unknown key (did you mean bucket?)`,
    ]);
  });

  it("a key that is really missing is still reported", () => {
    const root = makeProject();
    const file = join(root, "configs", "datasets.yaml");
    editYaml(file, [[["datasets", "tuh", "bucket"], undefined]]);
    expect(errorsOf(file)).toEqual([`${file}: datasets.tuh.bucket: required key is missing`]);
  });

  it("an endpoint_url with user:password is refused without printing the password", () => {
    const root = makeProject();
    const file = join(root, "configs", "datasets.yaml");
    for (const url of ["http://AKIA:s3cr3t@minio.lan:9000", "http://AKIA:s3cr3t@bad host:9000"]) {
      editYaml(file, [[["datasets", "tuh", "endpoint_url"], url]]);
      const errors = errorsOf(file);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^.*datasets\.tuh\.endpoint_url: .*\(got "http:\/\/\*\*\*@/);
      expect(errors.join("\n")).not.toContain("s3cr3t");
    }
  });
});

describe("--endpoint", () => {
  it("an unparsable or non-http endpoint is shown without what stands before its @", () => {
    for (const raw of [
      "http://AKIA:s3cr3t@bad host:9000",
      "ftp://AKIA:s3cr3t@host",
      "AKIA:s3cr3t@host:9000",
      "http://AKIA:pa/ss#w@rd@host:9000",
    ]) {
      const r = resolveEndpoint(raw, null, null, {});
      expect(r.ok).toBe(false);
      const problem = r.ok ? "" : r.problem;
      expect(problem).not.toMatch(/s3cr3t|pa\/ss|w@rd/);
      expect(problem).toMatch(/\*\*\*@/);
    }
  });

  it("a URL without credentials is still shown as typed", () => {
    const r = resolveEndpoint("htp://127.0.0.1:9000", null, null, {});
    expect(r).toEqual({
      ok: false,
      problem: '"htp://127.0.0.1:9000" must start with http:// or https://',
    });
  });
});

describe("the exit table", () => {
  it("README.md documents exactly EXIT_TABLE, once", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const sections = readme.split(/^## /m).filter((s) => s.startsWith("Exit codes"));
    expect(sections).toHaveLength(1);
    const rows = (sections[0] ?? "")
      .split("\n")
      .filter((l) => /^\|\s*\d+\s*\|/.test(l))
      .map((l) => l.split("|").map((c) => c.trim()))
      .map(([, code, meaning]) => ({ code: Number(code), meaning }));
    expect(rows).toEqual(EXIT_TABLE.map(({ code, meaning }) => ({ code, meaning })));
    // No other exit table elsewhere in the README (one table, documented once).
    expect(readme.match(/^\| code \|/gm)).toHaveLength(1);
  });

  it("every --help ends with the same rows", () => {
    const help = exitCodesHelp();
    for (const r of EXIT_TABLE) expect(help).toContain(`${String(r.code).padEnd(4)} ${r.meaning}`);
    expect(Object.values(EXIT)).toEqual(EXIT_TABLE.map((r) => r.code));
  });
});
