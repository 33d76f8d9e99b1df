"""The one answer to "is this path sensitive, is this text, and which spans in it are secret?".

Every front door asks a :class:`Judge`: ``guard scan`` (tree, staged index, history), the agent
hook, the language server, ``guard protect``/``guard doctor`` and ``guard view``. A Judge holds
what the answer depends on, loaded once per process: the config, the rule pack (with the
config's extra rules) and the engine, built on first use without the rules the config switches
off. The answers:

- :meth:`Judge.path_rule`: the path rule (or the config's ``sensitive`` list) that names a path
  relative to a root, unless the config allows the path or switches the rule off;
- :meth:`Judge.path_verdict`: the same for an absolute path, also relative to $HOME and the
  filesystem root, plus places outside any repository that hold secrets whatever the rules say
  (``/proc/*/environ``, ``~/.ssh/``, shell histories…): what an agent may not read;
- :meth:`Judge.secrets`: the secrets in a text, minus what the config allows;
- :meth:`Judge.strict` and :meth:`Judge.redact`: which spans a redacted view replaces.

The config's ``exclude`` takes a path out of content scanning in every door (a fixture full of
fake keys is noise); a path rule still protects an excluded path by its name.
"""

from __future__ import annotations

import os
import re

from guard import config as config_mod
from guard.detect import ruleset

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from guard.detect.engine import Engine
    from guard.detect.finding import Finding
    from guard.detect.prefilter import Prefilter
    from guard.detect.redact import View

USER_SENSITIVE = "user-sensitive-path"
USER_SENSITIVE_DESCRIPTION = "sensitive file (listed in config)"

# Places outside any repository that hold secrets whatever the rules say. Patterns stay strings:
# re compiles and caches them on first use, which a call that touches no such path never reaches.
_SYSTEM = [
    (r"^/proc/(?:self|thread-self|\d+)/(?:task/\d+/)?environ$", "another process's environment"),
    (r"^/etc/(?:shadow|gshadow|master\.passwd)-?$", "the system password database"),
    (r"^/etc/ssl/private/", "a TLS private key directory"),
    (r"^/(?:var/)?run/secrets/", "mounted container secrets"),
]
# The same, relative to $HOME.
_HOME = [
    (r"^\.ssh/(?!.*\.pub$)(?!known_hosts)(?!config$)(?!authorized_keys)[^/]+$",
     "a file in ~/.ssh"),
    (r"^\.(?:bash|zsh|sh|fish|python|node_repl|psql|mysql|sqlite)_history$|"
     r"^\.local/share/fish/fish_history$|^\.histfile$", "shell history, which holds typed secrets"),
    (r"^\.gnupg/(?:private-keys-v1\.d/|secring)", "a GnuPG private key"),
    (r"^\.password-store/", "a pass password store"),
    (r"^\.config/gcloud/(?:configurations/|credentials|legacy_credentials|"
     r"application_default_credentials)", "Google Cloud credentials"),
    (r"^\.kube/", "Kubernetes credentials"),
    (r"^\.claude/\.credentials\.json$|^\.codex/auth\.json$|^\.gemini/oauth_creds",
     "an AI assistant's login"),
]


class PathVerdict:
    """Why a path is sensitive by its name: the rule (``rule_id``, ``description``,
    ``confidence``); ``reason`` is the sentence every door shows."""

    __slots__ = ("confidence", "description", "rule_id")

    def __init__(self, rule_id: str, description: str, confidence: str = "high") -> None:
        self.rule_id = rule_id
        self.description = description
        self.confidence = confidence

    @property
    def reason(self) -> str:
        return f"{self.description} ({self.rule_id})" if self.rule_id else self.description

    def finding(self, path: str) -> Finding:
        from guard.detect.finding import Finding

        return Finding(self.rule_id, self.description, path, kind="file",
                       confidence=self.confidence)


class Judge:
    """The answers for one config. ``root`` is the repository path rules are relative to;
    ``expected_bytes`` tells the engine how much it will scan (a tree pays for Hyperscan)."""

    def __init__(self, config: config_mod.Config | None = None, *,
                 pack: ruleset.RuleSet | None = None, root: str | None = None,
                 home: str | None = None, expected_bytes: int = 0) -> None:
        self.config = config if config is not None else config_mod.Config()
        self.pack = pack if pack is not None else ruleset.load(tuple(self.config.rule_paths))
        self.root = os.path.abspath(root) if root else self.config.base
        self.home = os.path.normpath(home or os.path.expanduser("~"))
        self.expected_bytes = expected_bytes
        self._engine: Engine | None = None
        self._strict_engine: Engine | None = None

    @classmethod
    def near(cls, path: str, config_path: str | None = None, **kw: object) -> Judge:
        """The Judge for ``path``: the config nearest to it (or ``config_path``). A broken
        config raises GuardError: a door that must not fail open catches it."""
        cfg = config_mod.load(config_path or config_mod.find(path))
        start = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        kw.setdefault("root", config_mod.find_root(start))
        return cls(cfg, **kw)  # type: ignore[arg-type]

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from guard.detect.engine import Engine

            self._engine = Engine(self.pack, self.expected_bytes,
                                  disabled=self.config.allow_rules)
        return self._engine

    # --- paths ------------------------------------------------------------------------------------

    def path_rule(self, rel: str, abspath: str, prefilter: Prefilter | None = None
                  ) -> PathVerdict | None:
        """The path rule or config entry naming ``rel`` (relative to the root; ``abspath`` for
        the config's patterns), or None, also when the config switches the rule off. Whether
        the config allows the path is :meth:`allows`' business: a scan counts what it allows."""
        rule = self.pack.path_rule_for(config_mod.matchable(rel), prefilter)
        if rule is not None:
            if rule.id in self.config.allow_rules:
                return None
            return PathVerdict(rule.id, rule.description, rule.confidence)
        if self.config.user_sensitive(abspath):
            return PathVerdict(USER_SENSITIVE, USER_SENSITIVE_DESCRIPTION)
        return None

    def allows(self, finding: Finding, abspath: str) -> bool:
        """Whether the config allows ``finding`` (in the file at ``abspath``): by path or by
        fingerprint."""
        return (bool(abspath) and self.config.path_allowed(abspath)) or \
            finding.fingerprint in self.config.allow_fingerprints

    def path_verdict(self, abspath: str) -> PathVerdict | None:
        """Why the absolute ``abspath`` is sensitive by name: a well-known place, or a path rule
        on it relative to the root, to $HOME or to ``/``; None when nothing names it."""
        if self.config.path_allowed(abspath):  # the user's word: findings there are allowed
            return None
        for rx, why in _SYSTEM:
            if re.search(rx, abspath):
                return PathVerdict("", why)
        home = self.home.rstrip("/") + "/"
        if abspath.startswith(home):
            for rx, why in _HOME:
                if re.search(rx, abspath[len(home):]):
                    return PathVerdict("", why)
        rels = [abspath[len(base.rstrip("/")) + 1:] for base in (self.root, self.home)
                if abspath.startswith(base.rstrip("/") + "/")]
        rels.append(abspath.lstrip("/"))
        for rel in rels:
            rule = self.pack.path_rule_for(config_mod.matchable(rel))
            if rule is not None and rule.id not in self.config.allow_rules:
                return PathVerdict(rule.id, rule.description, rule.confidence)
        if self.config.user_sensitive(abspath):
            return PathVerdict(USER_SENSITIVE, USER_SENSITIVE_DESCRIPTION)
        return None

    def excluded(self, abspath: str) -> bool:
        """Whether the config takes ``abspath`` out of content scanning."""
        return self.config.excluded(abspath)

    # --- content ----------------------------------------------------------------------------------

    def secrets(self, data: bytes, path: str, abspath: str = "") -> tuple[list[Finding], int]:
        """The secrets in ``data`` (the content of ``path``) that the config does not allow, and
        how many it allowed (by ``abspath`` in ``allow.paths``, or by fingerprint)."""
        found = self.engine.scan(data, path)
        if not found:
            return found, 0
        if abspath and self.config.path_allowed(abspath):
            return [], len(found)
        kept = [f for f in found if not self.allows(f, "")]
        return kept, len(found) - len(kept)

    def model_enabled(self) -> bool:
        """Whether the config asks for the local model and it can run here."""
        if not self.config.model.get("enabled"):
            return False
        from guard.model import classify  # only when the config asks for the model

        return classify.enabled(self.config)

    # --- redacted views ---------------------------------------------------------------------------

    def strict(self, path: str) -> bool:
        """Whether a view of ``path`` redacts every value: dotenv files and files sensitive by
        name (see guard.detect.redact)."""
        from guard.detect import redact

        if redact.is_strict(path, self.pack, self.config, root=self.root):
            return True
        # a link is as strict as what it points to: notes.txt -> .env is a dotenv file
        real = os.path.realpath(path)
        return real != os.path.abspath(path) and redact.is_strict(real, self.pack, self.config,
                                                                    root=self.root)

    def spans(self, data: bytes, path: str, strict: bool | None = None
              ) -> list[tuple[int, int, str]]:
        """The spans of ``data`` (the content of ``path``) a redacted view replaces, each with
        its label; ``strict`` defaults to :meth:`strict` of the path."""
        from guard.detect import redact
        from guard.detect.engine import Engine

        if strict is None:
            strict = self.strict(path)
        disabled = redact.disabled_rules(self.pack, strict, self.config.allow_rules)
        if disabled == self.config.allow_rules:
            engine = self.engine
        else:  # a strict view skips the syntax rules (see redact.disabled_rules): built once
            if self._strict_engine is None:
                self._strict_engine = Engine(self.pack, len(data), disabled=disabled)
            engine = self._strict_engine
        return redact.secret_spans(data, path, engine, strict, self.config.allow_fingerprints)

    def redact(self, data: bytes, path: str) -> View:
        """``data`` (the content of ``path``) with every secret value a typed placeholder."""
        from guard.detect import redact

        return redact.render(data, self.spans(data, path))
