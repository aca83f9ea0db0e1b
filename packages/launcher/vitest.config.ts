import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One versitygw for the run (manifest checks against a real S3 server).
    globalSetup: ["@bgb/testkit/vitest-global-setup"],
    testTimeout: 120_000,
    // The real-modal parse test mostly waits on connection retries: let it overlap the rest.
    maxWorkers: 4,
    setupFiles: ["@bgb/shared/aws-sdk-node20"],
    hookTimeout: 120_000,
  },
});
