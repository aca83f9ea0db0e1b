import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One versitygw for the run (manifest checks against a real S3 server).
    globalSetup: ["@bgb/testkit/vitest-global-setup"],
    testTimeout: 120_000,
    // The real-modal parse test mostly waits on connection retries: let it overlap the rest.
    maxWorkers: 4,
    // The pinned SDK's Node 20 notice would clutter every test's output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    hookTimeout: 120_000,
  },
});
