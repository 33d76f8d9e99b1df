"""guard.model.classify and where its verdicts go: settings, status, doctor, and the real local
model (llama-cpp-python with the Gemma 3 270M GGUF; no fake). Tests of the model skip when the llm
extra is missing, except on CI (CI=true; .ci/run installs the extra), where that fails them."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
from pathlib import Path

import pytest

from guard import config as config_mod
from guard.commands import classify as classify_command
from guard.commands import doctor
from guard.commands import scan as scan_command
from guard.detect import ruleset
from guard.detect.engine import Engine
from guard.errors import GuardError
from guard.hook import decide
from guard.model import ambiguity, classify, methods
from tests.conftest import RunGuard, missing

HAVE_MODEL = importlib.util.find_spec("llama_cpp") is not None and \
    importlib.util.find_spec(methods.DEFAULT_PACKAGE) is not None

LIVE = 'DEBUG = False\n# old staging credentials, rotate later\n# password = "Vq7Zr2Lx9Kw4Tp8M"\n'
# a digest-looking value under a secret name: the engine reports it (medium), the model reads a
# hash ("password_hash" itself is no secret name for the engine any more)
HASHED = ('auth:\n  host: db.internal\n'
          '  secret: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"\n')


def _config(tmp_path: Path, body: str) -> config_mod.Config:
    path = tmp_path / ".guard.toml"
    path.write_text(body)
    return config_mod.load(str(path))


def _ambiguity(path: str, text: str) -> ambiguity.Ambiguity:
    amb = ambiguity.assess(Engine(ruleset.load()), text.encode(), path)
    assert amb is not None
    return amb


# --- config -------------------------------------------------------------------------------------


def test_the_model_table_is_validated(tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[model]\nenabled = true\nmethod = "fewshot"\ntimeout = 3\n'
                            'path = "m.gguf"\n')
    s = classify.settings(cfg)
    assert (s.enabled, s.method, s.timeout) == (True, "fewshot", 3.0)
    assert s.path == str(tmp_path / "m.gguf")
    for body, message in [("[model]\nenabled = 1\n", "model.enabled must be a bool"),
                          ("[model]\nmodel = 'x'\n", "unknown setting model.'model'"),
                          ("[model]\nmethod = 'bert'\n", "model.method must be one of"),
                          ("[model]\ntimeout = 0\n", "model.timeout must be positive")]:
        (tmp_path / ".guard.toml").write_text(body)
        with pytest.raises(GuardError, match=message):
            config_mod.load(str(tmp_path / ".guard.toml"))


# --- without the model --------------------------------------------------------------------------


@pytest.fixture
def no_llama(monkeypatch: pytest.MonkeyPatch) -> None:
    """llama_cpp hidden, as when the llm extra is not installed: importing it fails."""
    monkeypatch.setitem(sys.modules, "llama_cpp", None)


def test_status_says_off_and_how_to_turn_it_on(no_llama: None, tmp_path: Path) -> None:
    st = classify.status(_config(tmp_path, "[model]\nenabled = true\n"))
    assert not st.on
    text = st.describe()
    assert text.startswith("off (llama-cpp-python is not installed)")
    assert classify.INSTALL_HINT in text
    off = classify.status(config_mod.Config())
    assert not off.enabled and "enabled = true" in off.describe()


def test_doctor_reports_the_model(no_llama: None, tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(LIVE)
    out = io.StringIO()
    assert doctor.run(root=str(tmp_path), stream=out) == 0
    tail = out.getvalue().split("Local model", 1)[1]
    assert "off (llama-cpp-python is not installed); to turn it on: " in tail
    assert classify.INSTALL_HINT in tail and "enabled = true" in tail


def test_everything_works_without_llama_cpp(no_llama: None, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".guard.toml").write_text("[model]\nenabled = true\n")
    (tmp_path / "settings.py").write_text(LIVE)
    (tmp_path / "hashes.yaml").write_text(HASHED)
    monkeypatch.chdir(tmp_path)
    cfg = config_mod.load(str(tmp_path / ".guard.toml"))
    result, _ = scan_command.run_scan(["."], cfg)
    assert [(f.path, f.rule_id, f.confidence) for f in result.findings] == [
        ("hashes.yaml", "generic-secret-assignment", "medium")]
    assert not classify.enabled(cfg)
    assert decide.decide_read("settings.py", str(tmp_path)).allowed
    with pytest.raises(ImportError):
        import llama_cpp  # noqa: F401
    out = io.StringIO()
    assert classify_command.run(["."], stream=out) == 0
    text = out.getvalue()
    assert "local model off (llama-cpp-python is not installed)" in text
    assert "hashes.yaml: sensitive (score 1.00, line 3, 1 candidate; heuristic)" in text
    assert "settings.py: benign (score 0.00, line 3, 1 candidate; heuristic)" in text
    with pytest.raises(GuardError, match="cannot run"):
        classify_command.run(["."], method="probe", stream=io.StringIO())


def test_scan_says_once_that_the_enabled_model_cannot_run(
        no_llama: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".guard.toml").write_text("[model]\nenabled = true\n")
    for name in ("settings.py", "hashes.yaml", "other.yaml"):
        (tmp_path / name).write_text(HASHED)
    monkeypatch.chdir(tmp_path)
    assert scan_command.run(["."], fmt="json") == 1
    err = capsys.readouterr().err
    assert err.count("local model") == 1, err
    assert "enabled" in err and "llama-cpp-python is not installed" in err
    # the hint that works: Guard is installed from a clone, not from a package index
    assert classify.INSTALL_HINT in err and "pip install -e '.[llm]'" in err
    assert "guard-secrets[llm]" not in err
    # without the model asked for, nothing is said
    (tmp_path / ".guard.toml").write_text("[model]\nenabled = false\n")
    scan_command.run(["."], fmt="json")
    assert "local model" not in capsys.readouterr().err


def test_every_install_hint_works_from_a_clone() -> None:
    assert "guard-secrets[llm]" not in methods.INSTALL_HINT
    assert "pip install -e '.[llm]'" in methods.INSTALL_HINT


def test_heuristic_is_the_rules_verdict() -> None:
    session = classify.Session(config_mod.Config(), "heuristic")
    assert session.judge(_ambiguity("a.yaml", HASHED)).sensitive
    assert not session.judge(_ambiguity("settings.py", LIVE)).sensitive


# --- the real model -----------------------------------------------------------------------------


def require_model() -> None:
    """Skip without the llm extra; on CI, fail."""
    if not HAVE_MODEL:
        missing("the llm extra (llama-cpp-python and the model package)",
                "`pip install -e '.[llm]'`")


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The default model, assembled from its package once for this module."""
    require_model()
    cache = tmp_path_factory.mktemp("models")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        return methods.ensure_default_model()
    finally:
        if old is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture
def model_config(tmp_path: Path, model_path: str, monkeypatch: pytest.MonkeyPatch
                 ) -> config_mod.Config:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a fresh verdict cache
    return _config(tmp_path, f'[model]\nenabled = true\npath = "{model_path}"\n')


def test_default_model_is_assembled_and_verified(model_path: str) -> None:
    assert Path(model_path).name == methods.DEFAULT_MODEL
    assert Path(model_path).stat().st_size > 200_000_000


@pytest.mark.parametrize("method", ["probe", "fewshot"])
def test_verdicts_are_deterministic_and_cached(model_config: config_mod.Config, method: str,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    amb = _ambiguity("settings.py", LIVE)
    first = classify.Session(model_config, method).judge(amb)
    assert not first.cached
    again = classify.Session(model_config, method).judge(amb)
    assert again.cached and (again.score, again.sensitive) == (first.score, first.sensitive)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    fresh = classify.Session(model_config, method).judge(amb)
    assert not fresh.cached
    assert (fresh.score, fresh.sensitive, fresh.line) == (first.score, first.sensitive, 3)


def test_the_probe_tells_a_live_password_from_a_hash(model_config: config_mod.Config) -> None:
    session = classify.Session(model_config, "probe")
    live = session.judge(_ambiguity("settings.py", LIVE))
    hashed = session.judge(_ambiguity("config.yaml", HASHED))
    assert live.sensitive and live.score > hashed.score
    assert not hashed.sensitive


def test_a_file_over_its_time_budget_falls_back_to_the_heuristic(
        tmp_path: Path, model_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = _config(tmp_path, f'[model]\nenabled = true\npath = "{model_path}"\n'
                            "timeout = 0.000001\n")
    session = classify.Session(cfg, "probe")
    session.classifier  # noqa: B018  (load the model first: loading is not the file's time)
    verdict = session.judge(_ambiguity("config.yaml", HASHED))
    assert verdict.timed_out and verdict.sensitive and verdict.score == 1.0
    assert not session.judge(_ambiguity("config.yaml", HASHED)).cached  # not kept


def test_verdicts_feed_scan_protect_and_the_hook(model_config: config_mod.Config,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from guard.protect import policy

    (tmp_path / "settings.py").write_text(LIVE)
    (tmp_path / "hashes.yaml").write_text(HASHED)
    (tmp_path / "plain.py").write_text("print('hi')\n")
    monkeypatch.chdir(tmp_path)
    assert classify.enabled(model_config)
    result, _ = scan_command.run_scan(["."], model_config)
    found = {(f.path, f.rule_id, f.confidence) for f in result.findings}
    assert ("settings.py", classify.MODEL_RULE, "low") in found
    # the hash stays reported (the model never hides a finding), with its confidence lowered
    assert ("hashes.yaml", "generic-secret-assignment", "low") in found
    pol = policy.build(str(tmp_path), model_config)
    assert classify.MODEL_RULE in pol.secrets["settings.py"]
    ctx = decide.Context(str(tmp_path), config=model_config)
    verdict = decide.decide_read("settings.py", str(tmp_path), ctx=ctx)
    assert verdict.action == "view" and "local model" in verdict.reason
    assert "Vq7Zr2" not in verdict.reason
    assert decide.decide_read("plain.py", str(tmp_path), ctx=ctx).allowed


def test_guard_classify_shows_verdicts(run_guard: RunGuard, tmp_path: Path,
                                       model_path: str) -> None:
    (tmp_path / ".guard.toml").write_text(f'[model]\npath = "{model_path}"\n')
    (tmp_path / "settings.py").write_text(LIVE)
    (tmp_path / "plain.py").write_text("print('hi')\n")
    proc = run_guard("classify", "settings.py", "plain.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("settings.py: sensitive (score ")
    assert lines[0].endswith("line 3, 1 candidate; probe)")
    assert lines[1] == "plain.py: nothing ambiguous"
    assert "Vq7Zr2" not in proc.stdout + proc.stderr
