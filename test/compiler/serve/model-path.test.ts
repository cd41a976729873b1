/**
 * `mesh serve --model PATH` takes a model file or folder, nothing else: a FIFO (which would
 * block the server before /live answers), a missing path, or a device is refused at once.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { givenModelPath } from "../../../compiler/load/app-model-source.js";

const dir = mkdtempSync(join(tmpdir(), "mesh-model-path-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--model PATH", () => {
  it("accepts a file and a folder, refuses a FIFO, a device and a missing path", () => {
    writeFileSync(join(dir, "model.onnx"), "x");
    expect(givenModelPath(dir, "model.onnx")).toEqual({ path: join(dir, "model.onnx") });
    expect(givenModelPath(dir, ".")).toEqual({ path: dir });
    execFileSync("mkfifo", [join(dir, "pipe")]);
    expect(givenModelPath(dir, "pipe")).toEqual({ message: "--model pipe is not a regular file or a model folder" });
    expect(givenModelPath(dir, "/dev/null")).toEqual({ message: "--model /dev/null is not a regular file or a model folder" });
    expect(givenModelPath(dir, "nope.onnx")).toEqual({ message: "model file nope.onnx does not exist" });
  });
});
