"""What every hook decision needs, loaded once per hook process: the Judge (config, rules,
engine), the working directory, the environment and $HOME; and a memo of the files judged so
far. "Is this file sensitive" is the Judge's answer (guard.judge), asked by absolute path."""

from __future__ import annotations

import os

from guard import config as config_mod
from guard.errors import GuardError
from guard.judge import Judge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.detect.engine import Engine
    from guard.detect.ruleset import RuleSet
    from guard.model.classify import Session

CONTENT_LIMIT = 1024 * 1024  # bytes of one file scanned at decision time


class Context:
    """What every decision needs, loaded once per hook process: config, rules, the engine (on
    first use), the repository root and $HOME; and a memo of the files judged so far."""

    def __init__(self, cwd: str, env: dict[str, str] | None = None,
                 config: config_mod.Config | None = None,
                 pack: RuleSet | None = None) -> None:
        self.cwd = os.path.abspath(cwd)
        self.env = dict(os.environ if env is None else env)
        self.home = os.path.normpath(self.env.get("HOME") or os.path.expanduser("~"))
        self.root = config_mod.find_root(self.cwd)
        if config is None:
            try:
                config = config_mod.load(config_mod.find(self.cwd))
            except GuardError:
                config = config_mod.Config()  # a broken config must not open the gate
        self.judge = Judge(config, pack=pack, root=self.root, home=self.home)
        self.config = config
        self.pack = self.judge.pack
        # The output layer (guard.hook.output) is installed for this assistant: what a call
        # prints is redacted before the model sees it, so reading a tree need not be refused.
        # Unless it also sees failed commands (Claude Code does not), shell commands are
        # rewritten to succeed (guard.hook.decide.always_succeeds).
        self.output_layer = False
        self.output_sees_failures = True
        self._memo: dict[tuple[str, bool], str | None] = {}
        self._leaked: dict[str, str] | None = None
        self._model: Session | None = None  # made when a file first needs it

    @property
    def engine(self) -> Engine:
        return self.judge.engine

    def abspath(self, path: str) -> str:
        if path.startswith("~"):
            path = self.home + path[1:] if path == "~" or path.startswith("~/") else \
                os.path.expanduser(path)
        if path.startswith("file://"):
            path = path[7:]
        return os.path.normpath(os.path.join(self.cwd, path))

    def shown(self, path: str) -> str:
        """How a path is written in a message: relative to the cwd, ~/…, or absolute."""
        for base, prefix in ((self.cwd, ""), (self.home, "~/")):
            if path == base:
                return "." if not prefix else "~"
            if path.startswith(base.rstrip("/") + "/"):
                return prefix + path[len(base.rstrip("/")) + 1:]
        return path

    # --- what is sensitive ----------------------------------------------------------------------

    def sensitive(self, path: str, content: bool = True) -> str | None:
        """Why ``path`` is sensitive (by name, config or content), or None."""
        abspath = self.abspath(path)
        key = (abspath, content)
        if key in self._memo:
            return self._memo[key]
        why = self._sensitive(abspath, content)
        self._memo[key] = why
        return why

    def _sensitive(self, abspath: str, content: bool) -> str | None:
        try:
            real = os.path.realpath(abspath)
        except (OSError, ValueError):
            real = abspath
        if self.config.path_allowed(abspath):  # the user's word: findings there are allowed
            return None
        for p in dict.fromkeys((abspath, real)):
            why = self.by_name(p)
            if why:
                return why if p == abspath else f"{why}, through a link to {self.shown(real)}"
        if content:
            return self.by_content(real)
        return None

    def by_name(self, abspath: str) -> str | None:
        verdict = self.judge.path_verdict(abspath)
        return verdict.reason if verdict is not None else None

    def by_content(self, real: str) -> str | None:
        if self.judge.excluded(real):
            return None  # the config takes it out of content scanning, as guard scan does
        from guard.detect import formats

        try:
            data = formats.read_regular(real, CONTENT_LIMIT)
        except (OSError, ValueError):
            return None  # unreadable: nothing to show either
        if data is None:
            return None  # a FIFO or a device: never opened for reading, nothing to scan

        if formats.is_binary(data):
            return None
        found, allowed = self.judge.secrets(data, real)
        if found:
            first = found[0]
            return f"it contains a secret ({first.rule_id}, line {first.line})"
        if not allowed and self.judge.model_enabled():
            return self.by_model(data, real)
        return None

    def by_model(self, data: bytes, real: str) -> str | None:
        """The local model's verdict on a file the rules left undecided. It only ever adds a
        denial: a file the rules call secret stays denied whatever the model says."""
        from guard.model import ambiguity, classify
        # The model reads the path as a scan shows it: relative to the repository.
        shown = real[len(self.root.rstrip("/")) + 1:] if real.startswith(
            self.root.rstrip("/") + "/") else os.path.basename(real)
        amb = ambiguity.assess(self.engine, data, shown, [])  # by_name ruled out path rules
        if amb is None:
            return None
        if self._model is None:
            self._model = classify.Session(self.config)
        try:
            verdict = self._model.judge(amb)
        except classify.ModelError:
            return None  # the rules have spoken; a broken optional model adds nothing
        if not verdict.sensitive:
            return None
        return (f"the local model judges a value on line {verdict.line} a live credential "
                f"(score {verdict.score:.2f})")

    def leaked_variables(self) -> dict[str, str]:
        """Variables of the environment that hold secrets (see guard.hook.envcheck)."""
        if self._leaked is None:
            from guard.hook import envcheck

            def is_env_file(p: str) -> bool:
                rule = self.pack.path_rule_for(os.path.basename(p))
                return (rule is not None and rule.id in envcheck.ENV_FILE_RULES) or \
                    self.config.user_sensitive(p)

            files = envcheck.env_files([self.root, self.cwd], is_env_file)
            self._leaked = envcheck.exported_secrets(self.env, files, self.engine)
        return self._leaked

    def safe(self, reason: str) -> str:
        """``reason`` with anything the engine calls a secret masked (defence in depth)."""
        data = reason.encode("utf-8", "surrogateescape")
        found = self.engine.scan(data, "reason.txt")
        for f in sorted(found, key=lambda f: -len(f.secret)):
            data = data.replace(f.secret, f.masked.encode())
        return data.decode("utf-8", "replace")
