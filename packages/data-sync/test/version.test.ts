// `--version` on both bins (issue 15.8): the name a user installs and the package's version.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { runCli } from "./support.ts";

const { version } = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"),
);

test.each([
  ["sync", "bgb-sync"],
  ["data-sync", "bgb-data-sync"],
] as const)("%s --version", async (name, shown) => {
  const r = await runCli(name, ["--version"]);
  expect(r).toMatchObject({ code: 0, stdout: `${shown} ${version}\n`, stderr: "" });
});
