// The JSON that `modal app list --json` and `modal secret list --json` print (modal 1.6.x:
// one object per row, keys are the table's column names in snake_case).

export interface ModalApp {
  app_id: string;
  description: string;
  /** "ephemeral (detached)", "initializing...", "stopped", "stopping...", "deployed", ... */
  state: string;
  tasks: number;
  created_at: string | null;
  stopped_at: string | null;
}

function rows(text: string): Record<string, unknown>[] | null {
  // Modal may print a notice before the JSON; the array starts at the first "[".
  const start = text.indexOf("[");
  if (start < 0) return null;
  try {
    const v: unknown = JSON.parse(text.slice(start));
    return Array.isArray(v) ? v.filter((r) => r !== null && typeof r === "object") : null;
  } catch {
    return null;
  }
}

export function parseAppList(text: string): ModalApp[] | null {
  const rs = rows(text);
  if (!rs) return null;
  return rs
    .filter((r) => typeof r.app_id === "string")
    .map((r) => ({
      app_id: String(r.app_id),
      description: typeof r.description === "string" ? r.description : "",
      state: typeof r.state === "string" ? r.state : "unknown",
      tasks: Number(r.tasks ?? 0) || 0,
      created_at: typeof r.created_at === "string" ? r.created_at : null,
      stopped_at: typeof r.stopped_at === "string" && r.stopped_at !== "" ? r.stopped_at : null,
    }));
}

export function parseSecretNames(text: string): string[] | null {
  const rs = rows(text);
  if (!rs) return null;
  return rs.map((r) => r.name).filter((n): n is string => typeof n === "string");
}

/** Whether an app in this state may still be running our function. */
export function appIsLive(state: string): boolean {
  return !/^(stopped|stopping|disabled)/i.test(state.trim());
}
