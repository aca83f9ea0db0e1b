// Whether Modal credentials are configured, without ever reading a secret's value: only which
// keys exist in ~/.modal.toml (or MODAL_CONFIG_PATH) and whether the MODAL_TOKEN_* variables are set.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AuthFact } from "../types.ts";

interface Section {
  keys: Set<string>;
  active: boolean;
}

/** Section names, their key names, and `active = true`; values other than `active` are skipped. */
export function tomlKeyNames(text: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: Section | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const header = /^\[\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.-]+))\s*\]$/.exec(line);
    if (header) {
      const name = header[1] ?? header[2] ?? header[3] ?? "";
      current = sections.get(name) ?? { keys: new Set(), active: false };
      sections.set(name, current);
      continue;
    }
    const kv = /^(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*=\s*(.*)$/.exec(line);
    if (kv && current) {
      const key = kv[1] ?? kv[2] ?? "";
      current.keys.add(key);
      if (key === "active") current.active = /^true\b/.test(kv[3] ?? "");
    }
  }
  return sections;
}

export function probeModalAuth(env: NodeJS.ProcessEnv, home: string): AuthFact {
  const id = Boolean(env.MODAL_TOKEN_ID);
  const secret = Boolean(env.MODAL_TOKEN_SECRET);
  if (id && secret) return { source: "env" };
  if (id !== secret) {
    return {
      source: "none",
      reason: `only ${id ? "MODAL_TOKEN_ID" : "MODAL_TOKEN_SECRET"} is set; Modal needs both`,
    };
  }
  const file = env.MODAL_CONFIG_PATH || join(home, ".modal.toml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { source: "none", reason: `MODAL_TOKEN_ID/MODAL_TOKEN_SECRET unset and no ${file}` };
  }
  const sections = tomlKeyNames(text);
  // Modal's own choice: MODAL_PROFILE, else the profile marked active, else "default".
  const profile = env.MODAL_PROFILE || [...sections].find(([, s]) => s.active)?.[0] || "default";
  const s = sections.get(profile);
  if (!s) return { source: "none", reason: `no profile "${profile}" in ${file}` };
  if (!s.keys.has("token_id") || !s.keys.has("token_secret")) {
    return {
      source: "none",
      reason: `profile "${profile}" in ${file} has no token_id/token_secret`,
    };
  }
  return { source: "profile", profile, file };
}
