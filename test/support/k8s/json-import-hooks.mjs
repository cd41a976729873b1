// Module hooks for Node 20: @actions/workflow-parser imports its JSON schema without the
// `with { type: "json" }` attribute Node 20 requires; this hook loads that one file as JSON.
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json") && url.includes("/@actions/workflow-parser/")) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}
