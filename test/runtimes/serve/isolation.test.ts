/**
 * One bad request never fails the others: a definition that throws in decode, encode or
 * respond for one request answers 500 for that request only; requests batched with it
 * succeed, and the server stays up.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { ServiceDefinition, TensorServiceDefinition } from "../../../runtimes/serve/definition.js";
import { startServer, type ServerHandle } from "../../../runtimes/serve/server.js";
import { textDefinition, type TextRequest } from "../../support/serve/fixtures/text-definition.js";
import { memoryLogger, postJson, tempDir, testConfig, textModel } from "../../support/serve/helpers.js";

let h: ServerHandle;
const log = memoryLogger("error");
beforeAll(async () => {
  const base = textDefinition();
  const text = (v: TextRequest, r = 0) => v.rows[r]?.text;
  const definition: TensorServiceDefinition<TextRequest, unknown> = {
    ...base,
    decode(data, maxRows) {
      const d = base.decode(data, maxRows);
      if (d.ok && text(d.decoded.value) === "decode-boom") throw new Error("decode bug");
      return d;
    },
    encode(value, row, out, offset) {
      if (text(value, row) === "encode-boom") throw new Error("encode bug");
      base.encode(value, row, out, offset);
    },
    respond(decoded, output, width) {
      if (text(decoded.value) === "respond-boom") throw new Error("respond bug");
      return base.respond(decoded, output, width);
    },
  };
  h = await startServer(definition as ServiceDefinition, testConfig({ modelPath: textModel(tempDir()), batchMax: 64 }), { logger: log.logger });
  await h.ready;
});
afterAll(async () => {
  await h.close();
});

const send = (text: string) => postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text } } });

test("throws in decode, encode and respond fail only their own request, in the same batch as good ones", async () => {
  const texts = ["good 1", "decode-boom", "good 2", "encode-boom", "good 3", "respond-boom", "good 4"];
  const replies = await Promise.all(texts.map(send));
  const by = Object.fromEntries(texts.map((t, i) => [t, replies[i]!]));
  for (const t of texts.filter((t) => t.startsWith("good"))) expect(by[t]!.status).toBe(200);
  expect(by["decode-boom"]!.status).toBe(500);
  expect(by["decode-boom"]!.json().errors[0].code).toBe("internal");
  expect(by["encode-boom"]!.status).toBe(500);
  expect(by["encode-boom"]!.json().errors[0].code).toBe("encode_failed");
  expect(by["respond-boom"]!.status).toBe(500);
  expect(by["respond-boom"]!.json().errors[0].code).toBe("respond_failed");
  expect((await send("still up")).status).toBe(200);
  expect(log.lines.filter((l) => l["level"] === 50).length).toBeGreaterThanOrEqual(3);
  // Logs never carry request bodies.
  expect(JSON.stringify(log.lines)).not.toContain("good 1");
});
