/**
 * The serving objects of the base: ServiceAccount, ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget, as plain data.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES, imageRef, labels, selector } from "./names.js";
import { TARGET_CPU_UTILIZATION, autoscaleBounds, startupBudget, terminationGraceSeconds, tmpSizeLimit, PRESTOP_SLEEP_S } from "./policy.js";
import { awsEnv, awsSecretEnvFrom, baseRegistry, isFileRegistry, registryMount, registryVolume } from "./registry.js";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.js";
import { serveEnvData } from "./serve-env.js";
import { isCanary, scaleTarget } from "./rollout.js";

export const SERVE_CONTAINER = "serve";
export const HTTP_PORT_NAME = "http";

const meta = (ir: ProjectIR, name: string): IObjectMeta => ({ name, labels: labels(ir, "serve") });

export const liveRoute = (ir: ProjectIR) => `${ir.serve.api.basePath}/live`;
export const readyRoute = (ir: ProjectIR) => `${ir.serve.api.basePath}/ready`;

export function serveServiceAccount(ir: ProjectIR): IServiceAccount {
  // The server never talks to the API server: no token in the pod.
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(ir, NAMES.serveAccount(ir)), automountServiceAccountToken: false };
}

export function serveConfigMap(ir: ProjectIR): IConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(ir, NAMES.serveConfig(ir)), data: serveEnvData(ir) };
}

/** The node one-liner the preStop hook runs: the image has no shell and no sleep binary. */
export const preStopSleep = (seconds: number): string[] => ["node", "-e", `setTimeout(() => {}, ${seconds * 1000})`];

function probes(ir: ProjectIR): Pick<IContainer, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  const get = (path: string) => ({ httpGet: { path, port: HTTP_PORT_NAME } });
  const startup = startupBudget(ir);
  return {
    startupProbe: { ...get(liveRoute(ir)), periodSeconds: startup.periodS, failureThreshold: startup.failures, timeoutSeconds: 2 },
    livenessProbe: { ...get(liveRoute(ir)), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
    // Ready only after the model loaded and a warm-up inference passed; 503 while draining.
    // Every second: the probe period is added to every pod's cold start (a server is ready in
    // well under a second), which is what an autoscaler's reaction time is made of.
    readinessProbe: { ...get(readyRoute(ir)), periodSeconds: 1, failureThreshold: 2, successThreshold: 1, timeoutSeconds: 1 },
  };
}

export function serveContainer(ir: ProjectIR): IContainer {
  const download = ir.serve.image.model === "download";
  const fileRegistry = download && isFileRegistry(baseRegistry(ir));
  const { cpu, memory } = ir.serve.resources;
  return {
    name: SERVE_CONTAINER,
    image: imageRef(ir, "serve"),
    // No command or workingDir: the image's own (a download-mode image runs from /tmp, where the
    // model cache goes — the emptyDir below keeps that writable under a read-only root).
    ports: [{ name: HTTP_PORT_NAME, containerPort: ir.serve.containerPort, protocol: "TCP" }],
    envFrom: [{ configMapRef: { name: NAMES.serveConfig(ir) } }, ...(download ? [awsSecretEnvFrom(ir)] : [])],
    ...(download ? { env: awsEnv(ir) } : {}),
    resources: { requests: { cpu, memory }, limits: { cpu, memory } },
    ...probes(ir),
    lifecycle: { preStop: { exec: { command: preStopSleep(PRESTOP_SLEEP_S) } } },
    securityContext: containerSecurityContext(),
    volumeMounts: [tmpMount(), ...(fileRegistry ? [registryMount(true)] : [])],
  };
}

export function serveDeployment(ir: ProjectIR): IDeployment {
  const download = ir.serve.image.model === "download";
  const fileRegistry = download && isFileRegistry(baseRegistry(ir));
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(ir, NAMES.serve(ir)),
    spec: {
      // No `replicas` while the autoscaler owns the count (re-applying would reset it). A canary
      // Rollout runs the pods from this template, so the Deployment itself runs none.
      ...(ir.serve.replicas === 0 || isCanary(ir) ? { replicas: 0 } : {}),
      selector: { matchLabels: selector(ir, "serve") },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: { labels: labels(ir, "serve") },
        spec: {
          serviceAccountName: NAMES.serveAccount(ir),
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(ir),
          securityContext: podSecurityContext(),
          containers: [serveContainer(ir)],
          volumes: [tmpVolume(tmpSizeLimit(ir, "serve")), ...(fileRegistry ? [registryVolume(ir)] : [])],
        },
      },
    },
  };
}

export function serveService(ir: ProjectIR): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(ir, NAMES.serve(ir)),
    spec: { type: "ClusterIP", selector: selector(ir, "serve"), ports: [{ name: HTTP_PORT_NAME, port: ir.serve.containerPort, targetPort: HTTP_PORT_NAME, protocol: "TCP" }] },
  };
}

export function serveAutoscaler(ir: ProjectIR, replicas = ir.serve.replicas): IHorizontalPodAutoscaler {
  const { min, max } = autoscaleBounds(replicas, ir.serve.autoscale.maxReplicas);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(ir, NAMES.serve(ir)),
    spec: {
      scaleTargetRef: scaleTarget(ir),
      minReplicas: min,
      maxReplicas: max,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: TARGET_CPU_UTILIZATION } } }],
    },
  };
}

export function serveDisruptionBudget(ir: ProjectIR): IPodDisruptionBudget {
  // maxUnavailable rather than minAvailable: with one replica, minAvailable 1 would block node drains forever.
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta(ir, NAMES.serve(ir)), spec: { maxUnavailable: 1, selector: { matchLabels: selector(ir, "serve") } } };
}
