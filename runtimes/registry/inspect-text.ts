/** Plain-text rendering of registry listings and version details for the terminal. */
import { datasetCardLines, fmtBytes, fmtNumber, modelCardLines, table } from "./card-text.js";
import type { AliasesView, RegistryListing, VersionDetail } from "./inspect.js";
import type { DatasetCard, ModelCard } from "./types.js";

const bytesOf = (n: number | undefined) => (n === undefined ? "" : fmtBytes(n));

export function renderListing(listing: RegistryListing): string {
  const lines = [`registry ${listing.uri}`];
  if (listing.projects.length === 0) lines.push("  (empty)");
  for (const p of listing.projects) {
    lines.push(`${p.name}`);
    const datasets: string[][] = [];
    for (const d of p.datasets) {
      for (const v of d.versions) {
        datasets.push(v.error ? [v.id, `error: ${v.error}`] : [v.id, v.createdAt ?? "", `rows=${v.rows ?? "?"}`, `sha256=${(v.sha256 ?? "").slice(0, 12)}`]);
      }
    }
    const models: string[][] = [];
    for (const m of p.models) {
      for (const v of m.versions) {
        if (v.error) {
          models.push([v.id, `error: ${v.error}`]);
          continue;
        }
        const metrics = Object.entries(v.metrics)
          .map(([k, n]) => `${k}=${fmtNumber(n)}`)
          .join(" ");
        const lineage = [v.parent ? `parent ${v.parent}` : "", v.children.length ? `children ${v.children.join(",")}` : ""].filter(Boolean).join("; ");
        models.push([v.id, v.type ?? "", v.createdAt ?? "", bytesOf(v.bytes), metrics, lineage]);
      }
    }
    const aliases = p.aliases.map((a) => [a.alias, `→ ${a.target}`, `since ${a.since}`, `by ${a.by}`, a.reason ? `(${a.reason})` : ""]);
    if (aliases.length > 0) lines.push("  aliases", ...table(aliases, "    "));
    if (datasets.length > 0) lines.push("  datasets", ...table(datasets, "    "));
    if (models.length > 0) lines.push("  models", ...table(models, "    "));
    if (datasets.length + models.length === 0) lines.push("  (no complete versions)");
  }
  return `${lines.join("\n")}\n`;
}

export function renderDetail(detail: VersionDetail, uri: string): string {
  const lines = [`${detail.id} (${detail.kind} of project ${detail.project}) in ${uri}`];
  // A summary, bounded whatever the card holds; the card itself is `--format json`'s job.
  if (detail.kind === "model") lines.push(...modelCardLines(detail.card as ModelCard, { ...detail.lineage, aliases: detail.aliases }));
  else lines.push(...datasetCardLines(detail.card as DatasetCard));
  lines.push(`full card: mesh registry show ${detail.project}/${detail.id} --format json`);
  return `${lines.join("\n")}\n`;
}

/** `mesh registry aliases`: each alias's target now, then its history, oldest first. */
export function renderAliases(view: AliasesView): string {
  const lines = [`aliases of ${view.project} in ${view.uri}`];
  if (view.aliases.length === 0) lines.push("  (none: mesh registry promote ID --alias NAME sets one)");
  lines.push(
    ...table(
      view.aliases.map((a) => [a.alias, `→ ${a.target}`, `since ${a.since}`, `by ${a.by}`, a.reason ? `(${a.reason})` : ""]),
      "  ",
    ),
  );
  if (view.history.length > 0) {
    lines.push("history");
    lines.push(
      ...table(
        view.history.map((e) => [e.at, `${e.alias}#${e.seq}`, `${e.from ?? "(unset)"} → ${e.to}`, `by ${e.by}`, e.reason ? `(${e.reason})` : ""]),
        "  ",
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
