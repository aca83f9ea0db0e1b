import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One versitygw for the run: the cache server's storage.
    globalSetup: ["@bgb/testkit/vitest-global-setup"],
    // Fresh clones, installs and turbo runs on two shared cores: one file at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    setupFiles: ["@bgb/shared/aws-sdk-node20"],
  },
});
