/**
 * hadolint-style checks over Dockerfile TEXT (not the model), so they also hold for anything
 * a future change renders: used by the tests, by `mesh build` before it sends a build, and as
 * the static check of the Neuron images that cannot be built here. Rule ids follow hadolint
 * where one exists (DLxxxx); MESHxxx are ours.
 */

export interface LintFinding {
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

const INSTRUCTIONS = new Set([
  "FROM",
  "ARG",
  "WORKDIR",
  "COPY",
  "ENV",
  "LABEL",
  "USER",
  "RUN",
  "EXPOSE",
  "HEALTHCHECK",
  "STOPSIGNAL",
  "ENTRYPOINT",
  "CMD",
  "VOLUME",
  "SHELL",
  "ONBUILD",
  "ADD",
  "MAINTAINER",
]);
const DOWNLOADERS = /\b(apt|apt-get|apk|yum|dnf|npm|npx|yarn|pnpm|pip3?|curl|wget|git|conda)\b/;

function isExecForm(rest: string): boolean {
  try {
    const v: unknown = JSON.parse(rest);
    return Array.isArray(v) && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}

/** Checks a Dockerfile; an empty list means it passes. */
export function lintDockerfile(text: string): LintFinding[] {
  const out: LintFinding[] = [];
  const add = (line: number, rule: string, message: string) => out.push({ line, rule, message });
  const stages = new Set<string>();
  let user: string | undefined;
  let stageName: string | undefined;
  const stageUser = new Map<string, string | undefined>();
  let perStage = new Map<string, number>();
  const globalArgs = new Map<string, string>();
  let seenFrom = false;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (raw.endsWith("\\")) add(n, "MESH001", "line continuation: every instruction must fit one line");
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    const op = m?.[1]?.toUpperCase();
    const rest = m?.[2] ?? "";
    if (!op || !INSTRUCTIONS.has(op)) return void add(n, "MESH002", `not an instruction: ${line.slice(0, 60)}`);
    if (op === "ARG" && !seenFrom) {
      const a = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest);
      if (a?.[1]) globalArgs.set(a[1], (a[2] ?? "").replace(/^"(.*)"$/, "$1"));
      return;
    }
    if (op === "FROM") {
      seenFrom = true;
      const [written = "", as, name] = rest.split(/\s+/);
      // FROM ${ARG}: judge the ARG's default, which is what a plain `docker build` uses.
      const ref = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(written)?.[1];
      if (ref !== undefined && !globalArgs.has(ref)) add(n, "DL3006", `FROM ${written}: the ARG is not declared before FROM`);
      const image = ref !== undefined ? (globalArgs.get(ref) ?? "") : written;
      if (!stages.has(image)) {
        const digest = image.includes("@sha256:");
        const tag = /:[^/@]+(@|$)/.exec(image.replace(/^[^/]*:\d+\//, ""));
        if (!digest && !tag) add(n, "DL3006", `FROM ${image}: pin a tag or digest`);
        if (/:latest(@|$)/.test(image)) add(n, "DL3007", `FROM ${image}: do not use latest`);
      }
      if (stageName !== undefined) stageUser.set(stageName, user);
      // A stage built FROM an earlier one inherits its USER.
      user = stages.has(image) ? stageUser.get(image) : undefined;
      stageName = undefined;
      if (as?.toUpperCase() === "AS" && name) {
        if (stages.has(name)) add(n, "DL3024", `duplicate stage name ${name}`);
        stages.add(name);
        stageName = name;
      }
      perStage = new Map();
      return;
    }
    perStage.set(op, (perStage.get(op) ?? 0) + 1);
    if (["CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(op) && (perStage.get(op) ?? 0) > 1) add(n, "DL4003", `more than one ${op} in a stage`);
    if (op === "ADD") add(n, "DL3020", "use COPY, not ADD");
    if (op === "MAINTAINER") add(n, "DL4000", "MAINTAINER is deprecated");
    if (op === "WORKDIR" && !rest.startsWith("/")) add(n, "DL3000", "WORKDIR must be absolute");
    if (op === "USER") user = rest;
    if (op === "COPY") {
      const from = /--from=(\S+)/.exec(rest)?.[1];
      if (from !== undefined && !stages.has(from)) add(n, "DL3022", `COPY --from=${from} names no earlier stage`);
    }
    if (op === "RUN") {
      if (!isExecForm(rest)) add(n, "MESH003", "RUN must use exec form (no shell in the base image)");
      if (DOWNLOADERS.test(rest)) add(n, "MESH004", "RUN must not call a package manager or downloader (no network in builds)");
    }
    if (op === "CMD" || op === "ENTRYPOINT") {
      if (!isExecForm(rest)) add(n, "DL3025", `${op} must use exec (JSON) form`);
    }
    if (op === "HEALTHCHECK") {
      const cmd = /\bCMD\s+(.*)$/.exec(rest)?.[1] ?? "";
      if (!isExecForm(cmd)) add(n, "DL3025", "HEALTHCHECK CMD must use exec (JSON) form");
      if (/\b(curl|wget)\b/.test(cmd)) add(n, "MESH005", "HEALTHCHECK must not need curl or wget");
    }
    if (op === "EXPOSE" && !/^\d{1,5}(\/tcp)?$/.test(rest)) add(n, "DL3011", `EXPOSE ${rest}: not a port`);
  });
  const last = user ?? "";
  if (last === "" || /^(root|0)(:|$)/.test(last)) add(lines.length, "DL3002", "the final stage must switch to a non-root USER");
  return out;
}
