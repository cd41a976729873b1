/**
 * The PromQL the cluster objects run against the server's own `/metrics` (runtimes/serve/metrics.ts):
 * canary analysis, SLO alerts and the queue autoscaler read the same expressions. Series are
 * picked by the `service` label the prometheus-operator adds from the ServiceMonitor's
 * Service, and — for a canary — by the pod-template hash of the new version (copied onto every
 * series by the ServiceMonitor's podTargetLabels). test/generators/k8s scrapes a real server and checks
 * that every metric these queries name is exported.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES } from "./names.js";

/** The pod label Argo Rollouts puts on each version's pods, and its name on Prometheus series. */
export const ROLLOUT_HASH_LABEL = "rollouts-pod-template-hash";
export const ROLLOUT_HASH_SERIES_LABEL = ROLLOUT_HASH_LABEL.replaceAll("-", "_");

/** Window of the rates: long enough for a few scrapes (15 s) at low traffic. */
export const RATE_WINDOW = "2m";

/** A PromQL string literal (the values here are DNS labels and paths, but quote properly anyway). */
const str = (v: string) => JSON.stringify(v);

/** The routes that run the model (v1 predict, v2 infer): health, metrics and docs are not the SLO. */
export const inferenceRoutes = (ir: ProjectIR): string[] => [`${ir.serve.api.basePath}/predict`, `/v2/models/${ir.name}/infer`];

function selector(ir: ProjectIR, extra: readonly string[], version?: string): string {
  // Project names are DNS labels and the routes are made of them: no regex metacharacters.
  const routes = inferenceRoutes(ir).join("|");
  const parts = [`service=${str(NAMES.serve(ir))}`, ...(version !== undefined ? [`${ROLLOUT_HASH_SERIES_LABEL}=${str(version)}`] : []), `route=~${str(routes)}`, ...extra];
  return `{${parts.join(", ")}}`;
}

/**
 * Share of inference requests answered 5xx over the window. No traffic gives 0/0 = NaN (the
 * analysis counts NaN as a pass: a canary nobody called has not failed).
 */
export function errorRateQuery(ir: ProjectIR, version?: string): string {
  const total = `sum(rate(mesh_http_requests_total${selector(ir, [], version)}[${RATE_WINDOW}]))`;
  const failed = `sum(rate(mesh_http_requests_total${selector(ir, ['status=~"5.."'], version)}[${RATE_WINDOW}]))`;
  return `(${failed} or vector(0)) / (${total} or vector(0))`;
}

/** p99 latency of inference requests in seconds (NaN without traffic). */
export function p99Query(ir: ProjectIR, version?: string): string {
  return `histogram_quantile(0.99, sum by (le) (rate(mesh_http_request_duration_seconds_bucket${selector(ir, [], version)}[${RATE_WINDOW}])))`;
}

/** Rows waiting in the batch queues of all the project's pods (KEDA divides by replicas). */
export const queueRowsQuery = (ir: ProjectIR): string => `sum(mesh_queue_rows{service=${str(NAMES.serve(ir))}}) or vector(0)`;

/** Pods of the project that are ready (model loaded, warm-up passed, not draining). */
export const readyPodsQuery = (ir: ProjectIR): string => `sum(mesh_ready{service=${str(NAMES.serve(ir))}})`;
