"""The model process of mesh's Neuron serving pair.

mesh's Node server does everything a request needs (HTTP contract, tokenization, batching, NER
aggregation, KeyBERT) and hands only padded token-id batches to this process, which runs them
through the traced model.pt at its fixed shapes (traced.Runner) and answers the output tensor.

    python3 sidecar.py --model-dir FOLDER --socket PATH [--threads N] [--exit-with-stdin]
    python3 sidecar.py --model-dir FOLDER --port N            (127.0.0.1, for debugging)

HTTP/1.1, one model call at a time:
    GET  /health  200 {"inputs", "output", "batch_size", "max_length", "dynamic_batch", ...}
    POST /run     headers X-Mesh-Rows: R, X-Mesh-Length: L; body: for each input in order, R x L
                  little-endian int64. 200 body: little-endian float32 output, X-Mesh-Dims: R,L,W
                  (or R,W for sequence classifiers).
    errors        4xx/5xx {"error": "<one sentence>"}

When the model has answered a warm-up batch at the full traced shape, one JSON line
{"ready": true, ...} is printed on stdout. With --exit-with-stdin the process ends when its
stdin closes, so it never outlives the server that started it; SIGTERM ends it too.
Exit codes: 2 the folder is unusable, 3 torch or the Neuron SDK is missing.
"""
import argparse
import http.server
import json
import os
import signal
import socketserver
import sys
import threading

try:
    import numpy as np
    import torch
    import traced
except ImportError as err:
    print("sidecar.py: %s for %s; the torch engine needs torch and numpy (python3-torch on Debian, the Neuron image on Inferentia), or set PYTHON" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

# The largest request body: 64 Ki rows of 8 Ki tokens of three inputs would be 12 GiB; the
# server never sends more than its batch (MESH_BATCH_MAX rows), so cap well above that.
MAX_BODY_BYTES = 256 * 1024 * 1024


class Model:
    """The traced model behind a lock: a NeuronCore (and the CPU twin) runs one batch at a time."""

    def __init__(self, folder):
        model, self.spec = traced.load(folder)
        self.runner = traced.Runner(model, self.spec)
        self.lock = threading.Lock()

    def run(self, arrays):
        with self.lock:
            return self.runner.run(arrays)

    def describe(self):
        keys = ("inputs", "output", "output_shape", "batch_size", "max_length", "dynamic_batch", "neuron", "instance", "target", "task", "torch")
        return {k: self.spec.get(k) for k in keys}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mesh-torch-sidecar"
    model = None  # set on the class before serving

    def log_message(self, format, *args):  # noqa: A002  (the base class's signature)
        pass  # the Node server logs requests; this process reports only failures

    def answer(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def fail(self, status, message):
        self.answer(status, json.dumps({"error": message}).encode("utf-8"))

    def do_GET(self):
        if self.path != "/health":
            return self.fail(404, "no such route; use GET /health or POST /run")
        self.answer(200, json.dumps(self.model.describe()).encode("utf-8"))

    def read_ids(self):
        """The request's inputs as int64 arrays, or a (status, sentence) problem."""
        try:
            rows = int(self.headers.get("X-Mesh-Rows", ""))
            length = int(self.headers.get("X-Mesh-Length", ""))
            size = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None, (400, "POST /run needs integer X-Mesh-Rows, X-Mesh-Length and Content-Length headers")
        names = self.model.runner.inputs
        want = rows * length * 8 * len(names)
        if rows < 1 or length < 1 or size != want or size > MAX_BODY_BYTES:
            if 0 <= size <= MAX_BODY_BYTES:
                self.rfile.read(size)  # keep the connection usable
            return None, (400, "the body must hold %s as %d x %d int64 values each (%d bytes), got %d bytes" % (", ".join(names), rows, length, want, size))
        data = np.frombuffer(self.rfile.read(size), dtype="<i8")
        per = rows * length
        return [data[i * per:(i + 1) * per].reshape(rows, length) for i in range(len(names))], None

    def do_POST(self):
        if self.path != "/run":
            return self.fail(404, "no such route; use GET /health or POST /run")
        arrays, problem = self.read_ids()
        if problem:
            return self.fail(*problem)
        try:
            out = self.model.run(arrays)
        except traced.TracedError as err:
            return self.fail(400, str(err))
        except Exception as err:  # the model's own failure: say what, keep serving
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            print("sidecar.py: the model failed on a [%d, %d] batch: %s" % (arrays[0].shape[0], arrays[0].shape[1], first), file=sys.stderr, flush=True)
            return self.fail(500, "the model failed on this batch: %s" % first)
        dims = ",".join(str(d) for d in out.shape)
        self.answer(200, out.astype("<f4").tobytes(), "application/octet-stream", [("X-Mesh-Dims", dims)])


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class TcpServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def warm_up(model):
    """One batch at the full traced shape: a Neuron model is loaded onto its core by its first call."""
    spec = model.spec
    shape = (int(spec["batch_size"]), int(spec["max_length"]))
    arrays = [np.ones(shape, dtype=np.int64) if name == "attention_mask" else np.zeros(shape, dtype=np.int64) for name in model.runner.inputs]
    model.run(arrays)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True, help="a folder compile.py wrote (model.pt, compilation.json)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket", help="listen on this Unix socket (created; removed on exit)")
    where.add_argument("--port", type=int, help="listen on 127.0.0.1:PORT (0: any free port)")
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's choice)")
    parser.add_argument("--exit-with-stdin", action="store_true", help="exit when stdin closes (the parent is gone)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        model = Model(args.model_dir)
        warm_up(model)
    except traced.TracedError as err:
        print("sidecar.py: %s" % err, file=sys.stderr)
        return 2
    except ImportError as err:
        print("sidecar.py: %s; a Neuron-traced model loads only with the Neuron SDK (the mesh-neuron-inference image)" % err, file=sys.stderr)
        return 3
    Handler.model = model
    if args.socket:
        if os.path.exists(args.socket):
            os.unlink(args.socket)
        server = UnixServer(args.socket, Handler)
        address = {"socket": args.socket}
    else:
        server = TcpServer(("127.0.0.1", args.port), Handler)
        address = {"host": "127.0.0.1", "port": server.server_address[1]}

    def stop(*_):
        if args.socket and os.path.exists(args.socket):
            os.unlink(args.socket)
        os._exit(0)  # in-flight calls are abandoned: the server stops this process only after draining

    signal.signal(signal.SIGTERM, stop)
    if args.exit_with_stdin:
        # Started by a server: Ctrl-C reaches the whole process group, but the server drains
        # first and then stops this process itself (SIGTERM), so in-flight batches finish.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=lambda: (sys.stdin.buffer.read(), stop()), daemon=True).start()
    else:
        signal.signal(signal.SIGINT, stop)
    print(json.dumps(dict(model.describe(), ready=True, pid=os.getpid(), **address)), flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except OSError as err:
        print("sidecar.py: the server stopped: %s" % err, file=sys.stderr)
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
