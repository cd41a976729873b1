"""(d1) The seed's stack, idiomatic: FastAPI with pydantic request models."""
import os
import sys
from typing import Dict, Optional

sys.path.insert(0, os.path.dirname(__file__))
from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from featurize import Linear, featurize  # noqa: E402

model = Linear(os.environ["WEIGHTS"])
app = FastAPI()


class Attributes(BaseModel):
    text: str


class Data(BaseModel):
    namespace: str
    attributes: Attributes
    parameters: Optional[Dict[str, float]] = None


class PredictRequest(BaseModel):
    data: Data


@app.post("/spam/v1/predict")
async def predict(req: PredictRequest):
    p = model(featurize(req.data.attributes.text))
    best = 1 if p[1] >= 0.5 else 0
    return {"version": 1, "data": {"namespace": "spam", "attributes": {"label": ["ham", "spam"][best], "score": float(p[best])}}}
