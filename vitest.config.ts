import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Docker and S3 suites start real servers; give them room, but keep unit tests fast.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: forks isolate onnxruntime sessions and servers per file.
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
