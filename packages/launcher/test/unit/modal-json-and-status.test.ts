import { expect, test } from "vitest";
import { deriveStatus } from "../../src/operations/run-status.ts";
import { compareVersions, parseModalVersion } from "../../src/plan/version.ts";
import { appIsLive, parseAppList, parseSecretNames } from "../../src/process/modal-json.ts";
import { record } from "../helpers/facts.ts";

// As printed by modal 1.6.4 (`display_table` with json=True: column names in snake_case).
const APPS = `[{"app_id": "ap-Older1", "description": "full-older", "state": "ephemeral (detached)", "tasks": "1", "created_at": "2026-11-28T10:00:00+00:00", "stopped_at": null}, {"app_id": "ap-Done", "description": "smoke-x", "state": "stopped", "tasks": "0", "created_at": "2026-11-27T10:00:00+00:00", "stopped_at": "2026-11-27T10:20:00+00:00"}]`;

test("modal app list --json and secret list --json", () => {
  const apps = parseAppList(APPS);
  expect(apps?.map((a) => [a.app_id, a.state, a.tasks])).toEqual([
    ["ap-Older1", "ephemeral (detached)", 1],
    ["ap-Done", "stopped", 0],
  ]);
  expect(parseAppList("Error: Could not connect to the Modal server.")).toBeNull();
  expect(
    parseSecretNames(
      '[{"name": "aws-s3-secret", "created_at": "x", "created_by": "y", "last_used_at": "-"}]',
    ),
  ).toEqual(["aws-s3-secret"]);
  expect(appIsLive("ephemeral (detached)")).toBe(true);
  expect(appIsLive("initializing...")).toBe(true);
  expect(appIsLive("stopped")).toBe(false);
  expect(appIsLive("stopping...")).toBe(false);
});

test("status: run.json's final status wins, then Modal's app state, then the registry", () => {
  const running = record({});
  const app = {
    app_id: "ap-Older1",
    description: "",
    state: "stopped",
    tasks: 0,
    created_at: null,
    stopped_at: null,
  };
  expect(deriveStatus(running, app, { exit_status: "succeeded" })).toBe("succeeded");
  expect(deriveStatus(running, app, { exit_status: "running" })).toBe("stopped");
  expect(deriveStatus(running, { ...app, state: "ephemeral (detached)" }, null)).toBe("running");
  expect(deriveStatus(running, null, null)).toBe("running");
  expect(deriveStatus(record({ status: "stopped" }), null, { exit_status: "failed" })).toBe(
    "failed",
  );
});

test("status across attempts: preempted is not final while Modal restarts; a user stop wins", () => {
  const app = {
    app_id: "ap-Older1",
    description: "",
    state: "ephemeral (detached)",
    tasks: 1,
    created_at: null,
    stopped_at: null,
  };
  const gone = { ...app, state: "stopped", tasks: 0 };
  // Modal restarts a preempted input / the retry policy starts the next attempt: still running
  expect(deriveStatus(record({}), app, { exit_status: "preempted" })).toBe("running");
  expect(deriveStatus(record({ status: "preempted" }), app, { exit_status: "running" })).toBe(
    "running",
  );
  expect(deriveStatus(record({}), gone, { exit_status: "preempted" })).toBe("preempted");
  // modal app stop reaches the container like a preemption: the user's stop is what happened
  expect(deriveStatus(record({ status: "stopped" }), gone, { exit_status: "preempted" })).toBe(
    "stopped",
  );
  expect(deriveStatus(record({}), gone, { exit_status: "cancelled" })).toBe("stopped");
});

test("modal --version and version order", () => {
  expect(parseModalVersion("modal client version: 1.6.4\n")).toBe("1.6.4");
  expect(compareVersions("1.6.4", "1.6.0")).toBe(1);
  expect(compareVersions("1.5.10", "1.6.0")).toBe(-1);
  expect(compareVersions("1.6.0", "1.6.0")).toBe(0);
});
