/**
 * The Neuron inference variant (projects with a `kind: neuron` compile target): the generated
 * Python server (`serve-neuron/`) on an Inferentia/Trainium node — one Neuron device requested
 * through the AWS device plugin, scheduled only on instances of the target's family, tolerating
 * the taint such node groups carry. Same port, routes and drain timing as the ONNX server.
 * Its own kustomization (`k8s/neuron/`), so the base never needs a Neuron node; its settings
 * come from its own ConfigMap (./neuron-env.ts), patched per environment by `overlays/<env>/neuron/`.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { BASE_TAG, NAMES, labels, selector } from "./names.js";
import { NEURON, PRESTOP_SLEEP_S, terminationGraceSeconds } from "./policy.js";
import { HTTP_PORT_NAME, SERVE_CONTAINER, liveRoute, readyRoute } from "./serve.js";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IService } from "kubernetes-models/v1/Service";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.js";

/** Instance sizes of each Neuron family (the well-known instance-type node label). */
export const NEURON_INSTANCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  inf1: ["inf1.xlarge", "inf1.2xlarge", "inf1.6xlarge", "inf1.24xlarge"],
  inf2: ["inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge"],
  trn1: ["trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge"],
};

export const neuronServeRepository = (ir: ProjectIR): string => ir.images.neuron.serve;

/** The first Neuron target's instance family, or undefined. */
export function neuronInstance(ir: ProjectIR): string | undefined {
  const t = ir.compile?.targets.find((x) => x.kind === "neuron");
  return t?.kind === "neuron" ? t.instance : undefined;
}

/** Replicas of the Neuron Deployment for a replica count of the spec (at least one), base and overlays alike. */
export const neuronReplicas = (replicas: number): number => Math.max(1, replicas);

export function neuronDeployment(ir: ProjectIR, instance: string): IDeployment {
  const get = (path: string) => ({ httpGet: { path, port: HTTP_PORT_NAME } });
  const { cpu, memory } = ir.serve.resources;
  const component = "serve-neuron";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAMES.neuronServe(ir), labels: labels(ir, component) },
    spec: {
      replicas: neuronReplicas(ir.serve.replicas),
      selector: { matchLabels: selector(ir, component) },
      template: {
        metadata: { labels: labels(ir, component) },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(ir),
          securityContext: podSecurityContext(),
          nodeSelector: { "kubernetes.io/os": "linux" },
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: NEURON.instanceLabel, operator: "In", values: [...(NEURON_INSTANCE_TYPES[instance] ?? [])] }] }],
              },
            },
          },
          tolerations: [{ key: NEURON.taintKey, operator: "Exists", effect: "NoSchedule" }],
          containers: [
            {
              name: SERVE_CONTAINER,
              image: `${neuronServeRepository(ir)}:${BASE_TAG}`,
              ports: [{ name: HTTP_PORT_NAME, containerPort: ir.serve.containerPort, protocol: "TCP" }],
              envFrom: [{ configMapRef: { name: NAMES.neuronServeConfig(ir) } }],
              resources: { requests: { cpu, memory, [NEURON.resource]: "1" }, limits: { memory, [NEURON.resource]: "1" } },
              startupProbe: { ...get(liveRoute(ir)), periodSeconds: 5, failureThreshold: 120 },
              livenessProbe: { ...get(liveRoute(ir)), periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { ...get(readyRoute(ir)), periodSeconds: 5, failureThreshold: 2 },
              // The Neuron image is Python: the same pause, in Python.
              lifecycle: { preStop: { exec: { command: ["python3", "-c", `import time; time.sleep(${PRESTOP_SLEEP_S})`] } } },
              securityContext: containerSecurityContext(),
              volumeMounts: [tmpMount()],
            },
          ],
          volumes: [tmpVolume("2Gi")],
        },
      },
    },
  };
}

export function neuronService(ir: ProjectIR): IService {
  const component = "serve-neuron";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: NAMES.neuronServe(ir), labels: labels(ir, component) },
    spec: { type: "ClusterIP", selector: selector(ir, component), ports: [{ name: HTTP_PORT_NAME, port: ir.serve.containerPort, targetPort: HTTP_PORT_NAME, protocol: "TCP" }] },
  };
}
