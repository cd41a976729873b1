/**
 * Image builds report typed step events (step n of m, final at the last) from dockerode's
 * build stream, beside the plain step lines, when the sink renders progress; a fake engine
 * stands in for Docker (the stream format is the classic builder's).
 */
import { expect, test } from "vitest";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { runBuild } from "../../../../compiler/images/run-build.js";
import type { ProgressEvent } from "../../../../runtimes/lifecycle/progress.js";

test("runBuild emits build step events n/m and the step lines", async () => {
  const events = [
    { stream: "Step 1/3 : FROM node:20\n" },
    { stream: " ---> Using cache\n" },
    { stream: "Step 2/3 : COPY . .\n" },
    { stream: "Step 3/3 : CMD node x\n" },
    { aux: { ID: "sha256:abc" } },
  ];
  const docker = {
    buildImage: async () => Readable.from([]),
    modem: { followProgress: (_s: unknown, done: (e: Error | null, out: unknown[]) => void, each: (e: unknown) => void) => (events.forEach(each), done(null, events)) },
  } as unknown as Docker;
  const lines: string[] = [];
  const seen: ProgressEvent[] = [];
  const sink = Object.assign((l: string) => void lines.push(l), { progress: (e: ProgressEvent) => void seen.push(e) });
  const id = await runBuild(docker, { context: Readable.from([]), tag: "t14-dev-test:1", buildArgs: {}, labels: {}, noCache: false }, sink, () => 0);
  expect(id).toBe("sha256:abc");
  expect(seen.map((e) => [e.task, e.unit, e.done, e.total, e.final ?? false])).toEqual([
    ["build", "steps", 0, 3, false],
    ["build", "steps", 1, 3, false],
    ["build", "steps", 1, 3, false],
    ["build", "steps", 2, 3, false],
    ["build", "steps", 2, 3, false],
    ["build", "steps", 3, 3, true],
  ]);
  expect(lines[0]).toMatch(/\[1\/3\] FROM node:20 {2}cached/);
  expect(lines).toHaveLength(3);
});
