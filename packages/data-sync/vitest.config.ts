import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["@bgb/testkit/vitest-global-setup"],
    setupFiles: ["@bgb/shared/aws-sdk-node20"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The sync tests spawn CLIs and move hundreds of MB: two cores, so one file at a time.
    fileParallelism: false,
  },
});
