/**
 * Spec limits that must mean what they say: a realistic ingest byte cap is accepted (the
 * schema once capped it at 256, because 1 << 40 is 256 in JavaScript), and a gate on a
 * share (accuracy, macro-F1) outside [0, 1] is refused where it is written.
 */
import { describe, expect, it } from "vitest";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

const SPAM = exampleText("spam");

describe("spec limits", () => {
  it("ingest.source.max_bytes accepts a terabyte and refuses more", async () => {
    const at = "      format: json-folder\n";
    const ok = await compileSpec(edit(SPAM, at, `${at}      max_bytes: 1099511627776\n`));
    expect(ok.lines).toEqual([]);
    expect(ok.value![0]!.ingest!.maxBytes).toBe(2 ** 40);
    const over = await compileSpec(edit(SPAM, at, `${at}      max_bytes: 1099511627777\n`));
    expect(over.lines.join("\n")).toMatch(/MESH015 steps\.ingest\.source\.max_bytes: expected integer from 1 to 1099511627776/);
  });

  it("an accuracy or macro-F1 gate outside [0, 1] is refused at the gate", async () => {
    const gate = await compileSpec(edit(SPAM, 'accuracy: ">= 0.95"', 'accuracy: ">= 1.5"'));
    expect(gate.lines).toHaveLength(1);
    expect(gate.lines[0]).toMatch(/^projects\/spam\/project\.yaml:\d+:\d+ error MESH\d+ steps\.train\.gates\.accuracy: .*accuracy is between 0 and 1/);
    const loss = await compileSpec(edit(SPAM, 'accuracy: ">= 0.95"', 'log_loss: "<= 1.5"'));
    expect(loss.lines).toEqual([]);
  });
});

describe("names", () => {
  it("field, parameter and input names that every JavaScript object has are refused where they are written", async () => {
    for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
      const r = await compileSpec(edit(SPAM, "    input: text\n", `    input: ${name}\n`));
      expect(r.lines.join("\n")).toMatch(new RegExp(`error MESH016 model\\.features\\.input: "${name}" is the name of a member every JavaScript object has`));
    }
  });
});
