/**
 * One serve port per project, the same in every artifact: the Dockerfile's EXPOSE and
 * MESH_PORT, the generated server's default, compose's container side and health check, the
 * Makefile's `docker run -p`, the k8s containerPort / ConfigMap / Service (and the Neuron
 * Deployment), all equal `containerPort`; the host side (compose, Makefile PORT, README) is the
 * environment's `hostPort`. Regression: compose and k8s ran every server on 8000 while the
 * image EXPOSEd the spec's port (out/colors: 8002).
 */
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { nodeHost } from "../../compiler/host.js";
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { compileWorkspace } from "../../compiler/pipeline.js";
import { generateProject } from "../../generators/index.js";
import { appIR, REPO_ROOT } from "../support/generators/fixtures.js";

const compiled = await compileWorkspace(nodeHost(REPO_ROOT));
const examples = compiled.value ?? [];
const spam = examples.find((ir) => ir.name === "spam");
if (!spam) throw new Error("projects/spam does not compile");
const cases: ProjectIR[] = [...examples, appIR(spam)];

const fileOf = (files: readonly GeneratedFile[], path: string): string => {
  const f = files.find((g) => g.path === path);
  if (!f) throw new Error(`no ${path} among ${files.map((g) => g.path).join(", ")}`);
  return f.contents;
};
const docs = (text: string): any[] =>
  text
    .split(/^---$/m)
    .map((d) => parse(d))
    .filter(Boolean);
const all = (text: string, re: RegExp): number[] => [...text.matchAll(re)].map((m) => Number(m[1]));

test("every example compiles (the port checks below cover each one)", () => {
  expect(examples.map((ir) => ir.name).sort()).toEqual(["colors", "iris", "keywords", "ner", "sentiment", "spam"]);
  // The examples use different ports, so a hard-coded port anywhere cannot pass for all of them.
  expect(new Set(examples.map((ir) => ir.serve.containerPort)).size).toBeGreaterThan(2);
});

describe.each(cases.map((ir) => [ir.name, ir] as const))("%s", (_name, ir) => {
  const files = generateProject(ir);
  const port = ir.serve.containerPort;
  const dev = ir.environments.find((e) => e.name === "dev")!;

  test("the serve image listens where it EXPOSEs, and so does its health check", () => {
    const dockerfile = fileOf(files, "serve/Dockerfile");
    expect(all(dockerfile, /^EXPOSE (\d+)$/gm)).toEqual([port]);
    expect(all(dockerfile, /MESH_PORT="(\d+)"/g)).toEqual([port]);
    expect(all(dockerfile, /MESH_PORT\|\|(\d+)/g)).toEqual([port]);
  });

  test("the generated server's default port is the container port", () => {
    expect(all(fileOf(files, "serve/main.ts"), /^\s*port: (\d+),$/gm)).toEqual([port]);
  });

  test("compose publishes the environment's host port onto the container port and probes the container port", () => {
    const compose = parse(fileOf(files, "compose.yaml"));
    for (const [name, service] of Object.entries<any>(compose.services)) {
      if (!name.startsWith("serve")) continue;
      const env = ir.environments.find((e) => e.name === service.profiles[0])!;
      expect(service.ports).toEqual([`127.0.0.1:${env.serve.hostPort}:${port}`]);
      expect(service.healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${port}/`);
      // The image already listens there: nothing re-declares the port with another value.
      expect(service.environment?.MESH_PORT ?? String(port)).toBe(String(port));
    }
  });

  test("the Makefile maps $(PORT) (default: the host port) onto the container port", () => {
    const makefile = fileOf(files, "Makefile");
    expect(all(makefile, /^PORT \?= (\d+)$/gm)).toEqual([dev.serve.hostPort]);
    expect(all(makefile, /-p "127\.0\.0\.1:\$\$PORT:(\d+)"/g)).toEqual([port]);
    expect(makefile).not.toMatch(/MESH_PORT=(?!\$)/);
  });

  test("k8s: the Deployment, its ConfigMap and the Service agree on the container port", () => {
    const deployment = docs(fileOf(files, "k8s/base/deployment.yaml"))[0];
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ name: "http", containerPort: port, protocol: "TCP" }]);
    expect(docs(fileOf(files, "k8s/base/configmap.yaml"))[0].data.MESH_PORT).toBe(String(port));
    const service = docs(fileOf(files, "k8s/base/service.yaml"))[0];
    expect(service.spec.ports).toEqual([{ name: "http", port, targetPort: "http", protocol: "TCP" }]);
    const neuron = files.find((f) => f.path === "k8s/neuron/deployment.yaml");
    if (neuron) {
      const c = docs(neuron.contents)[0].spec.template.spec.containers[0];
      expect(c.ports[0].containerPort).toBe(port);
      // Its settings come from its own ConfigMap (envFrom), which must name the same port.
      const config = docs(fileOf(files, "k8s/neuron/configmap.yaml"))[0];
      expect(c.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }]);
      expect(config.data.MESH_PORT).toBe(String(port));
    }
  });

  test("the README's commands reach the host port", () => {
    const readme = fileOf(files, "README.md");
    const urls = all(readme, /127\.0\.0\.1:(\d+)/g);
    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls)).toEqual(new Set([dev.serve.hostPort]));
  });
});

test("an environment's serve.port moves only the host side", () => {
  const base = appIR(spam);
  const moved: ProjectIR = { ...base, environments: base.environments.map((e) => (e.name === "ci" ? { ...e, serve: { ...e.serve, hostPort: 9100 } } : e)) };
  const compose = parse(fileOf(generateProject(moved), "compose.yaml"));
  expect(compose.services["serve-ci"].ports).toEqual([`127.0.0.1:9100:${base.serve.containerPort}`]);
  expect(compose.services.serve.ports).toEqual([`127.0.0.1:${base.serve.hostPort}:${base.serve.containerPort}`]);
});
