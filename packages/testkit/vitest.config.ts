import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./src/s3-server/vitest-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
