/** The exposition of the fast hot-path families through prom-client's Registry. */
import { expect, test } from "vitest";
import { ServerMetrics } from "../../../runtimes/serve/metrics.js";

test("histograms are cumulative with +Inf, sum and count; counters and gauges render", async () => {
  const m = new ServerMetrics(
    { name: "spam", version: "SPAM-COMPILED-1", alias: "", specHash: "abc" },
    () => 7,
    () => true,
  );
  m.request("/spam/v1/predict", 200, 0.0007);
  m.request("/spam/v1/predict", 200, 0.003);
  m.request("/spam/v1/predict", 400, 0.0001);
  m.error("wrong_namespace");
  m.batch(3, 0.002);
  m.queueWait(0.0004);
  const text = await m.text();
  expect(text).toContain("# TYPE mesh_http_request_duration_seconds histogram");
  expect(text).toContain('mesh_http_request_duration_seconds_bucket{route="/spam/v1/predict",status="200",le="0.0005"} 0');
  expect(text).toContain('mesh_http_request_duration_seconds_bucket{route="/spam/v1/predict",status="200",le="0.001"} 1');
  expect(text).toContain('mesh_http_request_duration_seconds_bucket{route="/spam/v1/predict",status="200",le="0.005"} 2');
  expect(text).toContain('mesh_http_request_duration_seconds_bucket{route="/spam/v1/predict",status="200",le="+Inf"} 2');
  expect(text).toContain('mesh_http_request_duration_seconds_count{route="/spam/v1/predict",status="200"} 2');
  expect(text).toMatch(/mesh_http_request_duration_seconds_sum\{route="\/spam\/v1\/predict",status="200"\} 0\.0037/);
  expect(text).toContain("# TYPE mesh_http_requests_total counter");
  expect(text).toContain('mesh_http_requests_total{route="/spam/v1/predict",status="400"} 1');
  expect(text).toContain('mesh_http_errors_total{code="wrong_namespace"} 1');
  expect(text).toContain('mesh_batch_rows_bucket{le="4"} 1');
  expect(text).toContain("mesh_batch_rows_sum 3");
  expect(text).toContain('mesh_queue_wait_seconds_bucket{le="0.0005"} 1');
  expect(text).toContain("mesh_queue_rows 7");
  expect(text).toContain("mesh_ready 1");
  expect(text).toContain('mesh_model_info{name="spam",version="SPAM-COMPILED-1",alias="",spec_hash="abc"} 1');
});
