"""guard.config: finding the config file, validating it with file:line messages, and what each
setting does to a real scan."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from guard import config
from guard.errors import GuardError
from tests.conftest import RunGuard, git_init, make_tree

TOKEN = "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"
OTHER_TOKEN = "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"
ACME_KEY = "acme_k3j9x2m8q7w1z5v4b6n0p2r8t4y6u1c7"

USER_RULES = """\
# a team's own rule, in the same format as rules/providers/*.toml
[[rule]]
id = "acme-api-key"
description = "Acme API key"
provider = "Acme"
keywords = ["acme_"]
regex = '''\\b(acme_[a-z0-9]{32})\\b'''
confidence = "high"
examples.positive = ["ACME_KEY=acme_k3j9x2m8q7w1z5v4b6n0p2r8t4y6u1c7"]
examples.negative = ["acme_short"]
"""


def _error(path: Path) -> str:
    with pytest.raises(GuardError) as info:
        config.load(str(path))
    return str(info.value)


def _names_line(message: str, path: Path, line: int) -> bool:
    """``message`` points at ``path`` and at ``line``, as file:line or "line N"."""
    return str(path) in message and (f"{path}:{line}:" in message
                                     or re.search(rf"\bline {line}\b", message) is not None)


def _usage_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("guard: error: "), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def _json(proc: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


# --- config.find ---------------------------------------------------------------------------------


def test_find_returns_the_nearest_config(tmp_path: Path) -> None:
    make_tree(tmp_path, {".guard.toml": "", "a/b/c/file.py": "", "a/b/.guard.toml": ""})
    assert config.find(str(tmp_path / "a" / "b" / "c")) == str(tmp_path / "a" / "b" / ".guard.toml")
    assert config.find(str(tmp_path / "a")) == str(tmp_path / ".guard.toml")
    # a file starts the search in its directory
    assert config.find(str(tmp_path / "a/b/c/file.py")) == str(tmp_path / "a/b/.guard.toml")


def test_find_uses_pyproject_only_with_a_tool_guard_table(tmp_path: Path) -> None:
    make_tree(tmp_path, {
        "pyproject.toml": "[tool.guard]\nexclude = []\n",
        "pkg/pyproject.toml": '[project]\nname = "pkg"\n[tool.ruff]\nline-length = 100\n',
        "pkg/src/x.py": "",
        "both/pyproject.toml": "[tool.guard]\n",
        "both/.guard.toml": "",
        "allow/pyproject.toml": '[tool.guard.allow]\nrules = ["jwt"]\n',
    })
    assert config.find(str(tmp_path / "pkg" / "src")) == str(tmp_path / "pyproject.toml")
    assert config.find(str(tmp_path / "both")) == str(tmp_path / "both" / ".guard.toml")
    assert config.find(str(tmp_path / "allow")) == str(tmp_path / "allow" / "pyproject.toml")


def test_find_stops_at_the_repository_root(tmp_path: Path) -> None:
    make_tree(tmp_path, {".guard.toml": 'exclude = ["*"]\n'})
    repo = git_init(tmp_path / "repo")
    (repo / "sub").mkdir()
    assert config.find(str(repo / "sub")) is None
    assert config.find(str(repo)) is None
    (repo / ".guard.toml").write_text("")
    assert config.find(str(repo / "sub")) == str(repo / ".guard.toml")
    # a submodule or worktree has a .git file, not a directory: still a repository root
    make_tree(tmp_path, {"worktree/.git": "gitdir: /elsewhere\n", "worktree/src/a.py": ""})
    assert config.find(str(tmp_path / "worktree" / "src")) is None


# --- config.load ------------------------------------------------------------------------------


def test_load_valid_guard_toml(tmp_path: Path) -> None:
    (tmp_path / "ci" / "guard-rules").mkdir(parents=True)
    path = tmp_path / ".guard.toml"
    path.write_text(
        'exclude = ["tests/fixtures/**"]\n'
        "max-file-size = 1000\n"
        "max-scan-size = 5000\n"
        'rules = ["ci/guard-rules"]\n'
        'sensitive = ["deploy/*.secret"]\n'
        "\n[allow]\n"
        'paths = ["docs/**"]\n'
        'rules = ["jwt"]\n'
        'fingerprints = ["0123456789abcdef0123"]\n')
    cfg = config.load(str(path))
    assert cfg.exclude == ["tests/fixtures/**"]
    assert cfg.max_file_size == 1000
    assert cfg.max_scan_size == 5000
    assert cfg.rule_paths == [str(tmp_path / "ci" / "guard-rules")]
    assert cfg.sensitive == ["deploy/*.secret"]
    assert cfg.allow_paths == ["docs/**"]
    assert cfg.allow_rules == frozenset({"jwt"})
    assert cfg.allow_fingerprints == frozenset({"0123456789abcdef0123"})
    assert cfg.excluded(str(tmp_path / "tests" / "fixtures" / "a.txt"))
    assert not cfg.excluded(str(tmp_path / "tests" / "test_a.py"))


def test_load_valid_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.guard]\nmax-file-size = 42\n'
                    '\n[tool.guard.allow]\nrules = ["jwt"]\n')
    cfg = config.load(str(path))
    assert cfg.max_file_size == 42
    assert cfg.allow_rules == frozenset({"jwt"})
    assert cfg.exclude == []


def test_load_none_is_the_default_config() -> None:
    cfg = config.load(None)
    assert cfg.max_file_size == config.DEFAULT_MAX_FILE_SIZE
    assert cfg.max_scan_size == config.DEFAULT_MAX_SCAN_SIZE == 1 << 30
    assert cfg.exclude == [] and not cfg.allow_rules


def test_malformed_toml_names_file_and_line(tmp_path: Path, run_guard: RunGuard) -> None:
    path = make_tree(tmp_path, {".guard.toml": 'exclude = ["a"]\n\nmax-file-size = = 3\n',
                                "a.txt": "x\n"}) / ".guard.toml"
    assert _names_line(_error(path), path, 3)
    message = _usage_error(run_guard("scan", cwd=tmp_path))
    assert ".guard.toml" in message and re.search(r"(:3:|\bline 3\b)", message), message


def test_unknown_key_names_key_and_line(tmp_path: Path, run_guard: RunGuard) -> None:
    path = tmp_path / ".guard.toml"
    path.write_text('exclude = []\nmax_file_size = 10\n')
    message = _error(path)
    assert "'max_file_size'" in message and _names_line(message, path, 2)
    assert "max-file-size" in message  # the known keys are listed: the typo is easy to spot

    path.write_text('exclude = []\n\n[allow]\npaths = []\nrule = ["jwt"]\n')
    message = _error(path)
    assert "allow.rule" in message and _names_line(message, path, 5)

    message = _usage_error(run_guard("scan", cwd=tmp_path))
    assert f"{path}:5:" in message and "allow.rule" in message


@pytest.mark.parametrize(("text", "line", "expected"), [
    ('exclude = "tests/**"\n', 1, "exclude must be a list"),
    ('exclude = []\nmax-file-size = "2MB"\n', 2, "max-file-size must be an int"),
    ("max-file-size = true\n", 1, "max-file-size must be an int, not bool"),
    ("max-file-size = 1.5\n", 1, "max-file-size must be an int"),
    ('max-scan-size = "1GB"\n', 1, "max-scan-size must be an int"),
    ('sensitive = ["a", 3]\n', 1, "sensitive must be a list of strings"),
    ('allow = ["jwt"]\n', 1, "allow must be a dict"),
    ('[allow]\npaths = "docs/**"\n', 2, "allow.paths must be a list"),
    # the same key name at the top level and in [allow]: the line is the one in [allow]
    ('rules = ["ci/rules"]\n\n[allow]\nrules = "jwt"\n', 4, "allow.rules must be a list"),
], ids=["exclude-str", "size-str", "size-bool", "size-float", "scan-size-str", "list-of-int",
        "allow-list",
        "allow-paths-str", "allow-rules-after-top-rules"])
def test_wrong_types_name_setting_and_line(tmp_path: Path, text: str, line: int,
                                           expected: str) -> None:
    path = tmp_path / ".guard.toml"
    path.write_text(text)
    message = _error(path)
    assert expected in message, message
    assert _names_line(message, path, line), message


def test_wrong_type_in_pyproject_points_into_tool_guard(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.setuptools.packages.find]\n'
                    'exclude = ["tests"]\n\n[tool.guard]\nexclude = "build/"\n')
    message = _error(path)
    assert "exclude must be a list" in message and _names_line(message, path, 8), message


@pytest.mark.parametrize("text", ["[tool]\nguard = 5\n", 'tool = "guard"\n'])
def test_tool_guard_that_is_not_a_table_is_a_config_error(tmp_path: Path, run_guard: RunGuard,
                                                          text: str) -> None:
    make_tree(tmp_path, {"pyproject.toml": text, "a.txt": "x\n"})
    message = _usage_error(run_guard("scan", "--config", "pyproject.toml", ".", cwd=tmp_path))
    assert "pyproject.toml" in message


@pytest.mark.parametrize("value", [0, -1])
def test_non_positive_max_file_size(tmp_path: Path, run_guard: RunGuard, value: int) -> None:
    path = make_tree(tmp_path, {".guard.toml": f"exclude = []\nmax-file-size = {value}\n",
                                "a.txt": "x\n"}) / ".guard.toml"
    message = _error(path)
    assert "max-file-size must be positive" in message and _names_line(message, path, 2)
    assert "max-file-size must be positive" in _usage_error(run_guard("scan", cwd=tmp_path))


def test_config_option_pointing_at_a_missing_file(tmp_path: Path, run_guard: RunGuard) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    message = _usage_error(run_guard("scan", "--config", "nope.toml", ".", cwd=tmp_path))
    assert "nope.toml" in message and "does not exist" in message


# --- what the settings do in a scan ------------------------------------------------------------


def test_allow_rules_switches_a_rule_off(tmp_path: Path, run_guard: RunGuard) -> None:
    # no secret-named key: the generic assignment rule has nothing to say about this line
    make_tree(tmp_path, {"a.py": f'print("{TOKEN}")\n', ".env": "DEBUG=1\n"})
    before = _json(run_guard("scan", "--format", "json", cwd=tmp_path))
    assert sorted(f["rule"] for f in before["findings"]) == ["dotenv-file", "github-pat-classic"]

    (tmp_path / ".guard.toml").write_text('[allow]\nrules = ["github-pat-classic"]\n')
    after = _json(run_guard("scan", "--format", "json", cwd=tmp_path))
    assert [f["rule"] for f in after["findings"]] == ["dotenv-file"]

    (tmp_path / ".guard.toml").write_text(
        '[allow]\nrules = ["github-pat-classic", "dotenv-file"]\n')
    proc = run_guard("scan", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert TOKEN not in proc.stdout


def test_allow_paths_allows_findings_and_counts_them(tmp_path: Path,
                                                     run_guard: RunGuard) -> None:
    make_tree(tmp_path, {
        ".guard.toml": '[allow]\npaths = ["docs/**"]\n',
        "docs/setup.md": f"export GITHUB_TOKEN={TOKEN}\n",
        "docs/.env": "A=1\n",
        "src/app.py": f'token = "{OTHER_TOKEN}"\n',
    })
    proc = run_guard("scan", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1
    assert [f["path"] for f in report["findings"]] == ["src/app.py"]
    assert report["summary"]["allowed"] == 2
    text = run_guard("scan", cwd=tmp_path)
    assert "2 allowed" in text.stdout.splitlines()[-1]


def test_allow_fingerprints_allows_one_finding(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {"a.py": f'token = "{TOKEN}"\n', "b.py": f'token = "{OTHER_TOKEN}"\n'})
    report = _json(run_guard("scan", "--format", "json", cwd=tmp_path))
    by_path = {f["path"]: f["fingerprint"] for f in report["findings"]}
    assert set(by_path) == {"a.py", "b.py"}

    (tmp_path / ".guard.toml").write_text(f'[allow]\nfingerprints = ["{by_path["a.py"]}"]\n')
    proc = run_guard("scan", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1
    assert [f["path"] for f in report["findings"]] == ["b.py"]
    assert report["summary"]["allowed"] == 1


def test_sensitive_adds_a_user_path(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {
        ".guard.toml": 'sensitive = ["deploy/*.secret", "vault-*.txt"]\n',
        "deploy/prod.secret": "opaque\n",
        "deploy/readme.md": "how to deploy\n",
        "other/prod.secret": "opaque\n",  # "deploy/*.secret" is anchored at the config file
        "nested/vault-eu.txt": "opaque\n",
    })
    proc = run_guard("scan", "--format", "json", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1
    found = [(f["path"], f["kind"], f["rule"]) for f in report["findings"]]
    assert found == [("deploy/prod.secret", "file", "user-sensitive-path"),
                     ("nested/vault-eu.txt", "file", "user-sensitive-path")]


@pytest.mark.parametrize("where", ["file", "directory"])
def test_rules_loads_a_user_rule_file(tmp_path: Path, run_guard: RunGuard, where: str) -> None:
    rules_ref = "ci/guard-rules/acme.toml" if where == "file" else "ci/guard-rules"
    make_tree(tmp_path, {
        ".guard.toml": f'rules = ["{rules_ref}"]\n',
        "ci/guard-rules/acme.toml": USER_RULES,
        "src/client.py": f'ACME_KEY = "{ACME_KEY}"\n',
    })
    proc = run_guard("scan", "--format", "json", "src", cwd=tmp_path)
    report = _json(proc)
    assert proc.returncode == 1
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("acme-api-key",
                                                                     "src/client.py")]
    assert ACME_KEY not in proc.stdout


@pytest.mark.parametrize(("rule_text", "line"), [
    # not TOML at all
    ('[[rule]]\nid = "acme-api-key"\ndescription = "Acme\n', 3),
    # valid TOML, invalid rule: the second rule's regex does not compile
    (USER_RULES + '\n[[rule]]\nid = "acme-broken"\ndescription = "x"\nkeywords = ["acme"]\n'
     "regex = '''(acme_[a-z'''\n"
     'examples.positive = ["a"]\nexamples.negative = ["b"]\n', 13),
    # a key the rule format does not have
    (USER_RULES.replace('confidence = "high"\n', 'confidence = "high"\nseverity = 9\n'), 3),
], ids=["toml-syntax", "bad-regex", "unknown-key"])
def test_malformed_user_rule_file_is_a_config_error(tmp_path: Path, run_guard: RunGuard,
                                                    rule_text: str, line: int) -> None:
    make_tree(tmp_path, {
        ".guard.toml": 'rules = ["guard-rules.toml"]\n',
        "guard-rules.toml": rule_text,
        "a.py": "x = 1\n",
    })
    message = _usage_error(run_guard("scan", cwd=tmp_path))
    rule_file = str(tmp_path / "guard-rules.toml")
    assert rule_file in message, message
    assert f"{rule_file}:{line}:" in message or re.search(rf"\bline {line}\b", message), message


def test_missing_user_rule_file_is_a_config_error(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {".guard.toml": 'rules = ["nope.toml"]\n', "a.py": "x = 1\n"})
    message = _usage_error(run_guard("scan", cwd=tmp_path))
    assert "nope.toml" in message
