import { defineConfig } from "vitest/config";

// Pure config parsing: no S3 server or other global setup needed.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
  },
});
