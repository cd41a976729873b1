/**
 * `mesh images bootstrap` and `mesh build` against a real Docker engine, offline: the spam
 * serve image with a small model, inspected for user and labels, skipped when unchanged, held
 * to its size budget, with a failing build step and a missing engine reported in one sentence.
 *
 * Skips only when no engine answers AND CI is not set; in CI a missing engine fails the suite.
 * Every image it makes carries a prefix unique to the run and is removed at the end; the
 * bootstrapped base stays (like the engine, it is the machine's setup, and other suites use it).
 */
import { chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "../../../generators/support/image-layout.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { dockerAnswers, ensureDist, makeWorkspace, mesh, type Workspace } from "../../support/images/docker-support.js";
import { projectIR } from "../../support/images/support.js";

const reachable = await dockerAnswers();

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const p of readdirSync(dir, { recursive: true })) chownSync(join(dir, String(p)), uid, gid);
}
const inCi = Boolean(process.env.CI) && process.env.CI !== "false";

describe.skipIf(!reachable && !inCi)("mesh build with Docker", () => {
  let ws: Workspace;
  let docker: Docker;
  const files = mkdtempSync(join(tmpdir(), "mesh-images-models-"));
  const model = join(files, "model.onnx");
  const base = "node:20-bookworm-slim";

  beforeAll(async () => {
    // In CI a missing engine is a failure, not a skip.
    expect(reachable, "no Docker engine answers (CI=true): .ci/run must start dockerd").toBe(true);
    ensureDist();
    docker = new Docker();
    ws = makeWorkspace();
    writeFileSync(model, buildDenseModel({ sizes: [4096, 2], seed: 7 }));
  }, 240_000);

  afterAll(async () => {
    await ws?.cleanup();
    rmSync(files, { recursive: true, force: true });
  }, 120_000);

  it("bootstrap makes the base image offline, and a second run leaves it alone", async () => {
    const first = await mesh(ws.root, ["images", "bootstrap"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${base} (imported|up to date|present) \\(`));
    const info = await docker.getImage(base).inspect();
    expect(info.Os).toBe("linux");
    const again = await mesh(ws.root, ["images", "bootstrap"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/(up to date|present)/);
  }, 120_000);

  it("builds the spam serve image: non-root, labelled, healthcheck on the ready route, within budget", async () => {
    const r = await mesh(ws.root, ["build", "spam", "--step", "serve", "--model", model]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[\d+\/\d+\] COPY serve\/ \/app\/serve\/ +(done|cached) \(\d+\.\ds\)/);
    const ref = `${ws.prefix}/spam-serve:latest`;
    expect(r.stdout).toMatch(new RegExp(`${ws.prefix}/spam-serve:[0-9a-f]{12} built \\(`));
    const info = await docker.getImage(ref).inspect();
    expect(info.Config.User).toBe("10001:10001");
    const labels = info.Config.Labels ?? {};
    const ir = await projectIR("spam", ws.root);
    expect(labels[LABELS.specHash]).toBe(ir.specHash);
    expect(labels[LABELS.title]).toBe("spam-serve");
    expect(labels[LABELS.meshVersion]).toBe(ir.meshVersion);
    expect(labels[LABELS.modelVersion]).toMatch(/^file:model\.onnx@[0-9a-f]{12}$/);
    expect(labels[LABELS.contentHash]).toMatch(/^[0-9a-f]{64}$/);
    expect(labels[LABELS.version]).toBe(labels[LABELS.contentHash]!.slice(0, 12));
    expect(info.RepoTags).toContain(`${ws.prefix}/spam-serve:${labels[LABELS.contentHash]!.slice(0, 12)}`);
    expect((info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test?.join(" ")).toContain("/spam/v1/ready");
    expect(info.Config.ExposedPorts).toHaveProperty("8000/tcp");
    expect(info.Size / 1e6).toBeLessThanOrEqual(ir.serve.image.maxMb);
    // The check stage ran as the non-root user and left its record.
    const history = await docker.getImage(ref).history();
    expect(history.some((h: { CreatedBy: string }) => h.CreatedBy.includes(".mesh-check.json"))).toBe(true);
  }, 240_000);

  it("a second build with no change is skipped", async () => {
    const before = await docker.getImage(`${ws.prefix}/spam-serve:latest`).inspect();
    const r = await mesh(ws.root, ["build", "spam", "--step", "serve", "--model", model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spam-serve:[0-9a-f]{12} up to date/);
    expect(r.stdout).not.toMatch(/building/);
    expect((await docker.getImage(`${ws.prefix}/spam-serve:latest`).inspect()).Id).toBe(before.Id);
  }, 120_000);

  it("an image over serve.image.max_mb fails and says by how much", async () => {
    ws.setSpec((y) => y.replace("image: { max_mb: 250 }", "image: { max_mb: 5 }"));
    try {
      const r = await mesh(ws.root, ["build", "spam", "--step", "serve", "--model", model]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mesh build: the spam serve image is \d+(\.\d)? MB, \d+(\.\d)? MB over its budget of 5 MB \(serve\.image\.max_mb\)\n$/);
      const [, size, over] = /is ([\d.]+) MB, ([\d.]+) MB over/.exec(r.stderr)!;
      expect(Number(over)).toBeCloseTo(Number(size) - 5, 0);
    } finally {
      ws.setSpec((y) => y);
    }
  }, 240_000);

  it("a failing build step names the step and shows the tail of its log", async () => {
    const bad = join(files, "broken.onnx");
    writeFileSync(bad, "this is not an onnx model");
    const r = await mesh(ws.root, ["build", "spam", "--step", "serve", "--model", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mesh build: step \d+\/\d+ \(RUN \["node","-e",.*\) failed: the command exited with code 1\n/);
    expect(r.stderr).toMatch(/ {2}\| mesh image check failed: /);
  }, 240_000);

  it("a lifecycle image runs its step as uid 10001 against a mounted file registry", async () => {
    // Ingest on the host (fast), then the register step in its image, as the non-root user.
    const registry = join(files, "registry");
    const ingested = await mesh(ws.root, ["run", "spam", "--only", "ingest", "--registry", `file://${registry}`]);
    expect(ingested.code, ingested.stderr).toBe(0);
    chownTree(registry, 10001, 10001);
    const built = await mesh(ws.root, ["build", "spam", "--step", "register"]);
    expect(built.code, built.stderr).toBe(0);
    const container = await docker.createContainer({ Image: `${ws.prefix}/spam-register:latest`, HostConfig: { Binds: [`${registry}:/var/lib/mesh/registry`] } });
    try {
      await container.start();
      const done = (await container.wait()) as { StatusCode: number };
      const logs = (await container.logs({ stdout: true, stderr: true })).toString();
      expect(done.StatusCode, logs).toBe(0);
      expect(logs).toMatch(/register +done in .*spam-assassin-1: 6046 rows/);
      // The dataset version it published belongs to the non-root user.
      const dataset = join(registry, "spam/datasets/spam-assassin");
      const owners = readdirSync(dataset, { recursive: true }).map((p) => statSync(join(dataset, String(p))).uid);
      expect(owners.length).toBeGreaterThan(0);
      expect(new Set(owners)).toEqual(new Set([10001]));
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }, 240_000);

  it("an unreachable engine is one sentence and exit 1", async () => {
    const dead = join(files, "no-docker.sock");
    for (const args of [
      ["build", "spam"],
      ["images", "bootstrap"],
    ]) {
      const r = await mesh(ws.root, args, { DOCKER_HOST: `unix://${dead}` });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`no Docker engine answers at unix://${dead}: start one .*dockerd.* or point DOCKER_HOST at a running engine`));
    }
  }, 60_000);

  it("an unknown step is one sentence and exit 1", async () => {
    const r = await mesh(ws.root, ["build", "spam", "--step", "deploy"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mesh build: spam has no step "deploy" (its steps: ingest, register, train, compile, serve)\n');
  }, 60_000);
});
