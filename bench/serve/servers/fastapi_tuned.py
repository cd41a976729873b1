"""(d2) The seed's stack, hand-tuned: raw body + json, no pydantic, uvloop + httptools."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from fastapi import FastAPI, Request, Response  # noqa: E402
from featurize import Linear, featurize  # noqa: E402

model = Linear(os.environ["WEIGHTS"])
app = FastAPI()


@app.post("/spam/v1/predict")
async def predict(request: Request):
    body = json.loads(await request.body())
    p = model(featurize(body["data"]["attributes"]["text"]))
    best = 1 if p[1] >= 0.5 else 0
    out = {"version": 1, "data": {"namespace": "spam", "attributes": {"label": ["ham", "spam"][best], "score": float(p[best])}}}
    return Response(json.dumps(out), media_type="application/json")
