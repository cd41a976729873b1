/**
 * Autoscaling on the server's queue (spec `serve.autoscale.signal: queue`): a KEDA ScaledObject
 * whose Prometheus trigger holds the rows waiting in the batch queues (mesh_queue_rows) at
 * `queue_rows` per replica, with CPU folded in as a second trigger. KEDA creates and owns its
 * own HorizontalPodAutoscaler from these triggers, so the CPU HPA of the base is not emitted
 * beside it (two autoscalers on one workload fight over its replica count).
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES, labels } from "./names.js";
import { TARGET_CPU_UTILIZATION, autoscaleBounds } from "./policy.js";
import { queueRowsQuery } from "./promql.js";
import { scaleTarget } from "./rollout.js";
import type { Obj } from "./security.js";

export const KEDA_API = "keda.sh/v1alpha1";

export const usesKeda = (ir: ProjectIR): boolean => ir.serve.autoscale.signal === "queue";

export function scaledObject(ir: ProjectIR): Obj {
  const { min, max } = autoscaleBounds(ir.serve.replicas, ir.serve.autoscale.maxReplicas);
  return {
    apiVersion: KEDA_API,
    kind: "ScaledObject",
    metadata: { name: NAMES.serve(ir), labels: labels(ir, "serve") },
    spec: {
      scaleTargetRef: scaleTarget(ir),
      minReplicaCount: min,
      maxReplicaCount: max,
      // A queue forms within seconds of a burst: look every 10 s; scale in only after 5 quiet minutes.
      pollingInterval: 10,
      cooldownPeriod: 300,
      triggers: [
        {
          type: "prometheus",
          name: "queue-rows",
          // AverageValue: KEDA divides the sum by the replica count, so the threshold is per replica.
          metricType: "AverageValue",
          metadata: { serverAddress: ir.serve.prometheus, query: queueRowsQuery(ir), threshold: String(ir.serve.autoscale.queueRows) },
        },
        { type: "cpu", name: "cpu", metricType: "Utilization", metadata: { value: String(TARGET_CPU_UTILIZATION) } },
      ],
    },
  };
}
