/**
 * The manifests agree with what they deploy: probe paths are routes the generated server
 * documents (OpenAPI), the port and the drain deadline are the server's, the ConfigMap is a
 * configuration the server accepts, and image names/tags are those `mesh build` produces.
 */
import { describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { imageRepository } from "../../../compiler/images/build-step.js";
import { generateOpenapi } from "../../../generators/openapi/index.js";
import { stepDockerfile } from "../../../generators/dockerfile/step-image.js";
import { CONTAINER } from "../../../generators/support/image-layout.js";
import { loadConfig } from "../../../runtimes/serve/config.js";
import { EXAMPLES, byPath, exampleIr, k8sFiles, parseYaml } from "../../support/k8s/support.js";
import { withDownload, withPrefix } from "../../support/k8s/variants.js";

type Any = Record<string, any>;

const deployment = (ir: ProjectIR): Any => parseYaml(byPath(k8sFiles(ir), "k8s/base/deployment.yaml"));
const container = (ir: ProjectIR): Any => deployment(ir).spec.template.spec.containers[0];
const configMap = (ir: ProjectIR): Record<string, string> => parseYaml(byPath(k8sFiles(ir), "k8s/base/configmap.yaml")).data as Record<string, string>;

/** The serve image's ENV and CMD, read from the Dockerfile model `mesh build` builds. */
function serveImage(ir: ProjectIR): { env: Record<string, string>; cmd: string[]; workdir: string; uid: number } {
  const image = ir.stepImages.find((s) => s.step === "serve")!;
  const instructions = stepDockerfile(ir, image).stages[0]!.instructions;
  const env = Object.fromEntries(instructions.flatMap((i) => (i.kind === "env" ? i.vars : [])));
  const cmd = instructions.find((i) => i.kind === "cmd");
  const workdir = instructions.filter((i) => i.kind === "workdir").at(-1);
  const user = instructions.find((i) => i.kind === "user");
  return { env, cmd: cmd?.kind === "cmd" ? [...cmd.argv] : [], workdir: workdir?.kind === "workdir" ? workdir.path : "", uid: user?.kind === "user" ? user.uid : -1 };
}

describe.each(EXAMPLES)("%s", (name) => {
  test("probes hit the live and ready routes the generated server documents", async () => {
    const ir = await exampleIr(name);
    const openapi = JSON.parse(generateOpenapi(ir).find((f) => f.path === "openapi.json")!.contents) as { paths: Record<string, Any> };
    const c = container(ir);
    const live = c.livenessProbe.httpGet.path as string;
    const ready = c.readinessProbe.httpGet.path as string;
    expect(live).toBe(`${ir.serve.api.basePath}/live`);
    expect(ready).toBe(`${ir.serve.api.basePath}/ready`);
    expect(openapi.paths[live]?.get, live).toBeDefined();
    expect(openapi.paths[ready]?.get, ready).toBeDefined();
    expect(c.startupProbe.httpGet.path).toBe(live);
    for (const p of ["livenessProbe", "readinessProbe", "startupProbe"]) expect(c[p].httpGet.port).toBe("http");
  });

  test("the server accepts the ConfigMap with the image's environment, and listens on the container port", async () => {
    const ir = await exampleIr(name);
    const image = serveImage(ir);
    const loaded = loadConfig({ ...image.env, ...configMap(ir) });
    if (!loaded.ok) throw new Error(loaded.message);
    const port = container(ir).ports[0];
    expect(port).toEqual({ name: "http", containerPort: loaded.config.port, protocol: "TCP" });
    const svc = parseYaml(byPath(k8sFiles(ir), "k8s/base/service.yaml")) as Any;
    expect(svc.spec.ports[0].targetPort).toBe("http");
    expect(loaded.config.drainMs).toBe(ir.serve.drainMs);
    expect(loaded.config.maxRows).toBe(ir.serve.limits.maxRows);
    expect(loaded.config.queueRows).toBe(ir.serve.batching.queue);
  });

  test("the grace period covers the preStop pause plus the server's drain deadline", async () => {
    const ir = await exampleIr(name);
    const d = deployment(ir);
    const c = container(ir);
    const [cmd, flag, script] = c.lifecycle.preStop.exec.command as string[];
    expect([cmd, flag]).toEqual(["node", "-e"]);
    const pauseMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(script!)?.[1]);
    expect(pauseMs).toBeGreaterThan(0);
    expect(() => new Function(script!)).not.toThrow();
    const drainMs = Number(configMap(ir).MESH_DRAIN_MS);
    expect(drainMs).toBe(ir.serve.drainMs);
    expect(d.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(pauseMs + drainMs);
  });

  test("images are the repositories mesh build tags, with its :latest tag; the user is the image's", async () => {
    const ir = await exampleIr(name);
    const files = k8sFiles(ir);
    expect(container(ir).image).toBe(`${imageRepository(ir, "serve")}:latest`);
    for (const step of ir.steps.filter((s) => s !== "serve")) {
      const job = parseYaml(byPath(files, `k8s/jobs/job-${step}.yaml`)) as Any;
      expect(job.spec.template.spec.containers[0].image).toBe(`${imageRepository(ir, step)}:latest`);
      expect(job.spec.template.spec.securityContext.runAsUser).toBe(CONTAINER.uid);
    }
    expect(container(ir).securityContext.runAsUser).toBe(serveImage(ir).uid);
  });
});

test("with an images prefix the manifests name the prefixed repositories", async () => {
  const spam = await exampleIr("spam");
  const ir = withPrefix(spam, "123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh");
  expect(container(ir).image).toBe(`${imageRepository(ir, "serve")}:latest`);
  expect(container(ir).image).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh/spam-serve:latest");
});

describe("download mode (serve.image.model: download)", () => {
  test("the model comes from the registry at start: MESH_MODEL_REF, credentials by Secret, a writable working directory", async () => {
    const ir = withDownload(await exampleIr("spam"));
    const c = container(ir);
    const data = configMap(ir);
    expect(data.MESH_MODEL_REF).toBe("latest");
    expect(data.MESH_REGISTRY).toBe("s3://model-store-prod/mesh");
    expect(c.envFrom).toContainEqual({ secretRef: { name: "spam-aws", optional: true } });
    // The server caches the download under the image's working directory: the pod must keep it
    // writable (emptyDir) under the read-only root, and must not override the image's command.
    const image = serveImage(ir);
    expect(c.command).toBeUndefined();
    expect(c.workingDir).toBeUndefined();
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toContainEqual({ name: "tmp", mountPath: image.workdir });
    const loaded = loadConfig({ ...image.env, ...data });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.config.modelRef).toBe("latest");
    // A download takes longer than loading a baked file: the startup budget says so.
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  test("no credential value is ever written into a manifest", async () => {
    for (const ir of [withDownload(await exampleIr("spam")), await exampleIr("iris")]) {
      for (const f of k8sFiles(ir)) {
        expect(f.contents, f.path).not.toMatch(/AWS_(SECRET_ACCESS_KEY|ACCESS_KEY_ID|SESSION_TOKEN)/);
        expect(f.contents, f.path).not.toMatch(/kind: Secret\b/);
      }
    }
  });
});
