/**
 * Monitoring of every served project with the prometheus-operator: a ServiceMonitor scraping
 * the server's `/metrics` through its Service (copying the Rollouts pod-template hash onto the
 * series, so a canary's own numbers can be told apart), and a PrometheusRule alerting when the
 * served traffic breaks the spec's `slo` or no pod is ready.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES, labels, selector } from "./names.js";
import { ROLLOUT_HASH_LABEL, errorRateQuery, p99Query, readyPodsQuery } from "./promql.js";
import { HTTP_PORT_NAME } from "./serve.js";
import type { Obj } from "./security.js";

const MONITORING_API = "monitoring.coreos.com/v1";
/** Scrape often enough for the 2-minute rates the alerts and the canary analysis use. */
export const SCRAPE_INTERVAL = "15s";
/** An SLO breach must last this long before it pages (one slow GC pause must not). */
const ALERT_FOR = "5m";

export function serviceMonitor(ir: ProjectIR): Obj {
  return {
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: NAMES.serve(ir), labels: labels(ir, "serve") },
    spec: {
      selector: { matchLabels: selector(ir, "serve") },
      endpoints: [{ port: HTTP_PORT_NAME, path: "/metrics", interval: SCRAPE_INTERVAL, scrapeTimeout: "5s" }],
      podTargetLabels: [ROLLOUT_HASH_LABEL],
    },
  };
}

export function prometheusRule(ir: ProjectIR): Obj {
  const { errorRate, p99Ms } = ir.serve.slo;
  const common = { project: ir.name, service: NAMES.serve(ir) };
  return {
    apiVersion: MONITORING_API,
    kind: "PrometheusRule",
    metadata: { name: NAMES.analysis(ir), labels: labels(ir, "serve") },
    spec: {
      groups: [
        {
          name: `${ir.name}-slo`,
          rules: [
            {
              alert: "MeshErrorRateAboveSlo",
              expr: `${errorRateQuery(ir)} > ${errorRate}`,
              for: ALERT_FOR,
              labels: { severity: "page", ...common },
              annotations: { summary: `${ir.name}: more than ${errorRate * 100} % of inference requests answer 5xx (slo.error_rate)` },
            },
            {
              alert: "MeshLatencyAboveSlo",
              expr: `${p99Query(ir)} > ${p99Ms / 1000}`,
              for: ALERT_FOR,
              labels: { severity: "page", ...common },
              annotations: { summary: `${ir.name}: p99 latency of inference requests above ${p99Ms} ms (slo.p99_ms)` },
            },
            ...(ir.serve.replicas > 0
              ? [
                  {
                    alert: "MeshNoReadyPods",
                    expr: `(${readyPodsQuery(ir)} or vector(0)) < 1`,
                    for: ALERT_FOR,
                    labels: { severity: "page", ...common },
                    annotations: { summary: `${ir.name}: no serving pod is ready (model loaded, warm-up passed)` },
                  },
                ]
              : []),
          ],
        },
      ],
    },
  };
}
