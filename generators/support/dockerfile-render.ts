/**
 * DockerfileModel → Dockerfile text: the only place Dockerfile syntax is written. One
 * instruction per line (no `\` continuations), exec form for RUN/CMD/ENTRYPOINT/HEALTHCHECK,
 * every free-text value through `quoteWord`. LF line ends and one trailing newline.
 */
import type { DockerfileModel, Instruction, LabelValue, Stage } from "./dockerfile-model.js";
import { argRef, execForm, oneLine, quoteWord } from "./dockerfile-quote.js";

const ARG_NAME = /^[A-Z][A-Z0-9_]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[a-z0-9]+([.-][a-z0-9]+)*$/;
// Context or container paths: generated from identifiers, never free text.
const PATH = /^[A-Za-z0-9_./-]+$/;
const IMAGE = /^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new Error(`dockerfile: invalid ${what}: ${JSON.stringify(value)}`);
}

function labelValue(v: LabelValue): string {
  return "arg" in v ? `"${argRef(v.arg)}"` : quoteWord(v.text);
}

function instruction(i: Instruction): string {
  switch (i.kind) {
    case "comment":
      return `# ${oneLine(i.text)}`;
    case "arg":
      check(ARG_NAME.test(i.name), "ARG name", i.name);
      return i.default === undefined ? `ARG ${i.name}` : `ARG ${i.name}=${quoteWord(i.default)}`;
    case "args":
      for (const [k] of i.args) check(ARG_NAME.test(k), "ARG name", k);
      return `ARG ${i.args.map(([k, v]) => (v === undefined ? k : `${k}=${quoteWord(v)}`)).join(" ")}`;
    case "workdir":
      check(PATH.test(i.path) && i.path.startsWith("/"), "WORKDIR", i.path);
      return `WORKDIR ${i.path}`;
    case "copy":
      check(PATH.test(i.src) && PATH.test(i.dest) && !i.src.includes(".."), "COPY path", [i.src, i.dest]);
      if (i.from !== undefined) check(/^[a-z][a-z0-9-]*$/.test(i.from), "COPY --from", i.from);
      return `COPY ${i.from !== undefined ? `--from=${i.from} ` : ""}${i.src} ${i.dest}`;
    case "env":
      for (const [k] of i.vars) check(ENV_NAME.test(k), "ENV name", k);
      return `ENV ${i.vars.map(([k, v]) => `${k}=${quoteWord(v)}`).join(" ")}`;
    case "label":
      for (const [k] of i.labels) check(LABEL_KEY.test(k), "LABEL key", k);
      return `LABEL ${i.labels.map(([k, v]) => `${k}=${labelValue(v)}`).join(" ")}`;
    case "user":
      check(Number.isInteger(i.uid) && i.uid > 0 && Number.isInteger(i.gid) && i.gid > 0, "non-root USER", [i.uid, i.gid]);
      return `USER ${i.uid}:${i.gid}`;
    case "run":
      return `RUN ${execForm(i.argv)}`;
    case "expose":
      check(Number.isInteger(i.port) && i.port > 0 && i.port < 65536, "EXPOSE port", i.port);
      return `EXPOSE ${i.port}`;
    case "healthcheck":
      return `HEALTHCHECK --interval=${i.intervalS}s --timeout=${i.timeoutS}s --start-period=${i.startPeriodS}s --retries=${i.retries} CMD ${execForm(i.argv)}`;
    case "stopsignal":
      return `STOPSIGNAL ${i.signal}`;
    case "entrypoint":
      return `ENTRYPOINT ${execForm(i.argv)}`;
    case "cmd":
      return `CMD ${execForm(i.argv)}`;
  }
}

function stage(s: Stage, earlier: ReadonlySet<string>, args: ReadonlySet<string>): string[] {
  const argFrom = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(s.from)?.[1];
  check(IMAGE.test(s.from) || earlier.has(s.from) || (argFrom !== undefined && args.has(argFrom)), "FROM", s.from);
  if (s.name !== undefined) check(/^[a-z][a-z0-9-]*$/.test(s.name) && !earlier.has(s.name), "stage name", s.name);
  const from = `FROM ${s.from}${s.name !== undefined ? ` AS ${s.name}` : ""}`;
  return [from, ...s.instructions.map(instruction)];
}

/** Renders a Dockerfile. Throws on a value no spec can produce (a generator bug). */
export function renderDockerfile(model: DockerfileModel): string {
  const lines: string[] = model.header.map((h) => `# ${oneLine(h)}`);
  const args = new Set<string>();
  for (const a of model.globalArgs) {
    lines.push(instruction(a));
    // A global ARG used in FROM must carry a default image reference, pinned like any FROM.
    if (a.kind === "arg") {
      check(a.default !== undefined && IMAGE.test(a.default), "ARG default image", a.default);
      args.add(a.name);
    }
  }
  const names = new Set<string>();
  for (const s of model.stages) {
    lines.push("");
    lines.push(...stage(s, names, args));
    if (s.name !== undefined) names.add(s.name);
  }
  return `${lines.join("\n")}\n`;
}
