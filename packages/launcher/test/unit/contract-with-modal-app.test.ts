// Values the launcher mirrors from modal/ (it cannot import Python): a drift fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { RUN_NAME_RE } from "../../src/plan/run-name.ts";
import { MAX_RETRIES, MAX_TIMEOUT_S } from "../../src/plan/segments.ts";
import { REPO_ROOT } from "../helpers/paths.ts";

const py = (file: string) => readFileSync(join(REPO_ROOT, "modal", "bgb_modal", file), "utf8");

test("retry limit, timeout cap and run-name rule match modal/bgb_modal", () => {
  expect(py("function_plan.py")).toMatch(new RegExp(`^MAX_RETRIES = ${MAX_RETRIES}\\b`, "m"));
  const versions = py("versions.py");
  expect(versions).toMatch(/^MAX_TIMEOUT_S = 86_400\b/m);
  expect(MAX_TIMEOUT_S).toBe(86_400);
  const paths = py("paths.py");
  expect(paths).toContain(`re.compile(r"${RUN_NAME_RE.source}")`);
});
