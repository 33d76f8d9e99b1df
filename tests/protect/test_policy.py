"""guard.protect.policy: what the policy protects in a real tree, the order of its lines, and the
two renderings (with and without gitignore's ``!``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pathspec
import pytest

from guard import config
from guard.protect import policy
from guard.sources import walk
from tests.conftest import git_init, make_tree
from tests.protect_repo import READABLE, SENSITIVE, TOKEN, make_repo


def _spec(lines: list[policy.Line]) -> pathspec.PathSpec:
    return pathspec.PathSpec.from_lines("gitignore", [ln.pattern for ln in lines],
                                        backend="simple")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("policy") / "repo")


@pytest.fixture(scope="module")
def pol(repo: Path) -> policy.Policy:
    return policy.build(str(repo), config.Config(str(repo / ".guard.toml")))


def test_the_policy_finds_every_sensitive_file_of_the_tree(pol: policy.Policy) -> None:
    assert pol.files() == sorted(SENSITIVE)
    assert pol.reason(".env") == "dotenv-file"
    assert pol.reason("src/settings.py").startswith("secret: ")
    assert TOKEN not in pol.reason("src/settings.py")


def test_files_ignored_one_by_one_count_but_ignored_directories_do_not(
        pol: policy.Policy) -> None:
    # .env and services/api/.env are in .gitignore: an assistant can still open them
    assert {".env", ".env.local", "services/api/.env"} <= set(pol.files())
    assert not any(p.startswith("node_modules/") for p in pol.files())


def test_templates_are_recognised(pol: policy.Policy) -> None:
    assert ".env.example" in pol.templates
    assert "services/api/.env.example" in pol.templates
    assert "id_rsa.pub" not in pol.templates  # *.pub is an exclude, but no pattern matches it


@pytest.mark.parametrize("negation", [True, False])
def test_every_sensitive_file_is_excluded_and_nothing_else(pol: policy.Policy,
                                                           negation: bool) -> None:
    lines = pol.lines(negation=negation)
    if not negation:
        assert not any(ln.negated for ln in lines)
    spec = _spec(lines)
    assert [p for p in SENSITIVE if not spec.match_file(p)] == []
    assert [p for p in READABLE if spec.match_file(p)] == []


def test_with_negation_templates_come_back_after_the_patterns(pol: policy.Policy) -> None:
    patterns = [ln.pattern for ln in pol.lines()]
    assert ".env.*" in patterns and "!.env.example" in patterns
    assert patterns.index(".env.*") < patterns.index("!.env.example")


def test_without_negation_a_pattern_that_would_hide_a_template_becomes_files(
        pol: policy.Policy) -> None:
    lines = pol.lines(negation=False)
    patterns = [ln.pattern for ln in lines]
    assert ".env.*" not in patterns  # it would hide .env.example
    assert "/.env.local" in patterns
    listed = [ln for ln in lines if ln.section == "listed"]
    assert {ln.origin for ln in listed} >= {".env.*"}
    assert ".env" in patterns and "*.key" in patterns  # no template matches these: kept broad


def test_secret_files_are_named_exactly(pol: policy.Policy) -> None:
    secret = [ln for ln in pol.lines() if ln.section == "secrets"]
    assert [ln.pattern for ln in secret] == ["/src/settings.py"]


def test_the_order_is_stable(repo: Path) -> None:
    cfg = config.Config(str(repo / ".guard.toml"))
    first = policy.build(str(repo), cfg)
    second = policy.build(str(repo), cfg)
    assert first.lines() == second.lines()
    assert first.lines(negation=False) == second.lines(negation=False)
    assert [ln.pattern for ln in first.lines() if ln.section == "rules"][:2] == [".env", ".env.*"]


def test_an_exception_of_one_rule_cannot_reopen_another_rules_file(tmp_path: Path) -> None:
    # "*.example.*" excuses secrets.example.yml, but demo.example.key is a private key
    repo = make_tree(git_init(tmp_path / "r"), {"certs/demo.example.key": "x\n", "a.py": ""})
    pol = policy.build(str(repo), config.Config())
    lines = pol.lines()
    assert policy.Line("/certs/demo.example.key", "pinned", "certs/demo.example.key") in lines
    assert _spec(lines).match_file("certs/demo.example.key")


def test_config_sensitive_patterns_are_added(tmp_path: Path) -> None:
    repo = make_tree(git_init(tmp_path / "r"), {
        ".guard.toml": 'sensitive = ["deploy/*.secret"]\n', "deploy/db.secret": "x\n",
        "deploy/db.txt": "x\n"})
    cfg = config.load(str(repo / ".guard.toml"))
    pol = policy.build(str(repo), cfg)
    assert pol.reason("deploy/db.secret") == "config"
    spec = _spec(pol.lines())
    assert spec.match_file("deploy/db.secret") and not spec.match_file("deploy/db.txt")


def test_config_patterns_of_a_nested_config_are_rebased(tmp_path: Path) -> None:
    assert policy.rebase("*.secret", "") == "*.secret"
    assert policy.rebase("*.secret", "svc") == "/svc/**/*.secret"
    assert policy.rebase("deploy/*.secret", "svc") == "/svc/deploy/*.secret"
    assert policy.rebase("/top.secret", "svc") == "/svc/top.secret"
    assert policy.rebase("!keep.secret", "svc") == "!/svc/**/keep.secret"


def test_a_rule_switched_off_in_the_config_is_left_out(tmp_path: Path) -> None:
    repo = make_tree(git_init(tmp_path / "r"), {
        ".guard.toml": '[allow]\nrules = ["terraform-state-or-vars"]\n',
        "terraform.tfstate": "{}\n"})
    pol = policy.build(str(repo), config.load(str(repo / ".guard.toml")))
    assert "terraform.tfstate" not in pol.files()
    assert "*.tfstate" not in [ln.pattern for ln in pol.lines()]


def test_outside_a_git_repository_every_file_counts(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "plain", {".gitignore": ".env\n", ".env": "A=1\n"})
    assert policy.build(str(tree), config.Config()).files() == [".env"]


@pytest.mark.parametrize("name", [
    "plain.txt", "star*name", "q?mark", "[brackets]", "back\\slash", "trailing space ",
    "#hash", "!bang", "dir with space/f",
])
def test_an_anchored_path_matches_exactly_that_file(tmp_path: Path, name: str) -> None:
    line = policy.anchored(name)
    spec = pathspec.PathSpec.from_lines("gitignore", [line])
    assert spec.match_file(name), line
    assert not spec.match_file("other/" + name)
    assert not spec.match_file(name.rstrip() + "x")
    # and git itself agrees
    repo = make_tree(git_init(tmp_path / "g"), {name: "x\n", ".gitignore": line + "\n"})
    out = subprocess.run(["git", "-C", str(repo), "check-ignore", "--no-index", name],
                         capture_output=True, text=True)
    assert out.returncode == 0, (line, out.stdout, out.stderr)


def test_find_root_walks_up_to_the_repository(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "r")
    (repo / "a" / "b").mkdir(parents=True)
    assert walk.find_root(str(repo / "a" / "b")) == str(repo)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert walk.find_root(str(plain)) == str(plain)
