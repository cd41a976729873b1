/**
 * Request limits that are conventions of the served API rather than spec settings, read by the
 * generated decoder (generators/serving) and the published JSON Schema (generators/openapi)
 * from here, so the two state the same contract.
 */

/** Each string of a `string[]` parameter holds 1 to this many Unicode code points. */
export const LIST_ITEM_MAX_CHARS = 200;
