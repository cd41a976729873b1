/**
 * The registry browser's server without a browser: security headers, read-only methods, the
 * Host check, bounded and validated paging, clear 4xx answers, older cards without training
 * records, a registry without alias methods, and `mesh registry ui` starting, printing its URL
 * and stopping.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registryUi } from "../../../compiler/cli/commands/registry-ui.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { MeshRegistry } from "../../../runtimes/registry/types.js";
import { CONTENT_SECURITY_POLICY, startUiServer, type UiServer } from "../../../runtimes/registry-ui/server.js";
import { promoteCommand, shellQuote } from "../../../runtimes/registry-ui/shell.js";
import { createViews } from "../../../runtimes/registry-ui/views.js";

let root: string;
let reg: MeshRegistry;
let ui: UiServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mesh-registry-ui-server-"));
  reg = openRegistry(`file://${root}`);
  // A card as mesh wrote them before training records existed: no `training`, no sizes.
  const old = {
    type: "trained" as const,
    project: "old",
    specHash: "c".repeat(64),
    params: { trainer: "logistic-regression" },
    metrics: {
      accuracy: 0.8,
      confusion: {
        labels: ["a", "b"],
        matrix: [
          [4, 1],
          [1, 4],
        ],
      },
    },
    toolVersion: "0.0.9",
  };
  await reg.publishModel("old", "OLD", "TRAINED", {}, old);
  await reg.publishModel("old", "OLD", "TRAINED", {}, { ...old, metrics: { accuracy: 0.85 } });
  ui = await startUiServer(reg, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await ui?.close();
  await rm(root, { recursive: true, force: true });
});

function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, ui.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("registry ui server", () => {
  test("every answer carries the strict CSP and nosniff; the page has no inline script or style", async () => {
    for (const path of ["/", "/assets/app.js", "/assets/chart.umd.min.js", "/api/projects", "/nope"]) {
      const r = await raw("GET", path);
      expect(r.headers["content-security-policy"], path).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers["x-content-type-options"], path).toBe("nosniff");
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|http/);
    const page = await raw("GET", "/");
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]|\sstyle=|<style|\son[a-z]+=/i);
    const chart = await raw("GET", "/assets/chart.umd.min.js");
    expect(chart.status).toBe(200);
    expect(chart.body).toContain("Chart.js v4");
  });

  test("read-only: methods other than GET and HEAD are 405 with Allow; HEAD has no body", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const r = await raw(method, "/api/projects");
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
    const head = await raw("HEAD", "/api/projects");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
  });

  test("a foreign Host header (DNS rebinding) is refused", async () => {
    expect((await raw("GET", "/api/projects", { host: "evil.example:80" })).status).toBe(421);
    expect((await raw("GET", "/api/projects", { host: `localhost:${new URL(ui.url).port}` })).status).toBe(200);
  });

  test("paging is validated and bounded; unknown things are 404 with a sentence", async () => {
    const list = async (q: string) => raw("GET", `/api/projects/old/models/OLD-TRAINED/versions${q}`);
    const page = JSON.parse((await list("?limit=1")).body);
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 1 });
    expect(page.rows.map((r: { id: string }) => r.id)).toEqual(["OLD-TRAINED-2"]);
    expect(JSON.parse((await list("?offset=1&limit=1")).body).rows[0].id).toBe("OLD-TRAINED-1");
    for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?offset=-1"]) expect((await list(q)).status, q).toBe(400);
    const missing = await raw("GET", "/api/projects/nope");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toBe('no project "nope" in this registry');
    expect((await raw("GET", "/api/projects/old/versions/OLD-TRAINED-9")).status).toBe(404);
    expect((await raw("GET", "/api/projects/old/versions/not-an-id")).status).toBe(400);
    expect((await raw("GET", "/api/projects/old/compare?a=OLD-TRAINED-1")).status).toBe(400);
    expect((await raw("GET", "/api/projects/%2e%2e/versions/x")).status).toBe(404);
  });

  test("a version folder without a card (copied in by hand) is one error row, not a failed page", async () => {
    const own = await mkdtemp(join(tmpdir(), "mesh-registry-ui-handmade-"));
    const r2 = openRegistry(`file://${own}`);
    await r2.publishModel("handmade", "HM", "TRAINED", {}, { type: "trained", project: "handmade", specHash: "d".repeat(64), params: {}, metrics: { accuracy: 0.5 }, toolVersion: "test" });
    await mkdir(join(own, "handmade", "models", "HM-TRAINED", "2"), { recursive: true });
    const server = await startUiServer(r2, { host: "127.0.0.1", port: 0 });
    try {
      const r = await fetch(new URL("/api/projects/handmade/models/HM-TRAINED/versions", server.url), { headers: { host: new URL(server.url).host } });
      const body = await r.text();
      expect(r.status, body).toBe(200);
      const rows = JSON.parse(body).rows as { id: string; error?: string }[];
      expect(rows.map((x) => [x.id, typeof x.error])).toEqual([
        ["HM-TRAINED-2", "string"],
        ["HM-TRAINED-1", "undefined"],
      ]);
    } finally {
      await server.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  test("an older card without training records still reads, with its metrics and the promote command", async () => {
    const v = JSON.parse((await raw("GET", "/api/projects/old/versions/OLD-TRAINED-1")).body);
    expect(v).toMatchObject({ id: "OLD-TRAINED-1", metrics: { accuracy: 0.8 }, training: null, golden: null, tensors: null, servable: false, promote: null });
    const cmp = JSON.parse((await raw("GET", "/api/projects/old/compare?a=OLD-TRAINED-1&b=OLD-TRAINED-2")).body);
    expect(cmp.metrics).toEqual([{ name: "accuracy", a: 0.8, b: 0.85, delta: 0.85 - 0.8 }]);
    expect(cmp.a.curves).toBeNull();
  });

  test("a registry without alias methods still browses (aliases feature-detected)", async () => {
    const { listAliases: _l, aliasHistory: _h, setAlias: _s, resolveAlias: _r, ...rest } = reg;
    const bare = await startUiServer(rest as unknown as MeshRegistry, { host: "127.0.0.1", port: 0 });
    try {
      const p = (await fetch(`${bare.url}api/projects/old`).then((r) => r.json())) as { aliasesSupported: boolean; aliases: unknown[] };
      expect(p).toMatchObject({ aliasesSupported: false, aliases: [] });
      expect(await fetch(`${bare.url}api/projects/old/aliases`).then((r) => r.json())).toMatchObject({ supported: false });
    } finally {
      await bare.close();
    }
  });

  test("version lists are cached briefly, then answered stale while a fresh list loads (append-only lists)", async () => {
    let clock = 0;
    const views = createViews(reg, () => clock);
    const ids = async () => (await views.modelVersions("old", "OLD-TRAINED", { offset: 0, limit: 10 })).rows.map((r) => r.id);
    expect(await ids()).toEqual(["OLD-TRAINED-2", "OLD-TRAINED-1"]);
    const third = await reg.publishModel("old", "OLD", "TRAINED", {}, { type: "trained", project: "old", specHash: "c".repeat(64), params: {}, metrics: { accuracy: 0.9 }, toolVersion: "0.0.9" });
    clock = 1000;
    expect(await ids()).toEqual(["OLD-TRAINED-2", "OLD-TRAINED-1"]); // fresh for 3 s
    clock = 5000;
    expect(await ids()).toEqual(["OLD-TRAINED-2", "OLD-TRAINED-1"]); // stale answer, refresh started
    await expect.poll(ids).toEqual([`OLD-TRAINED-${third.version}`, "OLD-TRAINED-2", "OLD-TRAINED-1"]);
  });

  test("the promote command is shell-quoted", () => {
    expect(shellQuote("file:///tmp/a b")).toBe("'file:///tmp/a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(promoteCommand("spam", "SPAM-COMPILED-1", "s3://bucket/mesh")).toBe("mesh registry promote spam/SPAM-COMPILED-1 --alias production --registry s3://bucket/mesh");
    expect(promoteCommand("spam", "SPAM-COMPILED-1", "file:///x/$(rm -rf ~)")).toBe("mesh registry promote spam/SPAM-COMPILED-1 --alias production --registry 'file:///x/$(rm -rf ~)'");
  });
});

describe("mesh registry ui (command)", () => {
  test("prints its URL, serves the registry it was given, stops when told, exit 0", async () => {
    const out: string[] = [];
    const err: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let url = "";
    const listening = new Promise<void>((resolve) => {
      void registryUi({ registry: `file://${root}`, port: 0, host: "127.0.0.1" }, { cwd: root, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, stopped, (u) => {
        url = u;
        resolve();
      }).then((code) => out.push(`exit ${code}`));
    });
    await listening;
    expect(out[0]).toBe(`mesh registry ui: file://${root} on ${url} (read-only; Ctrl-C stops)\n`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const projects = (await fetch(`${url}api/projects`).then((r) => r.json())) as { projects: string[] };
    expect(projects.projects).toEqual(["old"]);
    stop();
    await expect.poll(() => out.at(-1)).toBe("exit 0");
    await expect(fetch(`${url}api/projects`)).rejects.toThrow();
  });
});
