/**
 * Identifier rules. Every string that can end up in a path, an image tag, a Make target,
 * a shell word or a Dockerfile instruction passes one of these patterns first, so the
 * generators can treat identifiers as inert. Free text (descriptions, examples) is not
 * constrained here; generators quote it where it lands.
 */
import { z } from "zod";

/** DNS-1123 label, at most 40 characters so `<name>-<step>` still fits a 63-char label. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Registry key: upper-case letters, digits and underscores, starting with a letter. */
export const REGISTRY_KEY = /^[A-Z][A-Z0-9_]{0,31}$/;
/** Field names (request attributes, dataset columns): a portable programming identifier. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Class labels and owner names: letters, digits, `_`, `.` and `-`, never `..`. */
export const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$/;

const noDotDot = (s: string) => !s.includes("..");

export const dnsLabel = z
  .string()
  .regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting with a letter, at most 40 characters");
export const registryKey = z
  .string()
  .regex(REGISTRY_KEY, "must be upper-case letters, digits and '_', starting with a letter, at most 32 characters");
/**
 * Names every JavaScript object already has (`constructor`, `toString`, `__proto__`, …): as a
 * request field or parameter they would read the prototype's member where a value is
 * missing, so they are refused as names.
 */
export const OBJECT_MEMBER_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"]);

export const fieldName = z
  .string()
  .regex(FIELD_NAME, "must be an identifier: letters, digits and '_', not starting with a digit, at most 64 characters")
  .refine((n) => !OBJECT_MEMBER_NAMES.has(n), "is the name of a member every JavaScript object has (constructor, toString, valueOf, …); choose another name");
export const label = z
  .string()
  .regex(LABEL, "must be letters, digits, '_', '.' or '-' (at most 64), starting and ending with a letter or digit")
  .refine(noDotDot, "must not contain '..'");

/**
 * A source URI. The scheme is checked here; the part after it is validated by the
 * runtime that opens it, but shell, Make and quote metacharacters are refused up front
 * because the URI is passed to generated Makefiles and compose files.
 */
export const sourceUri = z
  .string()
  .regex(/^(npm:|file:\/\/|https:\/\/|s3:\/\/)/, "must start with npm:, file://, https:// or s3://")
  .regex(/^[A-Za-z0-9:/@._~%+=,-]+$/, "may only hold letters, digits and : / @ . _ ~ % + = , -")
  .refine(noDotDot, "must not contain '..'");

/**
 * A model source: a dataset source's schemes plus `hf://ORG/NAME@REVISION` (the Hugging Face
 * Hub's file API). The runtime resolver (`runtimes/models`) validates the rest of the URI.
 */
export const modelSourceUri = z
  .string()
  .max(1000)
  .regex(/^(npm:|file:\/\/|https:\/\/|s3:\/\/|hf:\/\/)/, "must start with file://, npm:, https://, s3:// or hf://")
  .regex(/^[A-Za-z0-9:/@._~%+=,-]+$/, "may only hold letters, digits and : / @ . _ ~ % + = , -")
  .refine(noDotDot, "must not contain '..'");

/** A registry URI: file://PATH (relative to the workspace) or s3://BUCKET/PREFIX. */
export const registryUri = z
  .string()
  .regex(/^(file:\/\/|s3:\/\/)[A-Za-z0-9/._-]+$/, "must be file://PATH or s3://BUCKET/PREFIX (letters, digits, / . _ -)")
  .refine(noDotDot, "must not contain '..'");

/** A container image reference, optionally pinned by digest. */
export const imageRef = z
  .string()
  .regex(
    /^[a-z0-9]+([._/:-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    "must be an image reference such as node:20-bookworm-slim or name@sha256:<64 hex>",
  );
