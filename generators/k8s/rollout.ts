/**
 * Canary releases (spec `serve.release.strategy: canary`): an Argo Rollout that takes its pod
 * template from the base Deployment (`workloadRef`, so every overlay patch of the Deployment
 * still applies and the Deployment itself stays at zero replicas), moves through the spec's
 * steps (weight, pause) to 100 %, and runs an AnalysisTemplate in the background from the
 * first step: the new version's own 5xx rate and p99 latency against the spec's `slo`. A
 * failed measurement aborts the rollout, which scales the canary away — a bad model rolls back
 * by itself.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES, labels, selector } from "./names.js";
import { errorRateQuery, p99Query } from "./promql.js";
import type { Obj } from "./security.js";

export const ROLLOUT_API = "argoproj.io/v1alpha1";
/** The analysis argument carrying the canary's pod-template hash. */
const HASH_ARG = "canary-hash";

/** Measurement cadence and tolerance: the second failed measurement aborts (one can be noise). */
export const ANALYSIS = { interval: "30s", failureLimit: 1, consecutiveErrorLimit: 4 } as const;

export const isCanary = (ir: ProjectIR): boolean => ir.serve.release.strategy === "canary";

/** What the autoscaler scales and overlays patch the replica count of: the Rollout when canary. */
export function scaleTarget(ir: ProjectIR): { apiVersion: string; kind: string; name: string } {
  return isCanary(ir) ? { apiVersion: ROLLOUT_API, kind: "Rollout", name: NAMES.serve(ir) } : { apiVersion: "apps/v1", kind: "Deployment", name: NAMES.serve(ir) };
}

export function serveRollout(ir: ProjectIR): Obj {
  const steps = ir.serve.release.steps.flatMap((s) => [{ setWeight: s.weight }, { pause: { duration: `${s.pauseS}s` } }]);
  return {
    apiVersion: ROLLOUT_API,
    kind: "Rollout",
    metadata: { name: NAMES.serve(ir), labels: labels(ir, "serve") },
    spec: {
      // No `replicas` while the autoscaler owns the count, as for the Deployment.
      ...(ir.serve.replicas === 0 ? { replicas: 0 } : {}),
      selector: { matchLabels: selector(ir, "serve") },
      workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: NAMES.serve(ir), scaleDown: "never" },
      revisionHistoryLimit: 3,
      strategy: {
        canary: {
          maxSurge: "25%",
          maxUnavailable: 0,
          steps,
          analysis: {
            templates: [{ templateName: NAMES.analysis(ir) }],
            startingStep: 1,
            args: [{ name: HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
          },
        },
      },
    },
  };
}

export function analysisTemplate(ir: ProjectIR): Obj {
  const version = `{{args.${HASH_ARG}}}`;
  const address = ir.serve.prometheus;
  const { errorRate, p99Ms } = ir.serve.slo;
  const metric = (name: string, query: string, bound: number) => ({
    name,
    ...ANALYSIS,
    // NaN: no requests reached the canary in the window — nothing has failed yet.
    successCondition: `isNaN(result[0]) || result[0] <= ${bound}`,
    provider: { prometheus: { address, query } },
  });
  return {
    apiVersion: ROLLOUT_API,
    kind: "AnalysisTemplate",
    metadata: { name: NAMES.analysis(ir), labels: labels(ir, "serve") },
    spec: {
      args: [{ name: HASH_ARG }],
      metrics: [metric("error-rate", errorRateQuery(ir, version), errorRate), metric("p99-latency", p99Query(ir, version), p99Ms / 1000)],
    },
  };
}
