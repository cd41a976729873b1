/**
 * BIO grouping of labelled tokens or words into entities, as Hugging Face's
 * token-classification pipeline does it (`get_tag`, `group_entities`, `group_sub_entities`).
 *
 * Walking left to right, an item joins the open group when its tag equals the group's last
 * tag and it is not a `B-`; anything else closes the group and opens a new one. So `I-` with
 * no `B-` before it opens a group, two `B-PER` in a row are two entities, and an `O` between
 * two `I-PER` splits them (the `O` group is dropped later by the ignore list, not before
 * grouping). Only `B-` and `I-` are prefixes to `get_tag`; any other label (`O`, `PER`,
 * `E-PER`) is its own tag and continues like an `I-`.
 */
import { nanmean } from "./numeric.js";

export interface Labelled {
  /** The raw label, e.g. `B-PER`. */
  readonly label: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
}

export interface Group {
  /** The first member's label without its prefix (`B-PER` → `PER`). */
  readonly type: string;
  /** Mean of the members' scores, NaN-skipping like numpy's nanmean. */
  readonly score: number;
  readonly start: number;
  readonly end: number;
}

/** HF's `get_tag`: `B-x` → (B, x), `I-x` → (I, x), anything else → (I, label). */
export function splitTag(label: string): { readonly bi: "B" | "I"; readonly tag: string } {
  if (label.startsWith("B-")) return { bi: "B", tag: label.slice(2) };
  if (label.startsWith("I-")) return { bi: "I", tag: label.slice(2) };
  return { bi: "I", tag: label };
}

/**
 * The group's name, HF's `label.split("-", 1)[-1]`: everything after the first hyphen. It
 * differs from `splitTag` for labels such as `E-PER` (tag `E-PER`, name `PER`).
 */
export function groupType(label: string): string {
  const dash = label.indexOf("-");
  return dash === -1 ? label : label.slice(dash + 1);
}

function close(members: readonly Labelled[]): Group {
  return {
    type: groupType(members[0]!.label),
    score: nanmean(members.map((m) => m.score)),
    start: members[0]!.start,
    end: members[members.length - 1]!.end,
  };
}

/** Adjacent items grouped into entities, in order. Nothing is filtered here. */
export function groupEntities(items: readonly Labelled[]): Group[] {
  const groups: Group[] = [];
  let open: Labelled[] = [];
  for (const item of items) {
    const last = open[open.length - 1];
    if (last !== undefined) {
      const cur = splitTag(item.label);
      if (cur.tag === splitTag(last.label).tag && cur.bi !== "B") {
        open.push(item);
        continue;
      }
      groups.push(close(open));
    }
    open = [item];
  }
  if (open.length > 0) groups.push(close(open));
  return groups;
}
