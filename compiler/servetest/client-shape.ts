/**
 * The shape of the generated client (`out/<name>/client/client.js`) as `mesh test` uses it:
 * loaded at run time, so the contract tests go through exactly what users import.
 */
import { pathToFileURL } from "node:url";

export interface InferTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly data: readonly (number | string)[];
}

export interface GeneratedClient {
  predict(attributes: unknown, parameters?: unknown): Promise<Record<string, unknown>>;
  predictBatch(rows: readonly unknown[], parameters?: unknown): Promise<Record<string, unknown>[]>;
  live(): Promise<boolean>;
  ready(): Promise<boolean>;
  bio(): Promise<Record<string, unknown>>;
  openapi(): Promise<Record<string, unknown>>;
  infer(inputs: InferTensor[]): Promise<{ outputs: InferTensor[] }>;
}

interface ClientModule {
  Client: new (options: { baseUrl: string; timeoutMs?: number }) => GeneratedClient;
}

export async function loadGeneratedClient(clientJs: string, baseUrl: string): Promise<GeneratedClient> {
  const mod = (await import(pathToFileURL(clientJs).href)) as ClientModule;
  return new mod.Client({ baseUrl, timeoutMs: 10_000 });
}
