"""Train what the local model's classifiers need, on the train split only, into
guard/model/probe.json.

    .venv/bin/python bench/classify_dataset.py   # the labelled set (tests/data/classify/)
    .venv/bin/python bench/train_probe.py        # guard/model/probe.json (needs the llm extra)

- ``probe``: a logistic regression (L2, weights standardised) over the model's mean-pooled
  embeddings of each candidate snippet; the L2 strength is chosen by 5-fold cross-validation on the
  train split, then the model is fit on all of it.
- ``fewshot``: one example of each kind from the train split as shots; the offset that centres the
  label log-odds is the one that classifies the rest of the train split best.

Everything is deterministic: fixed data, fixed folds, full-batch Newton steps, no sampling.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import need

try:
    import numpy as np
except ModuleNotFoundError:  # the llm extra is missing: main() says so
    np = None

from guard.detect import ruleset
from guard.detect.engine import Engine
from guard.model import ambiguity, methods

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "classify")
L2_GRID = (0.1, 1.0, 10.0, 100.0)
FOLDS = 5


def records(split: str) -> list[dict]:
    with open(os.path.join(DATA, f"{split}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def candidates(engine: Engine, rec: dict) -> list[ambiguity.Candidate]:
    """The record's ambiguous candidates, as Guard would find them in the file."""
    amb = ambiguity.assess(engine, rec["text"].encode(), rec["path"])
    if amb is None:
        raise SystemExit(f"{rec['id']} is no longer ambiguous: run bench/classify_dataset.py")
    return list(amb.candidates)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ w[:-1] + w[-1])))


def file_matrix(model: methods.LocalModel, engine: Engine, recs: list[dict]
                ) -> tuple[np.ndarray, np.ndarray]:
    """One row per candidate snippet (embedding), labelled with its file's label."""
    rows, labels = [], []
    for rec in recs:
        for c in candidates(engine, rec):
            rows.append(model.embed(methods.prompt_text(rec["path"], c.snippet)))
            labels.append(1.0 if rec["label"] == "sensitive" else 0.0)
    return np.array(rows), np.array(labels)


def train_probe(model: methods.LocalModel, engine: Engine, train: list[dict]) -> dict:
    x, y = file_matrix(model, engine, train)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xs = (x - mean) / scale
    folds = np.arange(len(xs)) % FOLDS
    best = (-1.0, L2_GRID[0])
    for l2 in L2_GRID:
        correct = 0
        for k in range(FOLDS):
            w = fit_logistic(xs[folds != k], y[folds != k], l2)
            correct += int(((predict(xs[folds == k], w) >= 0.5) == (y[folds == k] == 1)).sum())
        accuracy = correct / len(xs)
        print(f"  probe l2={l2:g}: cross-validated accuracy {accuracy:.3f}")
        if accuracy > best[0]:
            best = (accuracy, l2)
    w = fit_logistic(xs, y, best[1])
    return {"mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "coef": [round(float(v), 6) for v in w[:-1]], "bias": round(float(w[-1]), 6),
            "threshold": 0.5, "l2": best[1], "cv_accuracy": round(best[0], 4),
            "trained_on": len(xs)}


def train_fewshot(model_path: str, engine: Engine, train: list[dict]) -> dict:
    shots, rest, kinds = [], [], set()
    for rec in sorted(train, key=lambda r: r["id"]):
        if rec["kind"] not in kinds:
            kinds.add(rec["kind"])
            c = candidates(engine, rec)[0]
            shots.append({"path": rec["path"], "snippet": c.snippet, "label": rec["label"]})
        else:
            rest.append(rec)
    # Alternate the labels so that the last shots do not prime one answer.
    sensitive = [s for s in shots if s["label"] == "sensitive"]
    benign = [s for s in shots if s["label"] != "sensitive"]
    shots = [s for pair in zip(benign, sensitive, strict=False) for s in pair] + \
        benign[len(sensitive):] + sensitive[len(benign):]
    clf = methods.FewShot(methods.LocalModel(model_path, embedding=False), shots, 0.0, 0.5)
    odds, labels = [], []
    for rec in rest:
        scores = [clf.score(rec["path"], c, float("inf")) for c in candidates(engine, rec)]
        p = min(max(max(scores), 1e-12), 1 - 1e-12)
        odds.append(float(np.log(p / (1 - p))))
        labels.append(rec["label"] == "sensitive")
    best = (-1.0, 0.0)
    for offset in sorted(set(odds)):
        accuracy = float(np.mean([(o >= offset) == lab for o, lab in zip(odds, labels,
                                                                           strict=True)]))
        if accuracy > best[0]:
            best = (accuracy, offset)
    print(f"  fewshot: {len(shots)} shots, offset {best[1]:.3f}, train accuracy {best[0]:.3f}")
    return {"shots": shots, "offset": round(best[1] - 1e-6, 6), "threshold": 0.5,
            "train_accuracy": round(best[0], 4)}


def main() -> int:
    need.guard_package()
    need.modules({"numpy": need.LLM, "llama_cpp": need.LLM, methods.DEFAULT_PACKAGE: need.LLM})
    engine = Engine(ruleset.load())
    train = records("train")
    model_path = methods.ensure_default_model()
    print(f"model {model_path}; {len(train)} training files")
    probe = train_probe(methods.LocalModel(model_path, embedding=True), engine, train)
    fewshot = train_fewshot(model_path, engine, train)
    out = {"model": methods.DEFAULT_MODEL, "probe": probe, "fewshot": fewshot}
    with open(methods.PROBE_FILE, "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {methods.PROBE_FILE} ({os.path.getsize(methods.PROBE_FILE)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
