// (a) The ceiling: node:http that reads and JSON-parses the same body, no model, fixed answer.
import { createServer } from "node:http";

const name = process.env.BENCH_NAME ?? "spam";
const answer = JSON.stringify({ version: 1, data: { namespace: name, attributes: { label: "ham", score: 0.5 } } });
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
