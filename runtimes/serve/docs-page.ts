/**
 * `/docs`: a small self-contained HTML page (no CDN, no script — the machine may be offline
 * and the page must not execute anything) listing the routes of the OpenAPI document with
 * their summaries and a curl line each. Every string from the document is HTML-escaped.
 */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]!);

type Doc = Readonly<Record<string, unknown>>;
const asObj = (v: unknown): Doc => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Doc) : {});
const asStr = (v: unknown): string => (typeof v === "string" ? v : "");

const METHODS = ["get", "post", "put", "patch", "delete"];

export function docsPage(openapi: Doc, specUrl: string): string {
  const info = asObj(openapi["info"]);
  const title = asStr(info["title"]) || "API";
  const rows: string[] = [];
  for (const [path, item] of Object.entries(asObj(openapi["paths"])).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const op = asObj(asObj(item)[method]);
      if (Object.keys(op).length === 0) continue;
      const summary = asStr(op["summary"]) || asStr(op["description"]);
      const responses = Object.keys(asObj(op["responses"])).sort().join(" ");
      const curl = method === "get" ? `curl -s http://HOST:PORT${path}` : `curl -s -X ${method.toUpperCase()} -H 'content-type: application/json' -d @request.json http://HOST:PORT${path}`;
      rows.push(
        `<tr><td class="m ${method}">${method.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(summary)}</td><td>${escapeHtml(responses)}</td><td><code>${escapeHtml(curl)}</code></td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}.m{font-weight:bold}.get{color:#2a7}.post{color:#27c}code{font-size:12px}</style>
</head><body>
<h1>${escapeHtml(title)} <small>${escapeHtml(asStr(info["version"]))}</small></h1>
<p>${escapeHtml(asStr(info["description"]))}</p>
<p>Machine-readable: <a href="${escapeHtml(specUrl)}">${escapeHtml(specUrl)}</a> (OpenAPI ${escapeHtml(asStr(openapi["openapi"]))})</p>
<table><thead><tr><th>method</th><th>path</th><th>summary</th><th>responses</th><th>try</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
</body></html>
`;
}
