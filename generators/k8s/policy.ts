/**
 * Operational choices of the generated manifests that the spec does not (yet) state, with the
 * reason for each. They are the same for every project; a spec field would move them to
 * compiler/lower/defaults.ts.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import type { LifecycleStep } from "./names.js";

/**
 * Seconds the preStop hook sleeps before the kubelet sends SIGTERM: the time endpoint
 * controllers and kube-proxy/ingress need to stop routing new requests to the pod, so the
 * server's drain only sees requests that were already in flight.
 */
export const PRESTOP_SLEEP_S = 5;

/** Margin after the drain deadline for closing the listener and flushing logs. */
export const DRAIN_MARGIN_S = 5;

/** The server's drain deadline in whole seconds (MESH_DRAIN_MS, rounded up). */
export const drainSeconds = (ir: ProjectIR): number => Math.ceil(ir.serve.drainMs / 1000);

/**
 * terminationGracePeriodSeconds: the preStop sleep and the drain both run inside it, so it must
 * exceed their sum or the kubelet kills the server mid-drain.
 */
export const terminationGraceSeconds = (ir: ProjectIR): number => PRESTOP_SLEEP_S + drainSeconds(ir) + DRAIN_MARGIN_S;

/**
 * Autoscaler bounds from the spec's replicas: room to absorb 4× the planned load, unless the
 * spec's `serve.autoscale.max_replicas` sets the upper bound itself.
 */
export function autoscaleBounds(replicas: number, maxReplicas?: number): { min: number; max: number } {
  const min = Math.max(1, replicas);
  return { min, max: maxReplicas ?? Math.max(min * 4, min + 1) };
}

/** CPU utilisation (of the request) the autoscaler holds. */
export const TARGET_CPU_UTILIZATION = 70;

/** Per step: retries of a failed pod, the wall-clock deadline, and how long a finished Job stays. */
export const JOB_POLICY: Readonly<Record<LifecycleStep, { backoffLimit: number; deadlineS: number }>> = {
  // Downloads from the network: a transient failure deserves more attempts.
  ingest: { backoffLimit: 3, deadlineS: 3600 },
  register: { backoffLimit: 2, deadlineS: 3600 },
  train: { backoffLimit: 1, deadlineS: 6 * 3600 },
  compile: { backoffLimit: 1, deadlineS: 2 * 3600 },
};
export const JOB_TTL_S = 24 * 3600;

/**
 * Startup probe budget (period × failures): a baked model loads in seconds; a downloaded one
 * first travels from the registry, so it gets ten minutes before the kubelet restarts it.
 */
export function startupBudget(ir: ProjectIR): { periodS: number; failures: number } {
  return ir.serve.image.model === "download" ? { periodS: 5, failures: 120 } : { periodS: 1, failures: 60 };
}

/** Size of the writable /tmp (emptyDir): room for a downloaded model beside logs and temp files. */
export function tmpSizeLimit(ir: ProjectIR, step: "serve" | LifecycleStep): string {
  if (step === "serve") return ir.serve.image.model === "download" ? "2Gi" : "256Mi";
  return "4Gi";
}

/** Node selection of Neuron workloads (AWS publishes the device plugin resource and this label). */
export const NEURON = {
  resource: "aws.amazon.com/neuron",
  instanceLabel: "node.kubernetes.io/instance-type",
  taintKey: "aws.amazon.com/neuron",
} as const;
