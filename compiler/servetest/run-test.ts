/**
 * `mesh test NAME`: start the project's server, run the contract tests, print one line
 * per check and `N passed, M failed`; 0 when all pass, 1 otherwise.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadGeneratedClient } from "./client-shape.js";
import { runContractChecks, type CheckResult } from "./contract-checks.js";
import type { Prepared } from "./prepare.js";
import { withServer } from "./with-server.js";

export function checkLine(r: CheckResult): string {
  return r.ok ? `ok    ${r.name}` : `FAIL  ${r.name}: ${r.detail ?? "failed"}`;
}

export async function runContractTests(prepared: Prepared, write: (line: string) => void): Promise<CheckResult[]> {
  const { ir, projectOut } = prepared;
  const openapiFile = JSON.parse(readFileSync(join(projectOut, "openapi.json"), "utf8")) as unknown;
  write(`mesh test ${ir.name}: serving ${prepared.modelLabel}`);
  return withServer(prepared, async (server) => {
    const client = await loadGeneratedClient(join(projectOut, "client", "client.js"), server.baseUrl);
    const results = await runContractChecks({ ir, baseUrl: server.baseUrl, client, openapiFile }, (r) => write(checkLine(r)));
    const failed = results.filter((r) => !r.ok).length;
    write(`${results.length - failed} passed, ${failed} failed`);
    return results;
  });
}
