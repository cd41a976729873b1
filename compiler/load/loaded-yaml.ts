/** A parsed YAML file with the positions diagnostics point into (compiler/load/load-yaml.ts produces it). */
import type { Document, LineCounter } from "yaml";

export interface LoadedYaml {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly value: Record<string, unknown>;
}
