import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { probeModalAuth, tomlKeyNames } from "../../src/preflight/probes/modal-auth.ts";

const home = mkdtempSync(join(tmpdir(), "bgb-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
// A made-up canary, built here so that no tracked line looks like a Modal token secret.
const SECRET = ["as", "canary", "not", "a", "real", "secret"].join("-");

function toml(text: string) {
  writeFileSync(join(home, ".modal.toml"), text);
}

test("the token variables count only when both are set; their values are never kept", () => {
  const env = { MODAL_TOKEN_ID: "ak-1", MODAL_TOKEN_SECRET: SECRET };
  const fact = probeModalAuth(env, home);
  expect(fact).toEqual({ source: "env" });
  expect(JSON.stringify(fact)).not.toContain(SECRET);
  expect(probeModalAuth({ MODAL_TOKEN_ID: "ak-1" }, home)).toEqual({
    source: "none",
    reason: "only MODAL_TOKEN_ID is set; Modal needs both",
  });
});

test("a profile in ~/.modal.toml: MODAL_PROFILE, else the active one, else default", () => {
  toml(
    `[work]\ntoken_id = "ak-w"\ntoken_secret = "${SECRET}"\nactive = true\n\n["personal"]\ntoken_id = "ak-p"\n`,
  );
  const active = probeModalAuth({}, home);
  expect(active).toEqual({ source: "profile", profile: "work", file: join(home, ".modal.toml") });
  expect(JSON.stringify(active)).not.toContain(SECRET);
  expect(probeModalAuth({ MODAL_PROFILE: "personal" }, home)).toMatchObject({
    source: "none",
    reason: expect.stringMatching(/profile "personal" .* has no token_id\/token_secret/),
  });
  expect(probeModalAuth({ MODAL_PROFILE: "ci" }, home)).toMatchObject({
    source: "none",
    reason: expect.stringMatching(/no profile "ci"/),
  });
  const sections = tomlKeyNames(`[default]\ntoken_id = "x"\ntoken_secret = "${SECRET}"\n`);
  expect([...(sections.get("default")?.keys ?? [])]).toEqual(["token_id", "token_secret"]);
  expect(JSON.stringify([...sections.entries()].map(([k, v]) => [k, [...v.keys]]))).not.toContain(
    SECRET,
  );
});

test("no variables and no file", () => {
  rmSync(join(home, ".modal.toml"), { force: true });
  expect(probeModalAuth({}, home)).toMatchObject({ source: "none" });
  expect(probeModalAuth({ MODAL_CONFIG_PATH: join(home, "elsewhere.toml") }, home)).toMatchObject({
    reason: expect.stringContaining("elsewhere.toml"),
  });
});
