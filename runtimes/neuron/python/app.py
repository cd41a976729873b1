"""Neuron inference server: the mesh HTTP contract over a traced TorchScript model."""
import argparse
import asyncio
import html
import json
import math
import os
import re
import signal
import sys
import time

try:
    import numpy as np
    import torch
    import uvicorn
    from fastapi import FastAPI, Request
    from fastapi.responses import Response
    from starlette.requests import ClientDisconnect
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ImportError as err:
    print("app.py: %s for %s; the Neuron server needs torch, numpy, fastapi and uvicorn (Debian: python3-torch python3-numpy python3-fastapi python3-uvicorn)" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

from featurizers import Featurizer

HERE = os.path.dirname(os.path.abspath(__file__))
# The alias the served version was picked through (set by mesh like MESH_MODEL_REF=production);
# it becomes a metrics label and a /bio field, so only what the registry accepts as an alias.
ALIAS_PATTERN = "^[a-z][a-z0-9_]{0,31}$"
MAX_ERRORS = 20
LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
RETRY = {"retry-after": "1"}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


API = load_json(os.path.join(HERE, "api.json"))
OPENAPI_TEXT = open(os.path.join(HERE, "openapi.json"), encoding="utf-8").read()
NAME = API["name"]
BASE = API["basePath"]
LABELS = API["labels"]
ENV = API["env"]


def parse_setting(name, decl, raw):
    """The value of one MESH_* variable by its declaration in api.json, or raises ValueError naming it and the bound."""
    kind = decl["type"]
    if kind == "string":
        return raw
    if kind == "boolean":
        v = raw.strip().lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off"):
            return False
        raise ValueError("invalid %s: expected true or false, got %s" % (name, json.dumps(raw)))
    if kind == "enum":
        if raw in decl["values"]:
            return raw
        raise ValueError("invalid %s: expected one of %s, got %s" % (name, ", ".join(decl["values"]), json.dumps(raw)))
    if not re.match(r"^\s*-?\d+\s*$", raw):
        raise ValueError("invalid %s: expected an integer, got %s" % (name, json.dumps(raw)))
    n = int(raw)
    if "min" in decl and n < decl["min"]:
        raise ValueError("invalid %s: expected an integer >= %d, got %d" % (name, decl["min"], n))
    if "max" in decl and n > decl["max"]:
        raise ValueError("invalid %s: expected an integer <= %d, got %d" % (name, decl["max"], n))
    return n


def load_settings(environ):
    """key -> value: api.json's defaults (the spec's) overlaid by the environment; raises ValueError with one sentence."""
    for name in sorted(environ):
        if not name.startswith("MESH_") or name in ENV:
            continue
        if name in API["unsupported"]:
            raise ValueError("%s is a setting of the TypeScript server that the Neuron server cannot honour; unset it" % name)
        raise ValueError("unknown environment variable %s; the Neuron server reads only: %s" % (name, ", ".join(sorted(ENV))))
    out = {}
    for name, decl in ENV.items():
        raw = environ.get(name)
        out[decl["key"]] = parse_setting(name, decl, raw) if raw not in (None, "") else decl["default"]
    if out["batchEnabled"] and out["maxRows"] > out["queueRows"]:
        raise ValueError("invalid MESH_MAX_ROWS: %d exceeds MESH_QUEUE_ROWS (%d); one request could never fit the queue" % (out["maxRows"], out["queueRows"]))
    return out


def check_traced_batch(settings, specs):
    """A fixed-batch trace cannot take more rows per call than it was traced with; None or the sentence refusing the start."""
    traced = int(specs["tracing__batch_size"])
    if settings["batchEnabled"] and specs.get("tracing__dynamic_batch") is False and settings["batchMax"] > traced:
        return "invalid MESH_BATCH_MAX: %d exceeds the batch size %d the model was traced with (fixed batch); set MESH_BATCH_MAX <= %d or trace with dynamic_batch" % (settings["batchMax"], traced, traced)
    return None


# key -> value of every setting (load_settings), filled by main before the app starts.
SETTINGS = {}


# ---------------------------------------------------------------- responses


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def send_json(status, body, headers=None):
    return Response(dumps(body), status_code=status, media_type="application/json; charset=utf-8", headers=headers)


def api_error(status, code, detail, pointer=None):
    e = {"status": str(status), "code": code, "detail": detail}
    if pointer is not None:
        e["source"] = {"pointer": pointer}
    return e


def send_errors(errors, headers=None):
    METRICS.error(errors[0]["code"])
    return send_json(int(errors[0]["status"]), {"errors": errors}, headers)


def send_error(status, code, detail, pointer=None, headers=None):
    return send_errors([api_error(status, code, detail, pointer)], headers)


# ---------------------------------------------------------------- metrics (Prometheus text)


class Histogram:
    def __init__(self, buckets):
        self.buckets = buckets
        self.series = {}

    def observe(self, value, labels=()):
        counts, total = self.series.get(labels, ([0] * len(self.buckets), [0.0, 0]))
        for i, b in enumerate(self.buckets):
            if value <= b:
                counts[i] += 1
        total[0] += value
        total[1] += 1
        self.series[labels] = (counts, total)


def label_text(names, values, extra=()):
    pairs = list(zip(names, values)) + list(extra)
    if not pairs:
        return ""
    esc = lambda v: str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')  # noqa: E731
    return "{" + ",".join('%s="%s"' % (k, esc(v)) for k, v in pairs) + "}"


def fmt(v):
    return repr(float(v)) if not float(v).is_integer() else str(int(v))


class Metrics:
    def __init__(self):
        self.requests = {}
        self.errors = {}
        self.latency = Histogram(LATENCY_BUCKETS)
        self.batch_rows = Histogram(ROW_BUCKETS)
        self.queue_wait = Histogram(LATENCY_BUCKETS)
        self.compute = Histogram(LATENCY_BUCKETS)

    def request(self, route, status, seconds):
        key = (route, str(status))
        self.requests[key] = self.requests.get(key, 0) + 1
        self.latency.observe(seconds, key)

    def error(self, code):
        self.errors[code] = self.errors.get(code, 0) + 1

    def text(self, model_version, queue_rows, ready):
        out = []

        def head(name, kind, help_text):
            out.append("# HELP %s %s" % (name, help_text))
            out.append("# TYPE %s %s" % (name, kind))

        def histogram(name, help_text, h, names):
            head(name, "histogram", help_text)
            for labels, (counts, total) in sorted(h.series.items()):
                for b, c in zip(h.buckets, counts):
                    out.append("%s_bucket%s %d" % (name, label_text(names, labels, [("le", fmt(b))]), c))
                out.append("%s_bucket%s %d" % (name, label_text(names, labels, [("le", "+Inf")]), total[1]))
                out.append("%s_sum%s %s" % (name, label_text(names, labels), repr(total[0])))
                out.append("%s_count%s %d" % (name, label_text(names, labels), total[1]))

        head("mesh_http_requests_total", "counter", "HTTP requests answered, by route template and status.")
        for (route, status), n in sorted(self.requests.items()):
            out.append("mesh_http_requests_total%s %d" % (label_text(("route", "status"), (route, status)), n))
        histogram("mesh_http_request_duration_seconds", "Time from request arrival to response, by route template and status.", self.latency, ("route", "status"))
        head("mesh_http_errors_total", "counter", "Error responses, by error code.")
        for code, n in sorted(self.errors.items()):
            out.append("mesh_http_errors_total%s %d" % (label_text(("code",), (code,)), n))
        histogram("mesh_batch_rows", "Rows per model call.", self.batch_rows, ())
        histogram("mesh_queue_wait_seconds", "Time a request waited in the batch queue before its model call started.", self.queue_wait, ())
        histogram("mesh_compute_seconds", "Time of one model call (encode + model + decode of outputs).", self.compute, ())
        head("mesh_queue_rows", "gauge", "Rows waiting in the batch queue.")
        out.append("mesh_queue_rows %d" % queue_rows)
        head("mesh_ready", "gauge", "1 when the server is ready (model loaded, warm-up passed, not draining).")
        out.append("mesh_ready %d" % (1 if ready else 0))
        head("mesh_model_info", "gauge", "The served model version and the alias it was picked through (value is always 1).")
        out.append("mesh_model_info%s 1" % label_text(("name", "version", "alias", "spec_hash"), (NAME, model_version, model_alias(), API.get("specHash") or "")))
        return "\n".join(out) + "\n"


METRICS = Metrics()


def model_alias():
    """MESH_MODEL_ALIAS, checked at start (main); "" when the version was not picked through an alias."""
    return SETTINGS["modelAlias"]


# ---------------------------------------------------------------- decoding (as runtimes/serve/request-contract.ts)


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def member(base, name):
    return base + "/" + name.replace("~", "~0").replace("/", "~1")


def fail(errors, code, pointer, detail):
    if len(errors) < MAX_ERRORS:
        errors.append(api_error(400, code, detail, pointer))


def num_text(n):
    return str(int(n)) if float(n).is_integer() else repr(float(n))


def check_field(f, v, pointer, errors):
    """One declared field: type, length, range, enum, finiteness; one error at most."""
    t = f["type"]
    if t == "string":
        if not isinstance(v, str):
            fail(errors, "invalid_type", pointer, "must be a string, got " + kind(v))
            return False
        # Code points, as JSON Schema's maxLength (and so the TypeScript server's ajv) count.
        if f.get("maxLength") is not None and len(v) > f["maxLength"]:
            fail(errors, "too_long", pointer, "must be at most %d characters long" % f["maxLength"])
            return False
        if f.get("enum") and v not in f["enum"]:
            fail(errors, "not_in_enum", pointer, "must be one of " + ", ".join(f["enum"]))
            return False
        return True
    if t in ("number", "integer"):
        if not is_number(v):
            fail(errors, "invalid_type", pointer, "must be %s, got %s" % ("an integer" if t == "integer" else "a number", kind(v)))
            return False
        if not math.isfinite(v):
            fail(errors, "not_finite", pointer, "must be a finite number")
            return False
        if t == "integer" and not float(v).is_integer():
            fail(errors, "invalid_type", pointer, "must be an integer")
            return False
        lo, hi = f.get("min"), f.get("max")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            if lo is not None and hi is not None:
                what = "between %s and %s" % (num_text(lo), num_text(hi))
            elif lo is not None:
                what = "at least " + num_text(lo)
            else:
                what = "at most " + num_text(hi)
            fail(errors, "out_of_range", pointer, "must be " + what)
            return False
        return True
    if t == "boolean":
        if not isinstance(v, bool):
            fail(errors, "invalid_type", pointer, "must be a boolean, got " + kind(v))
            return False
        return True
    fail(errors, "invalid_type", pointer, "has an unsupported type")
    return False


def refuse_unknown(o, known, base, what, errors):
    for name in o:
        if name not in known:
            fail(errors, "unknown_field", member(base, name), "is not " + what)


def schema_fields(schema_name, names):
    """The request fields in declaration order (api.json), each with its constraints read from
    the JSON Schema the OpenAPI document publishes: one request contract for every server."""
    properties = json.loads(OPENAPI_TEXT)["components"]["schemas"][schema_name]["properties"]
    fields = []
    for name in names:
        schema = properties[name]
        field = {"name": name, "type": schema.get("type")}
        for key, ours in (("maxLength", "maxLength"), ("minimum", "min"), ("maximum", "max"), ("enum", "enum"), ("default", "default")):
            if key in schema:
                field[ours] = schema[key]
        fields.append(field)
    return fields


ATTRIBUTES = schema_fields("Attributes", API["attributes"])
PARAMETERS = schema_fields("Parameters", API["parameters"])


def decode_attributes(v, max_rows, errors):
    fields = ATTRIBUTES
    names = ", ".join(f["name"] for f in fields) or "none"
    if v is MISSING:
        fail(errors, "required", "/data/attributes", "is required")
        return None
    if not isinstance(v, dict):
        fail(errors, "invalid_type", "/data/attributes", "must be an object, got " + kind(v))
        return None
    refuse_unknown(v, {f["name"] for f in fields}, "/data/attributes", "an attribute of %s (attributes: %s)" % (NAME, names), errors)
    if not fields:
        return [{}], False
    ptr = {f["name"]: "/data/attributes/" + f["name"] for f in fields}
    for f in fields:
        if f["name"] not in v:
            fail(errors, "required", ptr[f["name"]], "is required")
    if errors:
        return None
    first = fields[0]
    if not isinstance(v[first["name"]], list):
        for f in fields:
            check_field(f, v[f["name"]], ptr[f["name"]], errors)
        return (None if errors else ([v], False))
    n = len(v[first["name"]])
    if n == 0:
        fail(errors, "empty_batch", ptr[first["name"]], "must hold at least one row")
        return None
    if n > max_rows:
        fail(errors, "too_many_rows", ptr[first["name"]], "must hold at most %d rows, got %d" % (max_rows, n))
        return None
    for f in fields[1:]:
        col = v[f["name"]]
        if not isinstance(col, list):
            fail(errors, "invalid_type", ptr[f["name"]], "must be an array like the other attributes (batch form), got " + kind(col))
        elif len(col) != n:
            fail(errors, "length_mismatch", ptr[f["name"]], "must hold %d rows like %s, got %d" % (n, first["name"], len(col)))
    if errors:
        return None
    for f in fields:
        for i in range(n):
            if len(errors) >= MAX_ERRORS:
                break
            check_field(f, v[f["name"]][i], "%s/%d" % (ptr[f["name"]], i), errors)
    if errors:
        return None
    return [{f["name"]: v[f["name"]][i] for f in fields} for i in range(n)], True


MISSING = object()


def decode_parameters(v, errors):
    params = PARAMETERS
    out = {p["name"]: p["default"] for p in params if "default" in p}
    if v is MISSING or v is None:
        return out
    if not isinstance(v, dict):
        fail(errors, "invalid_type", "/data/parameters", "must be an object, got " + kind(v))
        return out
    names = ", ".join(p["name"] for p in params) or "none"
    refuse_unknown(v, {p["name"] for p in params}, "/data/parameters", "a parameter of %s (parameters: %s)" % (NAME, names), errors)
    for p in params:
        if p["name"] in v and check_field(p, v[p["name"]], "/data/parameters/" + p["name"], errors):
            out[p["name"]] = v[p["name"]]
    return out


def decode(data, max_rows):
    """(rows, parameters, batch) or (None, errors, None)."""
    errors = []
    if not isinstance(data, dict):
        fail(errors, "invalid_type", "/data", "must be an object, got " + kind(data))
        return None, errors, None
    refuse_unknown(data, {"attributes", "identifier", "namespace", "parameters"}, "/data", "a member of data (namespace, attributes, parameters, identifier)", errors)
    if "namespace" not in data:
        fail(errors, "required", "/data/namespace", "is required")
    elif data["namespace"] != API["namespace"]:
        fail(errors, "wrong_namespace", "/data/namespace", 'must be "%s"' % API["namespace"])
    identifier = data.get("identifier")
    if identifier is not None and not isinstance(identifier, str):
        fail(errors, "invalid_type", "/data/identifier", "must be a string or null, got " + kind(identifier))
    attributes = decode_attributes(data.get("attributes", MISSING), max_rows, errors)
    parameters = decode_parameters(data.get("parameters", MISSING), errors)
    if attributes is None or errors:
        return None, errors, None
    rows, batch = attributes
    return rows, parameters, batch


# ---------------------------------------------------------------- answers (as respond-plan.ts)


def respond_row(p, parameters):
    if API["threshold"]:
        best = 1 if float(p[1]) >= parameters.get("threshold", 0.5) else 0
    else:
        best = int(np.argmax(p))
    out = {}
    for f in API["response"]:
        if f["rule"] == "label":
            out[f["field"]] = LABELS[best]
        elif f["rule"] == "score":
            out[f["field"]] = float(p[best])
        elif f["rule"] == "scores":
            out[f["field"]] = {label: float(p[i]) for i, label in enumerate(LABELS)}
    return out


def respond(probabilities, parameters, batch):
    rows = [respond_row(p, parameters) for p in probabilities]
    if not batch:
        return rows[0]
    return {f["field"]: [r[f["field"]] for r in rows] for f in API["response"]}


# ---------------------------------------------------------------- the model and the batch queue


class Model:
    def __init__(self, model_dir):
        self.dir = model_dir
        neuron = os.path.join(model_dir, "neuron")
        self.specs = load_json(os.path.join(neuron, "compilation_specs.json"))
        self.featurizer = Featurizer(load_json(os.path.join(neuron, "features.json")))
        card_path = os.path.join(model_dir, "card.json")
        self.card = load_json(card_path) if os.path.exists(card_path) else {}
        self.version = self.card.get("id") or "local"
        if self.specs.get("tracing__neuron"):
            __import__("torch_neuron" if self.specs.get("instance") == "inf1" else "torch_neuronx")
        self.module = torch.jit.load(os.path.join(neuron, "model.pt"))
        self.batch_size = int(self.specs["tracing__batch_size"])
        self.width = int(self.specs["tracing__max_length"])

    def run(self, features):
        """Probabilities of every row, fed in chunks of the traced batch size (last one padded)."""
        out = []
        with torch.no_grad():
            for start in range(0, features.shape[0], self.batch_size):
                chunk = features[start:start + self.batch_size]
                padded = np.zeros((self.batch_size, self.width), dtype=np.float32)
                padded[: chunk.shape[0]] = chunk
                out.append(self.module(torch.from_numpy(padded)).numpy()[: chunk.shape[0]])
        return np.concatenate(out)


class Batcher:
    """Gathers rows of concurrent requests into one model call (max_batch rows, max_delay_ms)."""

    def __init__(self, model, settings):
        self.model = model
        self.max_batch = max(1, int(settings["batchMax"])) if settings["batchEnabled"] else 1 << 30
        self.delay = settings["batchDelayMs"] / 1000.0 if settings["batchEnabled"] else 0.0
        self.capacity = int(settings["queueRows"])
        self.jobs = []
        self.rows = 0
        self.wake = asyncio.Event()
        self.task = None

    def submit(self, features):
        if self.rows + features.shape[0] > max(self.capacity, features.shape[0]) and self.jobs:
            return None
        future = asyncio.get_running_loop().create_future()
        self.jobs.append((features, future, time.perf_counter()))
        self.rows += features.shape[0]
        self.wake.set()
        return future

    async def loop(self):
        while True:
            await self.wake.wait()
            if self.delay > 0 and self.rows < self.max_batch:
                await asyncio.sleep(self.delay)
            take, rows = [], 0
            while self.jobs and (not take or rows + self.jobs[0][0].shape[0] <= self.max_batch):
                job = self.jobs.pop(0)
                take.append(job)
                rows += job[0].shape[0]
            self.rows -= rows
            if not self.jobs:
                self.wake.clear()
            started = time.perf_counter()
            for _, _, queued in take:
                METRICS.queue_wait.observe(started - queued)
            try:
                batch = np.concatenate([f for f, _, _ in take])
                result = await asyncio.get_running_loop().run_in_executor(None, self.model.run, batch)
            except Exception as err:  # the model failed: every request of the batch gets 500
                for _, future, _ in take:
                    if not future.done():
                        future.set_exception(err)
                continue
            METRICS.batch_rows.observe(rows)
            METRICS.compute.observe(time.perf_counter() - started)
            at = 0
            for features, future, _ in take:
                n = features.shape[0]
                if not future.done():
                    future.set_result(result[at:at + n])
                at += n


class State:
    model = None
    batcher = None
    ready = False
    draining = False


STATE = State()


# ---------------------------------------------------------------- request bodies


def is_json_type(header):
    if not header:
        return False
    t = header.split(";", 1)[0].strip().lower()
    return t == "application/json" or (t.startswith("application/") and t.endswith("+json"))


def parse_int(text):
    return int(text) if len(text) <= 15 else float(text)


def refuse_constant(name):
    raise ValueError("%s is not valid JSON" % name)


async def read_json(request):
    """(value, None) or (None, error response)."""
    ctype = request.headers.get("content-type")
    if not is_json_type(ctype):
        got = json.dumps(ctype[:100]) if ctype else "none"
        return None, send_error(415, "unsupported_media_type", "expected Content-Type: application/json, got " + got, None, {"connection": "close"})
    limit = SETTINGS["bodyBytes"]
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None, send_error(413, "payload_too_large", "the request body exceeds the limit of %d bytes" % limit, "", {"connection": "close"})

    async def collect():
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        body = await asyncio.wait_for(collect(), SETTINGS["timeoutMs"] / 1000.0)
    except ClientDisconnect:
        return None, send_error(400, "bad_request", "the request body could not be read", None, {"connection": "close"})
    except asyncio.TimeoutError:
        return None, send_error(408, "request_timeout", "the request body did not arrive within %d ms" % SETTINGS["timeoutMs"], None, {"connection": "close"})
    if body is None:
        return None, send_error(413, "payload_too_large", "the request body exceeds the limit of %d bytes" % limit, "", {"connection": "close"})
    if not body:
        return None, send_error(400, "malformed_json", "the request body is empty; expected a JSON object", "")
    try:
        # As JavaScript reads it: invalid UTF-8 becomes U+FFFD, integers too long for a double
        # become floats (1e400 → inf, refused later as not finite), NaN/Infinity are not JSON.
        return json.loads(body.decode("utf-8", "replace"), parse_constant=refuse_constant, parse_int=parse_int), None
    except RecursionError:
        return None, send_error(400, "malformed_json", "the request body is not valid JSON: nested too deeply", "")
    except ValueError as err:
        return None, send_error(400, "malformed_json", "the request body is not valid JSON: %s" % str(err)[:200], "")


def not_ready():
    if STATE.draining:
        return send_error(503, "draining", "the server is shutting down", None, RETRY)
    return send_error(503, "not_ready", "the model is not loaded yet", None, RETRY)


async def run_rows(features):
    future = STATE.batcher.submit(features)
    if future is None:
        return None, send_error(503, "queue_full", "the server is overloaded; retry shortly", None, RETRY)
    try:
        return await asyncio.wait_for(future, SETTINGS["timeoutMs"] / 1000.0), None
    except asyncio.TimeoutError:
        return None, send_error(504, "timeout", "the model did not answer within %d ms" % SETTINGS["timeoutMs"])
    except Exception:
        return None, send_error(500, "inference_failed", "the model failed to run this request")


# ---------------------------------------------------------------- routes


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
ROUTES = set()  # route templates, filled at startup


@app.middleware("http")
async def count(request, call_next):
    start = time.perf_counter()
    response = await call_next(request)
    path = request.url.path
    # Route templates only: unknown paths share one label, so metrics stay bounded.
    METRICS.request(path if path in ROUTES else "unmatched", response.status_code, time.perf_counter() - start)
    return response


@app.exception_handler(StarletteHTTPException)
async def http_error(request, exc):
    if exc.status_code == 405:
        allow = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow") or ""
        return send_error(405, "method_not_allowed", "use %s for this route" % allow, None, {"allow": allow} if allow else None)
    return send_error(404, "not_found", "no such route; see the docs page under /<name>/v1/docs")


@app.get(BASE + "/live")
async def live():
    return send_json(200, {"live": True})


@app.get(BASE + "/ready")
async def ready():
    if STATE.ready and not STATE.draining:
        return send_json(200, {"ready": True})
    return send_json(503, {"ready": False, "reason": "draining" if STATE.draining else "loading"}, RETRY)


@app.get(BASE + "/bio")
async def bio():
    m = STATE.model
    card = m.card if m else {}
    version = m.version if m else "local"
    parent = card.get("parent") if isinstance(card.get("parent"), str) else None
    obj = lambda v: v if isinstance(v, dict) else None  # noqa: E731
    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    return send_json(200, {
        "name": NAME,
        "version": version,
        "alias": model_alias() or None,
        "versions": {"served": version, "parent": parent},
        "lineage": [parent, version] if parent else [version],
        "type": text(card.get("type")),
        "metrics": obj(card.get("metrics")) or {},
        "target": obj(card.get("target")),
        "dataset": obj(card.get("dataset")),
        "specHash": API.get("specHash"),
        "modelSpecHash": text(card.get("specHash")),
        "createdAt": text(card.get("createdAt")),
        "meshVersion": API.get("meshVersion"),
        "labels": LABELS,
        "inputs": API["inputs"],
        "outputs": API["outputs"],
    })


@app.get(BASE + "/openapi.json")
async def openapi():
    return Response(OPENAPI_TEXT, media_type="application/json; charset=utf-8")


def docs_page():
    doc = json.loads(OPENAPI_TEXT)
    info = doc.get("info") or {}
    rows = []
    for path, item in sorted((doc.get("paths") or {}).items()):
        for method in ("get", "post", "put", "patch", "delete"):
            op = (item or {}).get(method)
            if not op:
                continue
            summary = op.get("summary") or op.get("description") or ""
            responses = " ".join(sorted((op.get("responses") or {}).keys()))
            if method == "get":
                curl = "curl -s http://HOST:PORT" + path
            else:
                curl = "curl -s -X %s -H 'content-type: application/json' -d @request.json http://HOST:PORT%s" % (method.upper(), path)
            rows.append('<tr><td class="m %s">%s</td><td><code>%s</code></td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>' % (method, method.upper(), html.escape(path), html.escape(summary), html.escape(responses), html.escape(curl)))
    spec_url = BASE + "/openapi.json"
    return "\n".join([
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8"><title>%s</title></head><body>' % html.escape(info.get("title") or "API"),
        "<h1>%s <small>%s</small></h1>" % (html.escape(info.get("title") or "API"), html.escape(str(info.get("version") or ""))),
        "<p>%s</p>" % html.escape(info.get("description") or ""),
        '<p>Machine-readable: <a href="%s">%s</a></p>' % (html.escape(spec_url), html.escape(spec_url)),
        "<table><thead><tr><th>method</th><th>path</th><th>summary</th><th>responses</th><th>try</th></tr></thead><tbody>",
        "\n".join(rows),
        "</tbody></table></body></html>",
        "",
    ])


@app.get(BASE + "/docs")
async def docs():
    return Response(docs_page(), media_type="text/html; charset=utf-8", headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"})


@app.post(BASE + "/predict")
async def predict(request: Request):
    if not STATE.ready or STATE.draining:
        return not_ready()
    value, refused = await read_json(request)
    if refused is not None:
        return refused
    if not isinstance(value, dict):
        return send_error(400, "invalid_type", 'the request body must be a JSON object {"data": {...}}', "")
    extra = [k for k in value if k != "data"]
    if extra:
        return send_errors([api_error(400, "unknown_field", 'unknown member "%s"; the body holds only "data"' % k[:64], "/" + k.replace("~", "~0").replace("/", "~1")) for k in extra])
    if "data" not in value:
        return send_error(400, "missing_field", 'the request body must have a "data" member', "/data")
    max_rows = SETTINGS["maxRows"]
    rows, parameters, batch = decode(value["data"], max_rows)
    if rows is None:
        return send_errors(parameters or [api_error(400, "invalid_request", "the request is invalid", "/data")])
    probabilities, refused = await run_rows(STATE.model.featurizer.encode(rows))
    if refused is not None:
        return refused
    return send_json(200, {"version": 1, "data": {"namespace": API["namespace"], "attributes": respond(probabilities, parameters, batch)}})


@app.get("/v2")
async def v2_server():
    return send_json(200, {"name": "mesh", "version": API.get("meshVersion") or "unknown", "extensions": []})


@app.get("/v2/health/live")
async def v2_live():
    return send_json(200, {"live": True})


@app.get("/v2/health/ready")
async def v2_ready():
    ok = STATE.ready and not STATE.draining
    return send_json(200 if ok else 503, {"ready": ok}, None if ok else RETRY)


@app.get("/v2/models/" + NAME)
async def v2_model():
    return send_json(200, {"name": NAME, "versions": [STATE.model.version if STATE.model else "local"], "platform": "pytorch_torchscript", "inputs": API["inputs"], "outputs": API["outputs"]})


@app.get("/v2/models/" + NAME + "/ready")
async def v2_model_ready():
    ok = STATE.ready and not STATE.draining
    return send_json(200 if ok else 503, {"name": NAME, "ready": ok}, None if ok else RETRY)


def js_stringify(v):
    """JSON.stringify(v) as the TypeScript server prints it in messages ("undefined" when absent)."""
    if v is MISSING:
        return "undefined"
    if isinstance(v, float) and math.isfinite(v) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def flatten(v, out, depth):
    if not isinstance(v, list):
        return False
    for x in v:
        if is_number(x):
            out.append(x)
        elif depth < 8 and flatten(x, out, depth + 1):
            continue
        else:
            return False
    return True


def decode_v2(body, max_rows):
    """(rows of float32, requested outputs, id) or (None, errors, None), as v2-tensors.ts."""
    bad = lambda pointer, code, detail: api_error(400, code, detail, pointer)  # noqa: E731
    if not isinstance(body, dict):
        return None, [bad("", "invalid_type", 'the request body must be a JSON object {"inputs": [...]}')], None
    errors = [bad(member("", k), "unknown_field", 'unknown member "%s"' % k[:64]) for k in body if k not in ("id", "parameters", "inputs", "outputs")]
    if "id" in body and not isinstance(body["id"], str):
        errors.append(bad("/id", "invalid_type", "id must be a string"))
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        return None, errors + [bad("/inputs", "missing_field" if inputs is None else "invalid_type", "inputs must be an array of tensors")], None
    spec = API["inputs"][0]
    decoded = None
    seen = False
    for i, raw in enumerate(inputs):
        at = "/inputs/%d" % i
        name = raw.get("name", MISSING) if isinstance(raw, dict) else MISSING
        if name != spec["name"]:
            errors.append(bad(at + "/name", "unknown_input", "unknown input %s; the model takes %s" % (js_stringify(name)[:64], spec["name"])))
            continue
        if seen:
            errors.append(bad(at + "/name", "duplicate_input", 'input "%s" is given twice' % spec["name"]))
            continue
        seen = True
        for k in raw:
            if k not in ("name", "shape", "datatype", "data", "parameters"):
                errors.append(bad(member(at, k), "unknown_field", 'unknown member "%s"' % k[:64]))
        if raw.get("datatype") != spec["datatype"]:
            errors.append(bad(at + "/datatype", "invalid_datatype", 'input "%s" has datatype %s, got %s' % (spec["name"], spec["datatype"], js_stringify(raw.get("datatype", MISSING))[:32])))
        declared = "[%s]" % ", ".join(str(d) for d in spec["shape"])
        shape = raw.get("shape")
        if not isinstance(shape, list) or any(not is_number(d) or not math.isfinite(d) or not float(d).is_integer() or d < 0 or d > 2 ** 53 - 1 for d in shape):
            errors.append(bad(at + "/shape", "invalid_shape", "shape must be an array of non-negative integers (declared %s)" % declared))
            continue
        shape = [int(d) for d in shape]
        if len(shape) != len(spec["shape"]):
            errors.append(bad(at + "/shape", "invalid_shape", 'input "%s" has rank %d %s, got rank %d' % (spec["name"], len(spec["shape"]), declared, len(shape))))
            continue
        wrong = [j for j, want in enumerate(spec["shape"]) if want >= 0 and shape[j] != want]
        if wrong:
            j = wrong[0]
            errors.append(bad("%s/shape/%d" % (at, j), "invalid_shape", 'dimension %d of "%s" must be %d %s, got %d' % (j, spec["name"], spec["shape"][j], declared, shape[j])))
            continue
        rows = shape[0]
        if rows < 1 or rows > max_rows:
            errors.append(bad(at + "/shape/0", "empty_batch" if rows < 1 else "too_many_rows", "the batch dimension must be between 1 and %d, got %d" % (max_rows, rows)))
            continue
        size = 1
        for d in shape:
            size *= d
        flat = []
        if not flatten(raw.get("data"), flat, 0):
            errors.append(bad(at + "/data", "invalid_type", "data must be an array of numbers (flat or nested, row-major)"))
            continue
        if len(flat) != size:
            errors.append(bad(at + "/data", "invalid_size", "shape [%s] needs %d values, got %d" % (", ".join(str(d) for d in shape), size, len(flat))))
            continue
        nonfinite = [j for j, x in enumerate(flat) if not math.isfinite(x)]
        if nonfinite:
            errors.append(bad(at + "/data", "invalid_value", "element %d is not a finite number" % nonfinite[0]))
            continue
        decoded = np.asarray(flat, dtype=np.float32).reshape(shape)
    if not seen:
        errors.append(bad("/inputs", "missing_input", 'input "%s" is missing' % spec["name"]))
    wanted = []
    outputs = body.get("outputs")
    if outputs is not None:
        if not isinstance(outputs, list):
            errors.append(bad("/outputs", "invalid_type", "outputs must be an array of {name}"))
        else:
            for i, o in enumerate(outputs):
                name = o.get("name", MISSING) if isinstance(o, dict) else MISSING
                if name == API["outputs"][0]["name"]:
                    wanted.append(name)
                else:
                    errors.append(bad("/outputs/%d/name" % i, "unknown_output", "unknown output %s; the model gives %s" % (js_stringify(name)[:64], API["outputs"][0]["name"])))
    if errors:
        return None, errors, None
    return decoded, wanted, body.get("id")


@app.post("/v2/models/" + NAME + "/infer")
async def v2_infer(request: Request):
    if not STATE.ready or STATE.draining:
        return not_ready()
    value, refused = await read_json(request)
    if refused is not None:
        return refused
    features, wanted, request_id = decode_v2(value, SETTINGS["maxRows"])
    if features is None:
        return send_errors(wanted)
    probabilities, refused = await run_rows(features)
    if refused is not None:
        return refused
    out = API["outputs"][0]
    body = {"model_name": NAME, "model_version": STATE.model.version, "outputs": [{"name": out["name"], "datatype": out["datatype"], "shape": [int(probabilities.shape[0]), int(probabilities.shape[1])], "data": [float(x) for x in probabilities.reshape(-1)]}]}
    if request_id is not None:
        body["id"] = request_id
    return send_json(200, body)


@app.get("/metrics")
async def metrics():
    queued = STATE.batcher.rows if STATE.batcher else 0
    text = METRICS.text(STATE.model.version if STATE.model else "local", queued, STATE.ready and not STATE.draining)
    return Response(text, media_type="text/plain; version=0.0.4; charset=utf-8")


@app.on_event("startup")
async def load_model():
    ROUTES.update(r.path for r in app.routes)
    STATE.model = Model(SETTINGS["modelDir"])
    STATE.batcher = Batcher(STATE.model, SETTINGS)
    STATE.batcher.task = asyncio.get_running_loop().create_task(STATE.batcher.loop())
    # Warm-up: one batch through the traced model before ready says yes.
    STATE.model.run(np.zeros((1, STATE.model.width), dtype=np.float32))
    STATE.ready = True
    print("app.py: %s ready with %s (%s) on the batch queue (max %d rows)" % (NAME, STATE.model.version, STATE.model.specs.get("target"), STATE.batcher.max_batch), file=sys.stderr)


@app.on_event("shutdown")
async def stop_batcher():
    STATE.draining = True
    if STATE.batcher and STATE.batcher.task:
        STATE.batcher.task.cancel()


class DrainingServer(uvicorn.Server):
    """uvicorn's graceful shutdown bounded by MESH_DRAIN_MS, as the TypeScript server drains.

    On SIGTERM/SIGINT ready turns 503 and new predict/infer requests get 503 draining at once
    (not only once uvicorn reaches the lifespan shutdown, after the connections closed); uvicorn
    stops accepting, closes idle connections and lets requests in flight finish. It would wait
    for them without end, so at the deadline it stops waiting (force_exit) and the process
    exits, closing the connections still open.
    """

    def handle_exit(self, sig, frame):
        if not self.should_exit:
            STATE.draining = True
            drain_ms = SETTINGS["drainMs"]
            print("app.py: %s, draining (up to %d ms for requests in flight)" % (signal.Signals(sig).name, drain_ms), file=sys.stderr)
            asyncio.get_running_loop().call_later(drain_ms / 1000.0, self.drain_deadline)
        super().handle_exit(sig, frame)

    def drain_deadline(self):
        if self.force_exit:
            return
        print("app.py: drain deadline (MESH_DRAIN_MS): closing %d connection(s) still open" % len(self.server_state.connections), file=sys.stderr)
        self.force_exit = True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", help="address to bind (default: MESH_HOST)")
    parser.add_argument("--port", type=int, help="TCP port (default: MESH_PORT)")
    parser.add_argument("--model-dir", help="a compiled version folder: card.json and neuron/{model.pt,compilation_specs.json,features.json}")
    args = parser.parse_args()
    try:
        SETTINGS.update(load_settings(os.environ))
    except ValueError as err:
        print("app.py: %s" % err, file=sys.stderr)
        return 2
    SETTINGS["modelDir"] = args.model_dir or SETTINGS["modelDir"] or os.path.join(HERE, "model")
    refused = check_traced_batch(SETTINGS, load_json(os.path.join(SETTINGS["modelDir"], "neuron", "compilation_specs.json")))
    if refused:
        print("app.py: %s" % refused, file=sys.stderr)
        return 2
    alias = model_alias()
    if alias and not re.match(ALIAS_PATTERN, alias):
        print("app.py: invalid MESH_MODEL_ALIAS %s: expected an alias name such as production" % json.dumps(alias), file=sys.stderr)
        return 2
    host = args.host if args.host is not None else SETTINGS["host"]
    port = args.port if args.port is not None else SETTINGS["port"]
    server = DrainingServer(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    server.run()
    # As uvicorn.run: a start that failed (model load, port in use) exits 3.
    return 0 if server.started else 3


if __name__ == "__main__":
    sys.exit(main())
