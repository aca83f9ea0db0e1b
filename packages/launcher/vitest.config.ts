import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One versitygw for the run (manifest checks against a real S3 server).
    globalSetup: ["@bgb/testkit/vitest-global-setup"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
