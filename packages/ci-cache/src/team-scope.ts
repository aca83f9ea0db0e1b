// turborepo-remote-cache stores an artifact at <team>/<hash> in the bucket's root. To keep the
// cache under configs/ci.yaml's prefix, the team a client sends (?slug= / ?teamId= / ?team=)
// becomes "<prefix><team>" before the package sees it. A team is one path segment, so no
// client can reach keys outside the prefix.

const TEAM_PARAMS = ["teamId", "team", "slug"] as const;
const TEAM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export type ScopeResult = { ok: true } | { ok: false; problem: string };

/** Rewrites the team parameters of `query` in place. */
export function scopeTeam(query: Record<string, unknown>, prefix: string): ScopeResult {
  for (const name of TEAM_PARAMS) {
    const team = query[name];
    if (team === undefined) continue;
    if (typeof team !== "string" || !TEAM.test(team)) {
      return {
        ok: false,
        problem: `team must be letters, digits, '.', '_' or '-' (at most 100), got ${JSON.stringify(team)}`,
      };
    }
    query[name] = `${prefix}${team}`;
  }
  return { ok: true };
}
