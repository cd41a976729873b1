/**
 * The cluster settings of a spec — schedule (cron), serve.release (canary steps),
 * serve.autoscale (bounds), serve.prometheus, slo.error_rate — refused at validate time with
 * file, line, column, field and their own codes; their defaults lowered.
 */
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../../../compiler/lower/defaults.js";
import { cronProblem } from "../../../schemas/rules/cron.js";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

const SPAM = exampleText("spam");
const S = "projects/spam/project.yaml";
const withSchedule = (cron: string) => edit(SPAM, "key: SPAM\n", `key: SPAM\nschedule: "${cron}"\n`);
const withServe = (yaml: string) => edit(SPAM, "    image: { max_mb: 250 }\n", `    image: { max_mb: 250 }\n${yaml}`);

describe("schedule", () => {
  it("a bad cron expression is refused at its value, naming the field and the problem", async () => {
    expect((await compileSpec(withSchedule("0 25 * * *"))).lines).toEqual([
      `${S}:6:11 error MESH050 schedule: schedule "0 25 * * *" is not a cron expression: hour field "25": 25 is outside 0-23\n    hint: e.g. "0 3 * * *" (every day at 03:00 UTC) or @daily`,
    ]);
    expect((await compileSpec(withSchedule("every night"))).lines[0]).toContain('MESH050 schedule: schedule "every night" is not a cron expression: has 2 fields; a cron expression has 5');
    expect((await compileSpec(withSchedule("@nightly"))).lines[0]).toContain("unknown descriptor @nightly");
  });

  it("valid expressions pass and lower to the CronWorkflow's schedule in UTC; no schedule, no cron", async () => {
    const r = await compileSpec(withSchedule("*/15 2-4 * JAN-MAR mon,fri"));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.[0]?.schedule).toEqual({ cron: "*/15 2-4 * JAN-MAR mon,fri", timezone: DEFAULTS.schedule.timezone });
    expect((await compileSpec(SPAM)).value?.[0]?.schedule).toBeUndefined();
  });

  it("the cron checker knows ranges, steps, lists, names and descriptors", () => {
    for (const ok of ["0 3 * * *", "@daily", "@hourly", "0 0 1 */2 *", "5,10 * * * 0-7", "0 0 * * SUN"]) expect(cronProblem(ok), ok).toBeUndefined();
    expect(cronProblem("0 0 * * 8")).toBe('day of week field "8": 8 is outside 0-7');
    expect(cronProblem("10-5 * * * *")).toBe('minute field "10-5": range 10-5 runs backwards');
    expect(cronProblem("*/0 * * * *")).toBe('minute field "*/0": step "0" must be a number from 1 to 99');
    expect(cronProblem("1,,2 * * * *")).toBe('minute field "1,,2": an empty list item');
    expect(cronProblem("5/2 * * * *")).toBe('minute field "5/2": a step needs a range or *, got "5/2"');
  });
});

describe("serve.release", () => {
  it("canary weights must rise; steps without the canary strategy are refused", async () => {
    expect((await compileSpec(withServe("    release: { strategy: canary, steps: [{ weight: 50 }, { weight: 20 }] }\n"))).lines).toEqual([
      `${S}:63:68 error MESH051 steps.serve.release.steps.1.weight: canary weights must rise step by step: 20 follows 50`,
    ]);
    expect((await compileSpec(withServe("    release: { steps: [{ weight: 50 }] }\n"))).lines).toEqual([
      `${S}:63:16 error MESH051 steps.serve.release.steps: release.steps are canary steps, but the strategy is rolling\n    hint: add strategy: canary, or remove steps`,
    ]);
    expect((await compileSpec(withServe("    release: { strategy: canary, steps: [{ weight: 100 }] }\n"))).lines[0]).toMatch(
      /^projects\/spam\/project\.yaml:63:\d+ error MESH015 steps\.serve\.release\.steps\.0\.weight: expected/,
    );
    expect((await compileSpec(withServe("    release: { strategy: blue-green }\n"))).lines[0]).toMatch(/MESH017 steps\.serve\.release\.strategy: expected one of/);
  });

  it("defaults: rolling; a canary without steps gets 10 % then 50 %, each held the default pause", async () => {
    expect((await compileSpec(SPAM)).value?.[0]?.serve.release.strategy).toBe("rolling");
    const r = await compileSpec(withServe("    release: { strategy: canary }\n"));
    expect(r.value?.[0]?.serve.release).toEqual({ strategy: "canary", steps: DEFAULTS.serve.release.steps.map((s) => ({ weight: s.weight, pauseS: DEFAULTS.serve.release.pauseS })) });
  });
});

describe("serve.autoscale, prometheus and slo.error_rate", () => {
  it("max_replicas below a replica count the spec asks for is refused, naming which", async () => {
    expect((await compileSpec(withServe("    autoscale: { signal: queue, max_replicas: 2 }\n"))).lines).toEqual([
      `${S}:63:47 error MESH052 steps.serve.autoscale.max_replicas: max_replicas 2 is below environments.prod.serve.replicas 3, the autoscaler's lower bound\n    hint: use max_replicas: 3 or more`,
    ]);
  });

  it("a Prometheus URL with credentials and an error rate above 1 are refused", async () => {
    expect((await compileSpec(withServe('    prometheus: "http://user:pw@prom:9090"\n'))).lines[0]).toMatch(
      /^projects\/spam\/project\.yaml:63:17 error MESH016 steps\.serve\.prometheus: .*must be an http\(s\) URL of a Prometheus server without credentials/,
    );
    expect((await compileSpec(edit(SPAM, "slo: { p99_ms: 25, min_rps: 1000 }", "slo: { p99_ms: 25, min_rps: 1000, error_rate: 5 }"))).lines[0]).toMatch(
      /MESH015 steps\.serve\.slo\.error_rate: expected/,
    );
  });

  it("defaults lower from compiler/lower/defaults.ts", async () => {
    const serve = (await compileSpec(SPAM)).value![0]!.serve;
    expect(serve.autoscale).toEqual({ signal: DEFAULTS.serve.autoscale.signal, queueRows: DEFAULTS.serve.autoscale.queueRows });
    expect(serve.prometheus).toBe(DEFAULTS.serve.prometheus);
    expect(serve.slo.errorRate).toBe(DEFAULTS.serve.slo.errorRate);
  });
});
