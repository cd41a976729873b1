/**
 * `--port` and `--host` are parsed by one module (compiler/cli/options.ts), so every command
 * that listens refuses the same bad values the same way: exit 2 and the option named, before
 * anything starts.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const MESH = join(import.meta.dirname, "..", "..", "..", "bin", "mesh.js");
const mesh = (...args: string[]) => spawnSync(process.execPath, [MESH, ...args], { encoding: "utf8", timeout: 30_000 });

describe("shared --port / --host parsing", () => {
  test.each([
    ["serve", "spam", "--port", "1e3"],
    ["run", "spam", "--port", "70000"],
    ["dev", "spam", "--port", "-1"],
    ["registry", "ui", "--port", "80.5"],
  ])("mesh %s %s %s %s is refused with the option named", (...args) => {
    const r = mesh(...args);
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining(`option '--port <port>' argument '${args[3]}' is invalid. expected a port from 0 to 65535`)]);
  });

  test.each([["serve"], ["dev"]])("mesh %s refuses a host that is neither an IP nor a DNS name", (command) => {
    const r = mesh(command, "spam", "--host", "127.0.0.1;id");
    expect([r.status, r.stderr]).toEqual([2, expect.stringContaining("expected an IP address or host name")]);
  });
});
