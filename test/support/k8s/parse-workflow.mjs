// Parses a GitHub Actions workflow (stdin) with GitHub's own parser, @actions/workflow-parser,
// and prints {errors, jobs: [{id, needs, runsOn}]} as JSON. Run as a child process with
// json-import-hooks.mjs registered (see workflow.test.ts).
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const content = Buffer.concat(chunks).toString("utf8");
const parsed = parseWorkflow({ name: "workflow.yaml", content }, new NoOperationTraceWriter());
const errors = parsed.context.errors.getErrors().map((e) => e.message);
let jobs = [];
if (parsed.value) {
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  errors.push(...(template.errors ?? []).map((e) => e.Message ?? e.message ?? String(e)));
  jobs = (template.jobs ?? []).map((j) => ({ id: j.id?.value, needs: (j.needs ?? []).map((n) => n.value) }));
}
process.stdout.write(JSON.stringify({ errors: [...new Set(errors)], jobs }));
