/**
 * Real processes against one registry: racing publishers and a publisher killed mid-upload.
 * The scripts import the compiled registry (compiled.ts) and take their settings as JSON.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { OpenRegistryOptions } from "../../../runtimes/registry/index.js";

export interface ChildSettings {
  readonly entry: string;
  readonly uri: string;
  readonly options: Pick<OpenRegistryOptions, "env" | "s3">;
}

// Publishes `count` SPAM-TRAINED versions concurrently, prints their numbers as JSON.
const RACE = `
const { entry, uri, options, count } = JSON.parse(process.env.MESH_TEST_SETTINGS);
const { openRegistry } = await import(entry);
const reg = openRegistry(uri, options);
const card = { type: "trained", project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
const refs = await Promise.all(Array.from({ length: count }, (_, i) =>
  reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": new TextEncoder().encode("pid " + process.pid + " #" + i) }, card)));
process.stdout.write(JSON.stringify(refs.map((r) => r.version)) + "\\n");
`;

// Publishes one small file, then streams a big one from a FIFO the test feeds and then kills us.
const CRASH = `
const { entry, uri, options, fifo } = JSON.parse(process.env.MESH_TEST_SETTINGS);
const { openRegistry } = await import(entry);
const reg = openRegistry(uri, options);
const card = { type: "trained", project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t" };
await reg.publishModel("spam", "SPAM", "TRAINED", { "a.json": new TextEncoder().encode("{}"), "z.bin": { localPath: fifo } }, card);
process.stdout.write("published\\n");
`;

// Moves alias "production" \`count\` times concurrently (targets SPAM-TRAINED-1/2 in turn), prints the event numbers.
const PROMOTE = `
const { entry, uri, options, count, by } = JSON.parse(process.env.MESH_TEST_SETTINGS);
const { openRegistry } = await import(entry);
const reg = openRegistry(uri, options);
const events = await Promise.all(Array.from({ length: count }, (_, i) =>
  reg.setAlias("spam", "production", { project: "spam", key: "SPAM", stage: "TRAINED", version: 1 + (i % 2) }, { by: by + "#" + i })));
process.stdout.write(JSON.stringify(events.map((e) => e.seq)) + "\\n");
`;

function run(script: string, settings: object): ChildProcess {
  return spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, MESH_TEST_SETTINGS: JSON.stringify(settings) },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs a racing publisher to completion; resolves with the version numbers it got. */
export function racePublisher(settings: ChildSettings, count: number): Promise<number[]> {
  const child = run(RACE, { ...settings, count });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as number[]);
      else reject(new Error(`publisher exited with ${code}: ${err}`));
    });
  });
}

/** Starts a publisher that streams `z.bin` from `fifo`; the caller feeds the FIFO and kills it. */
export function crashingPublisher(settings: ChildSettings, fifo: string): ChildProcess {
  return run(CRASH, { ...settings, fifo });
}

/** Runs a process that moves an alias `count` times concurrently; resolves with its event numbers. */
export function racePromoter(settings: ChildSettings, count: number, by: string): Promise<number[]> {
  const child = run(PROMOTE, { ...settings, count, by });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as number[]);
      else reject(new Error(`promoter exited with ${code}: ${err}`));
    });
  });
}
