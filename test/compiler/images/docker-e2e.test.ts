/**
 * End to end, offline: generate → train and compile locally into a temporary registry → build
 * the serve image from the registry's newest version → run it on 127.0.0.1 → it answers like
 * the local server (the generated out/spam/serve/main.js on the same model) → SIGTERM → exit 0
 * within the drain deadline. Also: a taken port is one clear sentence. Everything it makes
 * (containers, images with the run's prefix, the workspace) is removed at the end.
 *
 * Skips only when no engine answers AND CI is not set; in CI a missing engine fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServeContainer, waitReady, type RunningContainer } from "../../../compiler/images/run-container.js";
import { LABELS } from "../../../generators/support/image-layout.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { dockerAnswers, ensureDist, freePort, listen, makeWorkspace, mesh, type Workspace } from "../../support/images/docker-support.js";
import { projectIR } from "../../support/images/support.js";

const reachable = await dockerAnswers();
const inCi = Boolean(process.env.CI) && process.env.CI !== "false";

describe.skipIf(!reachable && !inCi)("serve image end to end", () => {
  let ws: Workspace;
  let docker: Docker;
  let container: RunningContainer | undefined;
  let local: ChildProcess | undefined;
  let registry: string;

  beforeAll(async () => {
    expect(reachable, "no Docker engine answers (CI=true): .ci/run must start dockerd").toBe(true);
    ensureDist();
    docker = new Docker();
    ws = makeWorkspace();
    registry = `file://${join(ws.root, "registry")}`;
    const boot = await mesh(ws.root, ["images", "bootstrap"]);
    expect(boot.code, boot.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await container?.remove();
    if (local?.pid !== undefined && local.exitCode === null) local.kill("SIGKILL");
    await ws?.cleanup();
  }, 120_000);

  it("generate → train → compile → build → run: same answers as the local server, clean SIGTERM", async () => {
    const generated = await mesh(ws.root, ["generate"]);
    expect(generated.code, generated.stderr).toBe(0);

    const trained = await mesh(ws.root, ["run", "spam", "--no-serve", "--registry", registry]);
    expect(trained.code, trained.stderr).toBe(0);

    const built = await mesh(ws.root, ["build", "spam", "--step", "serve", "--registry", registry]);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain("serve model: SPAM-COMPILED-1");
    const image = `${ws.prefix}/spam-serve:latest`;
    expect((await docker.getImage(image).inspect()).Config.Labels?.[LABELS.modelVersion]).toBe("SPAM-COMPILED-1");

    // The local server: the generated entry point on the same registry version.
    const reg = openRegistry(registry);
    const ref = { project: "spam", key: "SPAM", stage: "COMPILED" as const, version: 1 };
    const modelDir = await reg.downloadModel(ref, join(ws.root, "local-model"));
    const localPort = await freePort();
    local = spawn(process.execPath, [join(ws.root, "out/spam/serve/main.js")], {
      cwd: ws.root,
      env: { PATH: process.env.PATH, MESH_HOST: "127.0.0.1", MESH_PORT: String(localPort), MESH_MODEL_PATH: join(modelDir, "model.onnx"), MESH_LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    const port = await freePort();
    container = await runServeContainer(docker, image, port);
    await waitReady(`http://127.0.0.1:${port}/spam/v1/ready`);
    await waitReady(`http://127.0.0.1:${localPort}/spam/v1/ready`);

    // Non-root inside: the server process runs as uid 10001.
    const top = (await docker.getContainer(container.id).top({ ps_args: "-o pid,uid,comm" })) as { Titles: string[]; Processes: string[][] };
    const uid = top.Titles.indexOf("UID");
    expect(top.Processes.length).toBeGreaterThan(0);
    expect(top.Processes.map((p) => p[uid])).toEqual(top.Processes.map(() => "10001"));

    const ir = await projectIR("spam", ws.root);
    const bodies = [
      ...ir.serve.examples.map((e) => ({ data: { namespace: "spam", attributes: e.attributes, parameters: e.parameters } })),
      { data: { namespace: "spam", attributes: { text: ir.serve.examples.map((e) => String(e.attributes.text)) }, parameters: { threshold: 0.9 } } },
      { data: { namespace: "spam", attributes: { txt: "wrong field" } } },
    ];
    for (const body of bodies) {
      const ask = async (p: number) => {
        const r = await fetch(`http://127.0.0.1:${p}/spam/v1/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        return { status: r.status, json: (await r.json()) as unknown };
      };
      const [inImage, onHost] = await Promise.all([ask(port), ask(localPort)]);
      expect(inImage).toEqual(onHost);
    }
    for (const e of ir.serve.examples) {
      const r = await fetch(`http://127.0.0.1:${port}/spam/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { namespace: "spam", attributes: e.attributes } }),
      });
      expect(((await r.json()) as { data: { attributes: Record<string, unknown> } }).data.attributes).toMatchObject(e.expect);
    }

    const stopped = await container.stop(ir.serve.drainMs + 10_000);
    expect(stopped.exitCode).toBe(0);
    expect(stopped.ms).toBeLessThan(ir.serve.drainMs + 5_000);
    await container.remove();
    local.kill("SIGTERM");
  }, 300_000);

  it("download mode: the image carries no model and serves the registry's newest version, mounted read-only", async () => {
    ws.setSpec((y) => y.replace("image: { max_mb: 250 }", "image: { max_mb: 250, model: download }"));
    try {
      const built = await mesh(ws.root, ["build", "spam", "--step", "serve"]);
      expect(built.code, built.stderr).toBe(0);
      expect(built.stdout).not.toContain("serve model:");
      const image = `${ws.prefix}/spam-serve:latest`;
      const info = await docker.getImage(image).inspect();
      expect(info.Config.Labels?.[LABELS.modelVersion]).toBe("download");
      expect(info.Config.Env).toContain("MESH_MODEL_REF=latest");
      const port = await freePort();
      container = await runServeContainer(docker, image, port, { binds: [`${join(ws.root, "registry")}:/var/lib/mesh/registry:ro`] });
      await waitReady(`http://127.0.0.1:${port}/spam/v1/ready`);
      const ir = await projectIR("spam", ws.root);
      const example = ir.serve.examples[0]!;
      const r = await fetch(`http://127.0.0.1:${port}/spam/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data: { namespace: "spam", attributes: example.attributes } }),
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: { attributes: Record<string, unknown> } }).data.attributes).toMatchObject(example.expect);
      const stopped = await container.stop(ir.serve.drainMs + 10_000);
      expect(stopped.exitCode).toBe(0);
    } finally {
      await container?.remove();
      ws.setSpec((y) => y);
    }
  }, 240_000);

  it("a port already in use on 127.0.0.1 is one clear sentence", async () => {
    const held = await listen(0);
    const port = (held.address() as { port: number }).port;
    try {
      await expect(runServeContainer(docker, `${ws.prefix}/spam-serve:latest`, port)).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use: stop what listens there or pick another port`);
    } finally {
      await new Promise((r) => held.close(r));
    }
  }, 60_000);
});
