import { defineConfig } from "vitest/config";

// Pure config parsing: no S3 server or other global setup needed.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Some tests run the trainer-check venv's Python or spawn the CLIs: on two busy cores
    // the first of them can take well over vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
