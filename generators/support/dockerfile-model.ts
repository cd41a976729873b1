/**
 * A Dockerfile as data (projen's Rule, for images): stages of typed instructions, rendered
 * in one place (`render.ts`). Nothing here holds Dockerfile text, so quoting is decided once
 * and free text can never be spliced in as an instruction.
 */

/** A label value: literal text (quoted on render) or a reference to a build ARG. */
export type LabelValue = { readonly text: string } | { readonly arg: string };

export type Instruction =
  | { readonly kind: "comment"; readonly text: string }
  | { readonly kind: "arg"; readonly name: string; readonly default?: string }
  /** Several ARGs in one instruction (one build step instead of one per ARG). */
  | { readonly kind: "args"; readonly args: readonly (readonly [string, string | undefined])[] }
  | { readonly kind: "workdir"; readonly path: string }
  /** `from` names an earlier stage; `src` is a context path or a path in that stage. */
  | { readonly kind: "copy"; readonly src: string; readonly dest: string; readonly from?: string }
  | { readonly kind: "env"; readonly vars: readonly (readonly [string, string])[] }
  | { readonly kind: "label"; readonly labels: readonly (readonly [string, LabelValue])[] }
  | { readonly kind: "user"; readonly uid: number; readonly gid: number }
  /** Exec form only: no shell, so no shell injection and no need for /bin/sh in the base. */
  | { readonly kind: "run"; readonly argv: readonly string[] }
  | { readonly kind: "expose"; readonly port: number }
  | {
      readonly kind: "healthcheck";
      readonly argv: readonly string[];
      readonly intervalS: number;
      readonly timeoutS: number;
      readonly startPeriodS: number;
      readonly retries: number;
    }
  | { readonly kind: "stopsignal"; readonly signal: "SIGTERM" | "SIGINT" }
  | { readonly kind: "entrypoint"; readonly argv: readonly string[] }
  | { readonly kind: "cmd"; readonly argv: readonly string[] };

export interface Stage {
  /** Image reference or the name of an earlier stage. */
  readonly from: string;
  /** `AS <name>`; absent for the final stage. */
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export interface DockerfileModel {
  /** Comment lines at the top (the generated-by header). */
  readonly header: readonly string[];
  /** Build ARGs declared before the first FROM (usable in FROM lines). */
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
}
