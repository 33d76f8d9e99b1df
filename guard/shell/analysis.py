"""Static analysis of a shell command line an agent wants to run: which files it reads, prints,
opens, copies, archives, sends or sources, which commands dump the environment, which variables it
prints, and what Guard cannot know (an unknown variable where a reader takes its file, code piped
into a shell). guard.hook.decide turns the result into a verdict; nothing here knows what is
sensitive.

The command is parsed by guard.shell.parse and walked in order, tracking simple assignments
(``f=.env; cat $f``), ``for`` loop variables, ``sh -c``/``eval`` strings and their positional
parameters, command substitutions whose output is known (``$(echo .env)``, a listing such as
``$(ls)`` or ``$(find . -name '*.env')``), pipelines into ``xargs`` and into shells, heredocs and
here-strings, brace expansion and globs (expanded against the directory listing, and kept so that
a glob that could match a sensitive name is caught even when nothing matches today).

Everything is over-approximated in the safe direction: an option Guard does not know is taken for
a file name when the command is a reader, and an interpreter given a path may be reading it.
"""

from __future__ import annotations

import itertools
import os
import re

from guard.shell import parse as sp
from guard.shell.expand import (
    _GLOB_CHARS,
    _SPLIT,
    MAX_GLOB_MATCHES,
    MAX_VARIANTS,
    expand_glob,
    glob_regex,  # noqa: F401 - guard.hook.decide uses it from here
    has_glob,
)
from guard.shell.expand import brace_expand as _brace_expand
from guard.shell.expand import escape as _escape
from guard.shell.expand import unescape as _unescape
from guard.shell.model import REVEALING, Access, Analysis, Arg, Listing, Static
from guard.sources.walk import find_root

MAX_SCRIPT_BYTES = 256 * 1024  # a script file read to see what it reads
MAX_NESTING = 6  # sh -c inside eval inside a script…


class _Unknown:
    """The output of a command Guard cannot predict, flowing into the next one of a pipe."""


UNKNOWN = _Unknown()
_NOT_A_WRAPPER = object()


# --- command tables ---------------------------------------------------------------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


READERS = _set("""
cat tac nl head tail less more most bat batcat strings xxd od hexdump hd base64 base32 basenc
rev cut sort uniq fold fmt pr column paste join comm expand unexpand iconv zcat zless zmore bzcat
xzcat lzcat zstdcat gzcat lz4cat diff diff3 sdiff cmp colordiff icdiff delta wdiff gron mlr
xmllint pandoc glow mdcat highlight pygmentize ccat uuencode look csvlook csvcut tr envsubst
dos2unix unix2dos sqlite3 split csplit shuf tsort numfmt
""")
OPENERS = _set("""
vi vim nvim gvim vimdiff view nano pico emacs emacsclient code code-insiders cursor codium subl
gedit kate micro hx helix ed ex joe mcedit open xdg-open
""")
SEARCHERS = _set("grep egrep fgrep zgrep zegrep zfgrep rg ag ack ack-grep ugrep pt sift")
PROGRAM_FIRST = _set("sed gsed awk gawk mawk nawk jq gojq jaq yq")
COPIERS = _set("cp mv ln install rsync scp")
ARCHIVERS = _set("tar bsdtar gtar zip gzip pigz bzip2 xz zstd lz4 lzma compress 7z 7za 7zr "
                      "rar jar")
SENDERS = _set("curl wget http https xh nc ncat netcat socat telnet ftp sftp mail sendmail "
                    "mutt")
SHELLS = _set("sh bash zsh dash ksh mksh ash fish busybox")
INTERPRETERS = _set("python python2 python3 pypy pypy3 node nodejs deno bun ruby perl php "
                         "lua luajit Rscript osascript tclsh pwsh powershell")
ENV_DUMPERS = frozenset({"printenv"})
# Programs that take a file without showing its content (or only a count or a hash of it).
QUIET = _set("""
wc md5sum sha1sum sha224sum sha256sum sha384sum sha512sum b2sum cksum sum file stat ls du test [
[[ realpath readlink basename dirname touch rm rmdir chmod chown chgrp shred truncate mkdir cd
pushd popd true false : trash sleep which type whereis exit return guard ssh ssh-add ssh-keygen
ssh-copy-id lsof kill mkfifo exa eza tree fd fdfind find locate wait jobs fg bg disown umask
ulimit hash alias unalias shopt trap read mapfile readarray let local unset getopts
""")
# Of those, the ones whose standard input may come from a sensitive file: they print only a
# count or a hash of it (`read`, `mapfile` are quiet but put the content in a variable).
STDIN_SAFE = _set("wc md5sum sha1sum sha224sum sha256sum sha384sum sha512sum b2sum cksum sum "
                  "true false : test [ file")
WRAPPERS: dict[str, frozenset[str]] = {  # program -> its options that take a value
    "sudo": _set("-u -g -h -p -C -D -r -t -U -T --user --group"),
    "doas": frozenset({"-u", "-C"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "ionice": frozenset({"-c", "-n", "-p", "-t"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "exec": frozenset({"-a"}),
    "unbuffer": frozenset(),
    "caffeinate": frozenset({"-t", "-w"}),
    "strace": _set("-e -o -p -s -u -P -a -b -E -I -O -S -X"),
    "ltrace": _set("-e -o -p -s -u -n -a"),
    "xvfb-run": frozenset({"-n", "-s", "-f", "-e", "-p"}),
    "npx": frozenset({"-p", "--package", "-c", "--call"}),
    "bunx": frozenset({"-p", "--package"}),
    "pnpx": frozenset(),
    "uvx": frozenset({"--from", "--with", "-p", "--python"}),
    "faketime": frozenset({"-f"}),
    "chronic": frozenset(),
    "torsocks": frozenset(),
    "proxychains": frozenset({"-f"}),
    "proxychains4": frozenset({"-f"}),
    "firejail": frozenset(),
}
# Runners whose subcommand ("run", "exec") is followed by a command.
RUNNERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "uv": (frozenset({"run"}), _set("--with -p --python --package --extra --group "
                                          "--env-file --directory --project")),
    "poetry": (frozenset({"run"}), frozenset({"-C", "--directory", "-P", "--project"})),
    "pipenv": (frozenset({"run"}), frozenset()),
    "pdm": (frozenset({"run"}), frozenset({"-p", "--project"})),
    "hatch": (frozenset({"run"}), frozenset({"-e", "--env"})),
    "rye": (frozenset({"run"}), frozenset()),
    "pipx": (frozenset({"run"}), frozenset({"--spec", "--python"})),
    "bundle": (frozenset({"exec"}), frozenset()),
    "conda": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "mamba": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "micromamba": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "nix": (frozenset({"run", "shell", "develop"}), frozenset()),
    "direnv": (frozenset({"exec"}), frozenset()),
}
# Options that load a dotenv file into a program's environment without showing it.
ENV_FILE_LOADERS = {"node": "--env-file", "nodejs": "--env-file", "bun": "--env-file",
                    "deno": "--env-file", "uvicorn": "--env-file", "uv": "--env-file"}

# Inline code (python -c, node -e…) that reaches the environment.
# Inline code (python -c, node -e…) that reaches the environment; string literals and bare
# path-like words of code. Kept as strings: re compiles (and caches) them on first use, so a
# command without inline code does not pay for them.
_CODE_ENV = (r"os\.environ|\bgetenv\b|\benviron\b|process\.env|\bENV\b|%ENV|\$ENV\{|"
             r"\$_ENV|\$_SERVER|System\.getenv|Deno\.env|Bun\.env|Sys\.getenv|"
             r"Get-ChildItem\s+env:|\$env:")
_CODE_STRING = (
    r"""(?s)'''(.*?)'''|\"\"\"(.*?)\"\"\"|'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`""")
_CODE_PATHISH = r"(?:~|\.{1,2})?/?[\w.\-]*(?:/[\w.\-]+)+|\.[\w][\w.\-]*"
_PYTHON_VERSIONED = r"python\d+(?:\.\d+)*$|pypy\d*(?:\.\d+)*$"

# Per-command options that take a value (so the value is not taken for the pattern or a file).
_GREP_VALUE = _set("-e -f -m -A -B -C -d -D --regexp --file --max-count --after-context "
                        "--before-context --context --directories --devices --label --binary-files")
_RG_VALUE = _set("-e -f -g -t -T -m -A -B -C -j -M -E -r --regexp --file --glob --iglob "
                      "--type --type-not --type-add --max-count --after-context --before-context "
                      "--context --threads --max-columns --encoding --replace --max-depth "
                      "--max-filesize --ignore-file --sort --sortr --pre --pre-glob --colors "
                      "--color --path-separator --context-separator --field-match-separator "
                      "--engine --dfa-size-limit --regex-size-limit -d")
_AG_VALUE = _set("-G -g -m -A -B -C --file-search-regex --ignore --ignore-dir --depth "
                      "--max-count --context --after --before --pager -p --path-to-ignore")
_ACK_VALUE = _set("-g -m -A -B -C --type --ignore-dir --ignore-file --match --output "
                       "--max-count --context --after-context --before-context")
_SED_VALUE = _set("-e -f -l --expression --file --line-length")
_AWK_VALUE = _set("-f -v -F --file --assign --field-separator -i --include -l --load")
_JQ_VALUE = _set("-f --from-file --indent --arg --argjson --slurpfile --rawfile --args "
                      "-L --tab")
_RG_TYPES = {
    "py": ("*.py", "*.pyi"), "python": ("*.py", "*.pyi"), "js": ("*.js", "*.mjs", "*.cjs", "*.jsx"),
    "ts": ("*.ts", "*.tsx", "*.mts", "*.cts"), "go": ("*.go",), "rust": ("*.rs",),
    "java": ("*.java",), "rb": ("*.rb",), "ruby": ("*.rb",), "c": ("*.c", "*.h"),
    "cpp": ("*.cpp", "*.cc", "*.hpp", "*.h"), "md": ("*.md",), "markdown": ("*.md",),
    "html": ("*.html", "*.htm"), "css": ("*.css",), "sh": ("*.sh", "*.bash"),
    "yaml": ("*.yaml", "*.yml"), "json": ("*.json",), "toml": ("*.toml",),
}


def analyze(command: str, cwd: str, env: dict[str, str] | None = None,
            home: str | None = None) -> Analysis:
    """What ``command``, run in ``cwd`` with environment ``env``, does with files."""
    env = dict(os.environ if env is None else env)
    home = home or env.get("HOME") or os.path.expanduser("~")
    result = Analysis()
    try:
        script = sp.parse(command)
    except sp.ParseError as e:
        result.error = str(e)
        return result
    except RecursionError:
        result.error = "nested too deeply"
        return result
    walker = _Walker(result, os.path.abspath(cwd), env, home)
    try:
        walker.script(script)
    except sp.ParseError as e:  # a nested string (sh -c, eval) that does not parse
        result.error = str(e)
    except RecursionError:
        result.error = "nested too deeply"
    result.simple = _simple_view(script, result)
    return result


def _simple_view(script: sp.Script, result: Analysis) -> tuple[str, list[str]] | None:
    """``cat FILE…`` (or less, more, bat, head, tail) alone: what `guard view` can replace."""
    if len(script) != 1 or len(script[0]) != 1 or not isinstance(script[0][0], sp.Simple):
        return None
    cmd = script[0][0]
    if cmd.assigns or cmd.redirects or len(cmd.words) < 2:
        return None
    name = cmd.words[0].literal()
    files = [_plain_path(w) for w in cmd.words[1:]]
    if name not in ("cat", "less", "more", "bat", "batcat", "view") or any(
            f is None or f.startswith("-") or _GLOB_CHARS.search(f) for f in files):
        return None
    return name, [f for f in files if f is not None]


def _plain_path(word: sp.Word) -> str | None:
    """A word made of literals and a leading ``~``: a path as written, with no expansion."""
    parts = word.parts
    if parts and isinstance(parts[0], sp.Tilde) and not parts[0].user:
        rest = sp.Word(parts[1:], word.source).literal()
        return None if rest is None else "~" + rest
    return word.literal()


# --- the walk ----------------------------------------------------------------------------------


class _Walker:
    def __init__(self, result: Analysis, cwd: str, env: dict[str, str], home: str,
                 depth: int = 0, variables: dict[str, list[str] | None] | None = None) -> None:
        self.r = result
        self.cwd = cwd
        self.env = env
        self.home = home
        self.depth = depth
        self.vars: dict[str, list[str] | None] = dict(variables or {})
        self.cwd_unknown = False

    def child(self, positional: list[str] | None = None) -> _Walker:
        """A walker for a subshell, ``sh -c`` or a script: same files, a copy of the variables."""
        if self.depth >= MAX_NESTING:
            raise sp.ParseError("nested too deeply")
        w = _Walker(self.r, self.cwd, self.env, self.home, self.depth + 1, self.vars)
        w.cwd_unknown = self.cwd_unknown
        if positional is not None:
            for k in [k for k in w.vars if k.isdigit() or k in ("@", "*")]:
                del w.vars[k]
            for n, value in enumerate(positional):
                w.vars[str(n)] = [value]
            w.vars["@"] = w.vars["*"] = [" ".join(positional[1:])] if positional[1:] else [""]
        return w

    def abspath(self, text: str) -> str:
        return os.path.normpath(os.path.join(self.cwd, text))

    # --- structure ----------------------------------------------------------------------------

    def script(self, script: sp.Script) -> Static | Listing | None:
        out = None
        for pipeline in script:
            out = self.pipeline(pipeline)
        return out

    def pipeline(self, pipeline: sp.Pipeline) -> Static | Listing | None:
        feed = None
        for i, cmd in enumerate(pipeline):
            out = self.command(cmd, feed, piped=i > 0)
            feed = UNKNOWN if out is None else out
        return None if feed is UNKNOWN else feed

    def command(self, cmd: sp.Command, feed, piped: bool) -> Static | Listing | None:
        if isinstance(cmd, sp.Group):
            out = self.child().script(cmd.script)
            self.redirects(cmd.redirects, "(subshell)")
            return out
        if cmd.loop:
            name, words = cmd.assigns[0]
            values: list[str] = []
            unknown = False
            for w in words:
                for a in self.expand(w):
                    unknown = unknown or bool(a.dynamic)
                    values.append(a.text)
            self.vars[name] = None if unknown and not values else values[:MAX_VARIANTS]
            return None
        args: list[Arg] = []
        for w in cmd.words:
            args.extend(self.expand(w))
        if not args:  # assignments (and redirections) alone
            for name, words in cmd.assigns:
                self.assign(name, words)
            self.redirects(cmd.redirects, "")
            return None
        for _, words in cmd.assigns:  # VAR=x cmd: expansions inside still run
            for w in words:
                self.expand(w)
        return self.run(args, cmd, feed, piped)

    def assign(self, name: str, words: list[sp.Word]) -> None:
        values: list[str] = []
        for w in words:
            expanded = self.expand(w, split=False)
            if any(a.dynamic for a in expanded):
                self.vars[name] = None
                return
            values.extend(a.text for a in expanded)
        if len(words) > 1:  # an array: ${a[@]} stands for all of them
            self.vars[name] = [" ".join(values), *values]
        else:
            self.vars[name] = values or [""]

    def redirects(self, redirects: list[sp.Redirect], program: str) -> list[str]:
        """Analyse redirections; files read through ``<`` are reads by ``program``. Returns the
        code a heredoc or here-string hands to the program (for shells and interpreters)."""
        stdin: list[str] = []
        for r in redirects:
            if r.heredoc is not None:
                body = r.heredoc.body
                if body is not None:
                    self.note_printed(body, program)
                    args = self.expand(body, split=False)
                    stdin.append("".join(a.text for a in args) if args else "")
                continue
            if r.target is None:
                continue
            targets = self.expand(r.target, split=False)
            if r.op == "<<<":
                self.note_printed(r.target, program)
                stdin.append(" ".join(a.text for a in targets))
                continue
            if r.op in (">", ">|", "&>") and not r.fd.startswith("{"):
                for a in targets:  # truncates the file: judged as a write
                    if a.text and not a.dynamic and a.text != "/dev/null":
                        self.r.accesses.append(Access("write", self.abspath(a.text),
                                                      program or "output redirection",
                                                      word=a.source))
                continue
            if r.op in ("<", "<>") or (r.op == "<&" and not (r.target.literal() or "").isdigit()):
                for a in targets:
                    if program in STDIN_SAFE:
                        continue
                    self.touch("read", a, program or "input redirection")
                    if program in SHELLS or _is_interpreter(program):
                        stdin.append(self.read_script(self.abspath(a.text)) or "")
        return stdin

    def note_printed(self, word: sp.Word, program: str) -> None:
        for part in word.parts:
            if isinstance(part, sp.Var) and part.name not in ("@", "*", "#", "?", "$", "!"):
                self.r.printed_vars.append((part.name, program or "echo"))

    # --- expansion ----------------------------------------------------------------------------

    def values(self, name: str) -> list[str] | None:
        if name in self.vars:
            return self.vars[name]
        if name == "PWD":
            return [self.cwd]
        if name == "HOME":
            return [self.home]
        if name in ("#", "?", "$", "!", "RANDOM", "LINENO", "SECONDS", "PPID", "UID", "EUID"):
            return ["0"]
        if name in self.env:
            return [self.env[name]]
        return None

    def expand(self, word: sp.Word, split: bool = True) -> list[Arg]:
        """The arguments a word becomes: escaped alternatives, split, brace-expanded, globbed."""
        # each alternative: (escaped text, why unknown, split here?, listing, vars)
        alts: list[tuple[str, str, bool, Listing | None, tuple[str, ...]]] = [
            ("", "", False, None, ())]
        for part in word.parts:
            pieces: list[tuple[str, str, bool, Listing | None, tuple[str, ...]]]
            if isinstance(part, sp.Lit):
                pieces = [(_escape(part.text) if part.quoted else part.text, "", False, None, ())]
            elif isinstance(part, sp.Tilde):
                path = self.home if not part.user else os.path.expanduser("~" + part.user)
                unknown = "" if not path.startswith("~") else "~" + part.user
                pieces = [(_escape(path), unknown, False, None, ())]
            elif isinstance(part, sp.Arith):
                pieces = [("0", "", False, None, ())]
            elif isinstance(part, sp.Sub):
                pieces = [self.substitution(part)]
            else:
                pieces = self.var_pieces(part)
            alts = [(a[0] + p[0], a[1] or p[1], a[2] or p[2], a[3] or p[3], a[4] + p[4])
                    for a in alts for p in pieces][:MAX_VARIANTS]
        out: list[Arg] = []
        for text, dynamic, do_split, listing, names in alts:
            chunks = [c for c in _SPLIT.split(text) if c] if (split and do_split) else [text]
            if not chunks:
                chunks = [""]
            for chunk in chunks:
                for item in _brace_expand(chunk):
                    out.extend(self.glob(item, word.source, dynamic, listing, names))
        return out[:MAX_GLOB_MATCHES]

    def var_pieces(self, part: sp.Var) -> list[tuple[str, str, bool, Listing | None,
                                                     tuple[str, ...]]]:
        name = part.name
        desc = "${" + name + "}"
        if part.op == "~" or part.op == "!":
            return [("", desc, False, None, (name,))]
        if part.op == "#":
            return [("0", "", False, None, ())]
        vals = self.values(name)
        unset = vals is None or (part.op.startswith(":") and vals == [""])
        if part.op in (":-", "-", ":=", "=") and part.arg is not None and unset:
            defaults = [a.text for a in self.expand(part.arg, split=False)]
            vals_text = (vals or []) + defaults
            dynamic = desc if vals is None else ""
            return [(_escape(v) if part.quoted else v, dynamic, not part.quoted, None, (name,))
                    for v in vals_text[:MAX_VARIANTS]] or [("", dynamic, False, None, ())]
        if part.op in (":+", "+") and part.arg is not None:
            alt = [a.text for a in self.expand(part.arg, split=False)]
            if vals is None:
                return [("", "", False, None, ())] + [(_escape(v), "", False, None, ())
                                                      for v in alt]
            return [(_escape(v), "", False, None, ()) for v in alt] if vals != [""] else [
                ("", "", False, None, ())]
        if vals is None:
            return [("", desc, False, None, (name,))]
        return [(_escape(v) if part.quoted else v, "", not part.quoted, None, (name,))
                for v in vals[:MAX_VARIANTS]]

    def substitution(self, part: sp.Sub) -> tuple[str, str, bool, Listing | None,
                                                  tuple[str, ...]]:
        out = self.child().script(part.script)
        if part.kind in ("<(", ">("):
            return ("/dev/fd/63", "", False, None, ())
        if isinstance(out, Static):
            text = out.text.rstrip("\n")
            return (_escape(text) if part.quoted else text, "", not part.quoted, None, ())
        if isinstance(out, Listing):
            return ("", "", False, out, ())
        return ("", "$(…)", False, None, ())

    def glob(self, escaped: str, source: str, dynamic: str, listing: Listing | None,
             names: tuple[str, ...]) -> list[Arg]:
        text = _unescape(escaped)
        if not has_glob(escaped):
            return [Arg(text, source, dynamic=dynamic, listing=listing, vars=names)]
        base = escaped if escaped.startswith("/") else _escape(self.cwd) + "/" + escaped
        matches = expand_glob(base)
        if not matches:  # bash passes the pattern on as it is: kept to ask what it could match
            return [Arg(text, source, pattern=base, dynamic=dynamic, listing=listing, vars=names)]
        return [Arg(m, source, dynamic=dynamic, listing=listing, vars=names) for m in matches]

    # --- recording ----------------------------------------------------------------------------

    def touch(self, op: str, arg: Arg, program: str, **scope) -> None:
        """Record that ``program`` does ``op`` with the file (or listing) ``arg`` stands for."""
        revealing = op in REVEALING
        if arg.dynamic and revealing:
            self.r.dynamic.append(f"`{program}` takes {arg.source}, whose value Guard cannot "
                                  "know")
        if arg.pattern and revealing:
            self.r.globs.append((arg.pattern, program, arg.source))
        if arg.listing is not None:
            lst = arg.listing
            for p in lst.paths:
                self.r.accesses.append(Access(op, p, program, lst.scope, lst.hidden,
                                              lst.gitignore, lst.names, lst.excludes,
                                              arg.source))
            return
        if not arg.text or arg.text == "-":
            return
        if self.cwd_unknown and revealing and not os.path.isabs(arg.text):
            self.r.dynamic.append(f"`{program}` takes {arg.source} in a directory Guard cannot "
                                  "know (after a `cd` to an unknown place)")
        self.r.accesses.append(Access(op, self.abspath(arg.text), program, word=arg.source,
                                      **scope))

    def read_script(self, path: str) -> str | None:
        try:
            if os.path.getsize(path) > MAX_SCRIPT_BYTES:
                return None
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return None

    # --- commands -----------------------------------------------------------------------------

    def run(self, args: list[Arg], cmd: sp.Simple, feed, piped: bool,
            stdin_code: list[str] | None = None) -> Static | Listing | None:
        """Dispatch on the program name, after unwrapping sudo, env, timeout, xargs…"""
        if args[0].dynamic and not args[0].text:
            self.r.dynamic.append(f"the program {args[0].source} is not known")
            self.redirects(cmd.redirects, "")
            for a in args[1:]:
                self.touch("pass", a, args[0].source)
            return None
        name = os.path.basename(args[0].text)
        rest = args[1:]
        unwrapped = self.unwrap(name, rest, cmd, feed, piped)
        if unwrapped is not _NOT_A_WRAPPER:
            return unwrapped  # type: ignore[return-value]
        code = self.redirects(cmd.redirects, name)
        if stdin_code:
            code = stdin_code + code
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, name, rest, cmd, feed, code)
        if name in READERS:
            return self.reader(name, rest)
        if name in OPENERS:
            for a in _positional(rest):
                self.touch("open", a, name)
            return None
        if name in SHELLS:
            return self.shell(name, rest, feed, code)
        if _is_interpreter(name):
            return self.interpreter(name, rest, feed, code)
        if name in QUIET or name in SENDERS:
            return None  # senders without a handler get their data through < or a pipe
        for a in _positional(rest, values=True):  # a program Guard does not know
            self.touch("pass", a, name)
        return None

    def unwrap(self, name: str, rest: list[Arg], cmd: sp.Simple, feed, piped: bool):
        """Run the command a wrapper (sudo, timeout, env X=1, uv run…) runs, and return its
        output; _NOT_A_WRAPPER when ``name`` is not a wrapper."""
        if name in WRAPPERS:
            if name == "command" and rest and rest[0].text in ("-v", "-V"):
                return None
            inner = _skip_options(rest, WRAPPERS[name])
        elif name == "timeout":
            inner = _skip_options(rest, frozenset({"-s", "-k", "--signal", "--kill-after"}))
            inner = inner[1:]  # the duration
        elif name in ("taskset", "flock", "chrt"):
            inner = _skip_options(rest, frozenset({"-E", "-w", "--timeout"}))[1:]
            if name == "flock" and rest and any(a.text in ("-c", "--command") for a in rest):
                i = next(i for i, a in enumerate(rest) if a.text in ("-c", "--command"))
                return self.shell("sh", rest[i:], feed, [])
        elif name == "env":
            return self.env_command(rest, cmd, feed, piped)
        elif name == "watch":
            inner = _skip_options(rest, frozenset({"-n", "-d", "--interval", "-x"}))
            if inner and not any(a.text in ("-x", "--exec") for a in rest):
                return self.eval_text(" ".join(a.text for a in inner), name)
        elif name in RUNNERS:
            subs, with_value = RUNNERS[name]
            inner = _skip_options(rest, with_value)
            if not inner or inner[0].text not in subs:
                return _NOT_A_WRAPPER
            self.env_file_option(name, rest)
            inner = _skip_options(inner[1:], with_value)
            if inner and inner[0].text == "--":
                inner = inner[1:]
        elif name == "xargs":
            return self.xargs(rest, cmd, feed)
        else:
            return _NOT_A_WRAPPER
        if not inner:  # `exec 3< .env`, `sudo` alone: only the redirections remain
            self.redirects(cmd.redirects, name)
            return None
        return self.run(inner, cmd, feed, piped)

    def env_command(self, rest: list[Arg], cmd: sp.Simple, feed, piped: bool):
        i = 0
        while i < len(rest):
            t = rest[i].text
            if t in ("-u", "--unset", "-C", "--chdir"):
                i += 2
            elif t in ("-S", "--split-string"):
                if i + 1 < len(rest):
                    return self.eval_text(rest[i + 1].text, "env -S")
                i += 2
            elif t.startswith("-") or sp.is_assignment_word(t):
                i += 1
            else:
                break
        if i >= len(rest):
            self.r.env_dumps.append("env")
            self.redirects(cmd.redirects, "env")
            return None
        return self.run(rest[i:], cmd, feed, piped)

    def eval_text(self, text: str, program: str) -> Static | Listing | None:
        """Parse and analyse a command string that a program runs (eval, sh -c, watch)."""
        return self.child().script(sp.parse(text, self.depth + 1))

    def env_file_option(self, name: str, args: list[Arg]) -> None:
        """``--env-file F`` of a program that only loads it: a use, not a read."""
        for i, a in enumerate(args):
            if a.text.startswith("--env-file"):
                value = a.text.split("=", 1)[1] if "=" in a.text else (
                    args[i + 1].text if i + 1 < len(args) else "")
                if value:
                    self.r.accesses.append(Access("load", self.abspath(value), name,
                                                  word=a.source))

    # readers ----------------------------------------------------------------------------------

    def reader(self, name: str, args: list[Arg]) -> None:
        for a in _positional(args, values=True):
            self.touch("read", a, name)

    def xargs(self, rest: list[Arg], cmd: sp.Simple, feed) -> Static | Listing | None:
        with_value = _set("-I -n -L -P -d -E -s -a --arg-file --max-args --max-procs "
                               "--delimiter --max-lines --replace --eof")
        i = 0
        replace = ""
        items: list[Arg] = []
        while i < len(rest) and rest[i].text.startswith("-"):
            t = rest[i].text
            if t in ("-a", "--arg-file") and i + 1 < len(rest):
                self.touch("read", rest[i + 1], "xargs")
                items = [Arg("", "xargs -a", dynamic="the lines of a file")]
            if t == "-I" and i + 1 < len(rest):
                replace = rest[i + 1].text
            elif t.startswith("-I") and len(t) > 2:
                replace = t[2:]
            elif t.startswith("-i"):
                replace = t[2:] or "{}"
            i += 2 if t in with_value else 1
        inner = rest[i:] or [Arg("echo", "echo")]
        if not items:
            if isinstance(feed, Static):
                items = [Arg(t, t) for t in feed.text.split()]
            elif isinstance(feed, Listing):
                items = [Arg("", "(listed files)", listing=feed)]
            else:
                items = [Arg("", "xargs input", dynamic="the input of xargs")]
        if replace:
            args = []
            for a in inner:
                if replace in a.text:
                    args.extend(items if a.text == replace else [
                        Arg(a.text.replace(replace, it.text), a.source, dynamic=it.dynamic)
                        for it in items])
                else:
                    args.append(a)
        else:
            args = inner + items
        program = os.path.basename(args[0].text)
        if program in QUIET or program in ("echo", "printf"):
            return None
        return self.run(args, sp.Simple(), None, False)

    def shell(self, name: str, rest: list[Arg], feed, stdin_code: list[str]) -> None:
        i = 0
        code: str | None = None
        while i < len(rest):
            t = rest[i].text
            if t in ("-o", "+o", "--rcfile", "--init-file", "-O", "+O"):
                i += 2
                continue
            if t.startswith("-") and not t.startswith("--") and "c" in t[1:]:
                if i + 1 < len(rest):
                    if rest[i + 1].dynamic:
                        self.r.dynamic.append(f"`{name} -c` runs {rest[i + 1].source}, which "
                                              "Guard cannot know")
                    code = rest[i + 1].text
                    positional = [a.text for a in rest[i + 2:]] or [name]
                    self.child(positional).script(sp.parse(code, self.depth + 1))
                return None
            if t.startswith(("-", "+")) and t not in ("-", "--"):
                i += 1
                continue
            break
        script_args = rest[i:]
        if script_args and script_args[0].text not in ("-", "--", "-s"):
            path = self.abspath(script_args[0].text)
            text = self.read_script(path)
            for a in script_args[1:]:
                self.touch("pass", a, name)
            if text is not None:
                self.child([a.text for a in script_args]).script(sp.parse(text, self.depth + 1))
            return None
        if stdin_code:
            for text in stdin_code:
                self.child().script(sp.parse(text, self.depth + 1))
        elif isinstance(feed, Static):
            self.child().script(sp.parse(feed.text, self.depth + 1))
        elif feed is not None:
            self.r.dynamic.append(f"`{name}` runs code from its input, which Guard cannot read")
        return None

    def interpreter(self, name: str, rest: list[Arg], feed, stdin_code: list[str]) -> None:
        """python -c / node -e / ruby -e / perl -e / php -r…: the code's string literals are
        paths it may open; a script file is read for the same; other arguments are passed."""
        code_flags = {"-c", "-e", "-E", "-p", "-r", "--eval", "--print", "-Command", "-command"}
        if name == "deno" and rest and rest[0].text == "eval":
            rest = [Arg("-e", "-e"), *rest[1:]]
        self.env_file_option(name, rest)
        i = 0
        codes: list[str] = []
        program_done = False
        while i < len(rest):
            t = rest[i].text
            if t in code_flags or (t.startswith("-") and not t.startswith("--")
                                   and t[-1:] in "ce" and name in ("perl", "ruby", "python",
                                                                   "python3")):
                if i + 1 < len(rest):
                    codes.append(rest[i + 1].text)
                    if rest[i + 1].dynamic:
                        self.r.dynamic.append(f"`{name}` runs {rest[i + 1].source}, which Guard "
                                              "cannot know")
                program_done = True
                i += 2
                continue
            if t == "-m" and i + 1 < len(rest):
                self.python_module(rest[i + 1].text, rest[i + 2:])
                return None
            if t.startswith("--env-file") or t in ("-W", "-X", "-I", "-r", "--require",
                                                   "--import", "--loader"):
                i += 1 if "=" in t or t in ("-I",) else 2
                continue
            if t.startswith("-") and t != "-":
                i += 1
                continue
            break
        files = rest[i:]
        if not program_done and files and files[0].text != "-":
            text = self.read_script(self.abspath(files[0].text))
            if text is not None:
                self.code_paths(text, f"{name} {files[0].text}", env=False)
            files = files[1:]
        elif not program_done:
            if stdin_code:
                codes.extend(stdin_code)
            elif isinstance(feed, Static):
                codes.append(feed.text)
            elif feed is not None:
                self.r.dynamic.append(f"`{name}` runs code from its input, which Guard cannot "
                                      "read")
            files = files[1:] if files else files
        for code in codes:
            self.code_paths(code, f"{name} code", env=True)
        op = "read" if name in ("perl", "ruby") and program_done else "pass"
        for a in files:
            self.touch(op, a, name)
        return None

    def python_module(self, module: str, args: list[Arg]) -> None:
        if module == "dotenv":
            self.dotenv(["dotenv", *[a.text for a in args]], args)
        elif module == "http.server":  # serves the directory, dotfiles included, to any client
            directory = next((args[i + 1] for i, a in enumerate(args[:-1])
                              if a.text in ("-d", "--directory")), Arg(".", "."))
            self.touch("send", directory, "python -m http.server", scope="tree")
        elif module in ("json.tool", "base64", "tokenize", "pickletools", "zipfile", "tarfile",
                        "gzip", "uu", "quopri"):
            for a in _positional(args):
                self.touch("read", a, f"python -m {module}")
        else:
            for a in _positional(args, values=True):
                self.touch("pass", a, f"python -m {module}")

    def dotenv(self, argv: list[str], args: list[Arg]) -> None:
        """python-dotenv's CLI prints with ``list`` and ``get``; dotenv-cli (npm) only loads."""
        path = ".env"
        for i, t in enumerate(argv):
            if t in ("-f", "--file", "-e") and i + 1 < len(argv):
                path = argv[i + 1]
        if any(t in ("list", "get") for t in argv):
            self.r.accesses.append(Access("read", self.abspath(path), "dotenv", word=path))
        else:
            self.r.accesses.append(Access("load", self.abspath(path), "dotenv", word=path))

    def code_paths(self, code: str, program: str, env: bool) -> None:
        """Paths a piece of code mentions: its string literals (also two in a row joined by a
        slash, for ``Path.home() / ".aws" / "credentials"``) and bare path-like words."""
        if env and re.search(_CODE_ENV, code):
            self.r.env_dumps.append(program)
        literals = [next(g for g in m.groups() if g is not None)
                    for m in re.finditer(_CODE_STRING, code)]
        literals = [lit for lit in literals if 0 < len(lit) < 4096 and "\n" not in lit]
        candidates = set(literals)
        candidates.update(f"{a}/{b}" for a, b in itertools.pairwise(literals))
        candidates.update(m.group(0) for m in re.finditer(_CODE_PATHISH, code))
        for text in sorted(candidates):
            if text.startswith("~"):
                text = self.home + text[1:]
            self.r.accesses.append(Access("read", self.abspath(text), program, word=text))


def _is_interpreter(name: str) -> bool:
    return name in INTERPRETERS or bool(re.match(_PYTHON_VERSIONED, name))


def _skip_options(args: list[Arg], with_value: frozenset[str]) -> list[Arg]:
    """The arguments after a wrapper's own options (and their values)."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            return args[i + 1:]
        if not t.startswith("-") or t == "-":
            if sp.is_assignment_word(t):  # sudo VAR=x cmd
                i += 1
                continue
            return args[i:]
        i += 2 if t in with_value else 1
    return []


def _positional(args: list[Arg], values: bool = False) -> list[Arg]:
    """Arguments that are not options; after ``--`` everything. With ``values``, the value of a
    ``--opt=value`` option counts too (it may be a file)."""
    out = []
    rest = False
    for a in args:
        t = a.text
        if rest or not t.startswith("-") or t == "-" or a.listing is not None:
            out.append(a)
        elif t == "--":
            rest = True
        elif values and t.startswith("--") and "=" in t:
            value = t.split("=", 1)[1]
            out.append(Arg(value, a.source, dynamic=a.dynamic))
    return out


def _parse_options(args: list[Arg], with_value: frozenset[str]) -> tuple[
        list[tuple[str, Arg | None]], list[Arg]]:
    """Options (``-x``, ``-xVALUE`` bundles split, ``--long=v``) and positional arguments."""
    opts: list[tuple[str, Arg | None]] = []
    pos: list[Arg] = []
    i = 0
    while i < len(args):
        a = args[i]
        t = a.text
        if t == "--":
            pos.extend(args[i + 1:])
            break
        if t.startswith("--"):
            if "=" in t:
                k, v = t.split("=", 1)
                opts.append((k, Arg(v, a.source, dynamic=a.dynamic)))
            elif t in with_value and i + 1 < len(args):
                opts.append((t, args[i + 1]))
                i += 1
            else:
                opts.append((t, None))
        elif t.startswith("-") and len(t) > 1 and a.listing is None:
            j = 1
            while j < len(t):
                flag = "-" + t[j]
                if flag in with_value:
                    if j + 1 < len(t):
                        opts.append((flag, Arg(t[j + 1:], a.source)))
                    elif i + 1 < len(args):
                        opts.append((flag, args[i + 1]))
                        i += 1
                    else:
                        opts.append((flag, None))
                    break
                opts.append((flag, None))
                j += 1
        else:
            pos.append(a)
        i += 1
    return opts, pos


# --- handlers of programs with their own argument rules --------------------------------------


def _echo(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Static:
    for word in cmd.words[1:]:
        w.note_printed(word, name)
    texts = [a.text for a in args]
    if name == "echo":
        while texts and re.fullmatch(r"-[neE]+", texts[0]):
            texts.pop(0)
        return Static(" ".join(texts) + "\n")
    if not texts:
        return Static("")
    fmt = _printf_escapes(texts[0])
    values = texts[1:]
    out = re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[sdbqc]",
                 lambda m: _printf_escapes(values.pop(0)) if values else "", fmt)
    return Static(out)


def _printf_escapes(text: str) -> str:
    try:
        return sp.parse("$'" + text.replace("'", "\\'") + "'")[0][0].words[0].literal() or text
    except (sp.ParseError, IndexError, AttributeError):
        return text


def _cat(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Static | None:
    w.reader(name, args)
    if not _positional(args) and code:  # cat <<EOF … EOF: the heredoc is the output
        return Static("".join(code))
    return None


def _search(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed,
            code) -> Listing | None:
    """grep, rg, ag, ack…: the first positional is the pattern unless -e/-f gave one; the rest
    are files, or trees when the search recurses (rg, ag, ack always do)."""
    table = {"rg": _RG_VALUE, "ag": _AG_VALUE, "ack": _ACK_VALUE, "ack-grep": _ACK_VALUE}
    opts, pos = _parse_options(args, table.get(name, _GREP_VALUE))
    flags = {k for k, _ in opts}
    pattern_given = False
    hidden, gitignore = True, False
    names: list[str] = []
    excludes: list[str] = []
    recursive = name in ("rg", "ag", "ack", "ack-grep", "pt", "sift")
    if name in ("rg", "ag", "pt", "sift"):
        hidden, gitignore = False, True
    unrestricted = 0
    for k, v in opts:
        if k in ("-e", "--regexp", "--match"):
            pattern_given = True
        elif k in ("-f", "--file"):
            pattern_given = True
            if v is not None:
                w.touch("read", v, name)
        elif ((k in ("-r", "-R", "--recursive", "--dereference-recursive") and name != "rg")
              or (k in ("-d", "--directories") and v is not None and v.text == "recurse")):
            recursive = True
        elif k in ("--hidden", "-.", "--skip-vcs-ignores") or (name == "ag" and k == "-u"):
            hidden = True
        elif k == "-u" or k in ("--no-ignore", "--unrestricted", "--no-ignore-vcs"):
            unrestricted += 1
            gitignore = False
        elif k in ("--include",) and v is not None:
            names.append(v.text)
        elif k in ("--exclude", "--exclude-dir", "--ignore", "--ignore-dir") and v is not None:
            excludes.append(v.text)
        elif k in ("-g", "--glob", "--iglob") and v is not None:
            if v.text.startswith("!"):
                excludes.append(v.text[1:])
            else:
                names.append(v.text)
        elif k in ("-t", "--type") and v is not None:
            names.extend(_RG_TYPES.get(v.text, ()))
            if v.text not in _RG_TYPES:
                names.append("*")
        elif k == "-G" and v is not None and name == "ag":
            pass
    if unrestricted >= 2:
        hidden = True
    if not pattern_given and pos and not (name == "rg" and "--files" in flags):
        pos = pos[1:]
    listing_only = bool(flags & {"-l", "--files-with-matches", "-L", "--files-without-match",
                                 "--files", "-c", "--count", "-q", "--quiet"})
    if not pos:
        if not recursive or feed is not None or code:
            return None  # reads its input
        pos = [Arg(".", ".")]
    scope_kw = {"hidden": hidden, "gitignore": gitignore, "names": tuple(n for n in names if n),
                "excludes": tuple(excludes)}
    trees: list[str] = []
    for a in pos:
        path = w.abspath(a.text) if a.text else ""
        if a.listing is None and recursive and path and os.path.isdir(path):
            w.touch("read", a, name, scope="tree", **scope_kw)
            trees.append(path)
        else:
            w.touch("read", a, name)
    if listing_only and trees:
        return Listing(trees, "tree", hidden, gitignore, scope_kw["names"], tuple(excludes))
    return None


def _program_first(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    """sed, awk, jq, yq: the first positional is the program unless -e/-f gave one."""
    table = {"sed": _SED_VALUE, "gsed": _SED_VALUE, "jq": _JQ_VALUE, "gojq": _JQ_VALUE,
             "jaq": _JQ_VALUE, "yq": _JQ_VALUE}
    opts, pos = _parse_options(args, table.get(name, _AWK_VALUE))
    given = False
    for k, v in opts:
        if k in ("-e", "--expression"):
            given = True
        elif k in ("-f", "--file", "--from-file"):
            given = True
            if v is not None:
                w.touch("read", v, name)
    if name in ("jq", "gojq", "jaq"):  # --rawfile NAME FILE, --slurpfile NAME FILE
        for i, a in enumerate(args):
            if a.text in ("--rawfile", "--slurpfile") and i + 2 < len(args):
                w.touch("read", args[i + 2], name)
                pos = [p for p in pos if p is not args[i + 2]]
    if name == "yq" and pos and pos[0].text in ("e", "eval", "ea", "eval-all"):
        pos = pos[1:]
    if not given and pos:
        pos = pos[1:]
    for a in pos:
        w.touch("read", a, name)


def _copy(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    """cp, mv, ln, install, rsync, scp: every source; the destination only matters when it is
    on another host (then the sources are sent)."""
    values = {"scp": _set("-i -F -P -o -J -c -l -S"),
              "rsync": _set("-e --rsh --exclude --include --exclude-from --include-from "
                                 "--files-from --filter -f --rsync-path --password-file "
                                 "--backup-dir --suffix --chmod --chown"),
              }.get(name, frozenset({"-t", "--target-directory", "-S", "--suffix", "-m", "-o",
                                     "-g", "--mode", "--owner", "--group"}))
    opts, pos = _parse_options(args, values)
    flags = {k for k, _ in opts}
    target = next((v for k, v in opts if k in ("-t", "--target-directory")), None)
    sources = pos if target is not None else pos[:-1]
    dest = target.text if target is not None else (pos[-1].text if pos else "")
    remote = name in ("scp", "rsync") and bool(re.match(r"^[^/]*:", dest)) and "://" not in dest
    recursive = bool(flags & {"-r", "-R", "-a", "--recursive", "--archive"})
    excludes = tuple(v.text for k, v in opts if k == "--exclude" and v is not None)
    for k, v in opts:
        if k in ("--files-from", "--exclude-from", "--include-from", "--password-file") and v:
            w.touch("read", v, name)
    op = "send" if remote else {"mv": "move", "ln": "copy"}.get(name, "copy")
    for a in sources:
        if name in ("scp", "rsync") and re.match(r"^[^/]*:", a.text) and "://" not in a.text:
            continue  # a remote source: fetched, not sent
        path = w.abspath(a.text) if a.text else ""
        if recursive and path and os.path.isdir(path):
            w.touch(op, a, name, scope="tree", excludes=excludes)
        else:
            w.touch(op, a, name)


def _archive(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    if name in ("tar", "bsdtar", "gtar"):
        return _tar(w, name, args)
    if name in ("7z", "7za", "7zr", "rar", "jar"):
        pos = _positional(args)
        if not pos or pos[0].text not in ("a", "u", "c", "cf", "cvf", "-c"):
            return None
        for a in pos[2:]:
            _archive_member(w, name, a, ())
        return None
    opts, pos = _parse_options(args, frozenset({"-x", "-i", "-b", "-n", "-P", "-t", "-tt",
                                                "-S", "--suffix", "-T"}))
    excludes = tuple(v.text for k, v in opts if k == "-x" and v is not None)
    if name == "zip":
        pos = pos[1:]  # the archive
    if {k for k, _ in opts} & {"-d", "--decompress", "-l", "--list", "-t", "--test"}:
        return None
    for a in pos:
        _archive_member(w, name, a, excludes)
    return None


def _archive_member(w: _Walker, name: str, a: Arg, excludes: tuple[str, ...]) -> None:
    path = w.abspath(a.text) if a.text else ""
    if path and os.path.isdir(path):
        w.touch("archive", a, name, scope="tree", excludes=excludes)
    else:
        w.touch("archive", a, name)


def _tar(w: _Walker, name: str, args: list[Arg]) -> None:
    if not args:
        return
    first = args[0].text
    bundle = first if not first.startswith("-") else ""
    mode = ""
    for t in [bundle, *(a.text for a in args if a.text.startswith("-"))]:
        if t.startswith("--"):
            mode = mode or {"--create": "c", "--append": "r", "--update": "u"}.get(t, "")
            continue
        for ch in t.lstrip("-"):
            if ch in "crutxAd":
                mode = mode or ch
    if mode not in ("c", "r", "u", "A"):
        return
    values = _set("-f -C -T -X -b -H -K -N -g --file --directory --files-from "
                       "--exclude-from --format --owner --group --mode")
    opts, pos = _parse_options(args[1:] if bundle else args, values)
    if bundle and "f" in bundle and pos:
        pos = pos[1:]
    excludes = tuple(v.text for k, v in opts if k == "--exclude" and v is not None)
    base = w.cwd
    for k, v in opts:
        if k in ("-T", "--files-from", "-X", "--exclude-from") and v is not None:
            w.touch("read", v, name)
        if k in ("-C", "--directory") and v is not None:
            base = w.abspath(v.text)
    sub = _Walker(w.r, base, w.env, w.home, w.depth, w.vars)
    for a in pos:
        _archive_member(sub, name, a, excludes)


def _curl(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    """Files curl uploads or reads: ``-d @f``, ``--data-binary @f``, ``-F k=@f``, ``-F k=<f``,
    ``-T f``, ``--json @f``, ``-H @f``, ``-K f``, and ``file://`` URLs."""
    data = _set("-d --data --data-ascii --data-binary --data-urlencode --json -H --header "
                     "--variable")
    with_value = data | _set("-F --form --form-string -T --upload-file -K --config -o "
                                  "--output -u --user -x --proxy -A --user-agent -e --referer "
                                  "-b --cookie -c --cookie-jar -X --request -m --max-time "
                                  "--cert --key --cacert --url -w --write-out")
    opts, pos = _parse_options(args, with_value)
    for k, v in opts:
        if v is None:
            continue
        t = v.text
        if k in data and "@" in t:
            path = t.split("@", 1)[1]
            if path and path != "-":
                w.touch("send", Arg(path, v.source, dynamic=v.dynamic), name)
        elif k == "-F" or k == "--form":
            m = re.search(r"=[@<]([^;]+)", t)
            if m:
                w.touch("send", Arg(m.group(1), v.source, dynamic=v.dynamic), name)
        elif k in ("-T", "--upload-file"):
            w.touch("send", v, name)
        elif k in ("-K", "--config"):
            w.touch("read", v, name)
        elif k == "--url":
            pos.append(v)
    for a in pos:
        if a.text.startswith("file://"):
            w.touch("read", Arg(a.text[7:], a.source, dynamic=a.dynamic), name)


def _wget(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    opts, _ = _parse_options(args, frozenset({"--post-file", "--body-file", "-i",
                                              "--input-file", "-O", "-o", "-P"}))
    for k, v in opts:
        if v is not None and k in ("--post-file", "--body-file", "-i", "--input-file"):
            w.touch("send", v, name)


def _http(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    """HTTPie and xh: ``field=@file``, ``field:=@file`` and ``field@file`` embed or upload."""
    for a in _positional(args):
        m = re.match(r"^[^=@:/]*(?::?=)?@(.+)$", a.text)
        if m:
            w.touch("send", Arg(m.group(1), a.source, dynamic=a.dynamic), name)


def _socat(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    for a in _positional(args):
        m = re.match(r"(?i)^(?:file|open|gopen|create|exec|system):([^,]+)", a.text)
        if m and a.text.lower().startswith(("file:", "open:", "gopen:")):
            w.touch("send", Arg(m.group(1), a.source), name)


def _source(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    pos = _positional(args)
    if not pos:
        return
    # The sourced file is not walked: its assignments would put its values (secrets, for a
    # dotenv file) into this analysis, and from there into messages.
    w.touch("source", pos[0], name)


def _eval(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    if any(a.dynamic and a.dynamic != "$(…)" for a in args):
        w.r.dynamic.append("`eval` runs text that Guard cannot know")
    text = " ".join(a.text for a in args if a.text)
    if text:
        w.eval_text(text, "eval")


def _env_dump(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    pos = _positional(args)
    if name == "printenv" and pos:
        for a in pos:
            w.r.printed_vars.append((a.text, name))
        return
    if name in ("export", "declare", "typeset", "local", "readonly"):
        flags = "".join(a.text[1:] for a in args if a.text.startswith("-"))
        names = [a for a in pos if not sp.is_assignment_word(a.text)]
        for a in pos:  # export F=.env defines F as much as F=.env does
            n = sp.is_assignment_word(a.text)
            if n:
                w.vars[a.text[:n].rstrip("=+")] = None if a.dynamic else [a.text[n:]]
        if name in ("export", "readonly") and not pos and (not flags or "p" in flags):
            w.r.env_dumps.append(f"{name} -p" if flags else name)
        elif name in ("declare", "typeset") and not names and (
                not pos and (not flags or set(flags) & set("px"))):
            w.r.env_dumps.append(f"{name} -{flags}" if flags else name)
        elif name in ("declare", "typeset") and "p" in flags:
            for a in names:
                w.r.printed_vars.append((a.text, f"{name} -p"))
        return
    if name == "set" and not args:
        w.r.env_dumps.append("set")
        return
    if name == "printenv":
        w.r.env_dumps.append("printenv")


def _git(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Listing | None:
    i = 0
    cwd = w.cwd
    while i < len(args) and args[i].text.startswith("-"):
        t = args[i].text
        if t == "-C" and i + 1 < len(args):
            cwd = w.abspath(args[i + 1].text)
        i += 2 if t in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    if i >= len(args):
        return None
    sub, rest = args[i].text, args[i + 1:]
    inner = _Walker(w.r, cwd, w.env, w.home, w.depth, w.vars)
    root = find_root(cwd)
    if sub == "rev-parse" and any(a.text == "--show-toplevel" for a in rest):
        return Static(root + "\n")  # type: ignore[return-value]
    flags = {a.text for a in rest if a.text.startswith("-")}
    if sub == "grep":
        opts, pos = _parse_options(rest, _GREP_VALUE)
        if not any(k in ("-e", "-f") for k, _ in opts) and pos:
            pos = pos[1:]
        pos = [p for p in pos if os.path.exists(inner.abspath(p.text))] or [Arg(".", ".")]
        for a in pos:
            inner.touch("read", a, "git grep", scope="tree", gitignore=True)
        return None
    if sub == "ls-files":
        paths = [inner.abspath(a.text) for a in _positional(rest)] or [cwd]
        return Listing(paths, "tree", True, True)
    if sub == "archive":
        inner.r.accesses.append(Access("archive", root, "git archive", "tree", gitignore=True))
        return None
    patch = bool(flags & {"-p", "-u", "--patch", "--full-diff"}) or any(
        f.startswith(("-L", "-G", "-S")) for f in flags)
    if sub == "stash" and rest and rest[0].text == "show":
        return None
    reads = sub in ("show", "diff", "blame", "annotate", "cat-file", "difftool") or (
        sub in ("log", "whatchanged", "format-patch") and (patch or sub == "format-patch"))
    if not reads:
        return None
    for a in _positional(rest):
        t = a.text
        if ":" in t and "://" not in t:  # REV:path is relative to the top, REV:./path to cwd
            path = t.split(":", 1)[1]
            if not path:
                continue
            base = cwd if path.startswith(("./", "../")) else root
            inner.r.accesses.append(Access("read", os.path.normpath(os.path.join(base, path)),
                                           f"git {sub}", word=a.source))
        else:
            inner.touch("read", a, f"git {sub}")
    return None


def _docker(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    texts = [a.text for a in args]
    compose = name == "docker-compose" or "compose" in texts[:3]
    for i, a in enumerate(args):
        t = a.text
        if t.startswith("--env-file"):
            value = t.split("=", 1)[1] if "=" in t else (texts[i + 1] if i + 1 < len(texts)
                                                         else "")
            if value:
                w.touch("read", Arg(value, a.source, dynamic=a.dynamic), name)
    if compose and "config" in texts:  # prints the compose file with .env interpolated
        w.touch("read", Arg(".env", ".env"), f"{name} compose config")
    if texts[:1] == ["cp"] or texts[:2] == ["container", "cp"]:
        pos = _positional(args[1:] if texts[0] == "cp" else args[2:])
        for a in pos[:-1]:
            if not re.match(r"^[\w.\-]+:", a.text):
                w.touch("copy", a, "docker cp")
    return None


def _aws(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    """``aws s3 cp/mv/sync``, ``gsutil cp``, ``rclone copy``, ``gh gist create``: uploads."""
    texts = [a.text for a in args]
    pos = _positional(args)
    if name == "gh":
        if texts[:2] in (["gist", "create"], ["release", "upload"]):
            for a in pos[2:]:
                w.touch("send", a, "gh " + " ".join(texts[:2]))
        return
    start = {"aws": 2, "gsutil": 1, "rclone": 1}.get(name, 1)
    if name == "aws" and texts[:1] != ["s3"]:
        return
    for a in pos[start:-1]:
        if "://" not in a.text and not re.match(r"^[\w\-]+:", a.text):
            path = w.abspath(a.text)
            scope = "tree" if os.path.isdir(path) else "file"
            w.touch("send", a, name, scope=scope)


def _find(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Listing | None:
    i = 0
    starts: list[str] = []
    while i < len(args) and args[i].text not in ("(", "!") and not args[i].text.startswith("-"):
        starts.append(w.abspath(args[i].text))
        i += 1
    while i < len(args) and args[i].text in ("-H", "-L", "-P"):
        i += 1
    starts = starts or [w.cwd]
    names: list[str] = []
    exec_cmds: list[list[Arg]] = []
    prints = True
    while i < len(args):
        t = args[i].text
        if t in ("-name", "-iname") and i + 1 < len(args):
            names.append(args[i + 1].text)
            i += 2
            continue
        if t in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(args) and args[j].text not in (";", "+"):
                j += 1
            exec_cmds.append(args[i + 1:j])
            prints = False
            i = j + 1
            continue
        if t in ("-delete", "-fprint", "-fls", "-fprintf", "-quit"):
            prints = prints and t == "-quit"
        i += 1
    listing = Listing(starts, "tree", True, False, tuple(names))
    for inner in exec_cmds:
        if not inner:
            continue
        argv = [Arg("", "{}", listing=listing) if a.text == "{}" else a for a in inner]
        if "{}" in inner[0].text:
            continue
        program = os.path.basename(argv[0].text)
        if program in SHELLS and any(a.text == "-c" for a in argv):
            w.r.dynamic.append(f"`find -exec {program} -c` runs a script on found files")
        w.run(argv, sp.Simple(), None, False)
    return listing if prints else None


def _ls(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Listing:
    opts, pos = _parse_options(args, frozenset({"-I", "--ignore", "-w", "--width", "-T"}))
    flags = {k for k, _ in opts}
    hidden = bool(flags & {"-a", "-A", "--all", "--almost-all"})
    scope = "tree" if flags & {"-R", "--recursive"} else "children"
    paths = [w.abspath(a.text) for a in pos if a.text] or [w.cwd]
    files = [p for p in paths if not os.path.isdir(p)]
    dirs = [p for p in paths if os.path.isdir(p)]
    if files and not dirs:
        return Listing(files, "file")
    return Listing(dirs + files, scope, hidden)


def _fd(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Listing:
    opts, pos = _parse_options(args, _set("-e -t -E -d -x -X --extension --type --exclude "
                                               "--max-depth --exec --exec-batch"))
    flags = {k for k, _ in opts}
    hidden = bool(flags & {"-H", "--hidden", "-u", "--unrestricted"})
    ignore = not (flags & {"-I", "--no-ignore", "-u", "--unrestricted"})
    paths = [w.abspath(a.text) for a in pos[1:]] or [w.cwd]
    listing = Listing(paths, "tree", hidden, ignore)
    for k, v in opts:
        if k in ("-x", "--exec", "-X", "--exec-batch") and v is not None:
            w.run([v, Arg("", "{}", listing=listing)], sp.Simple(), None, False)
    return listing


def _openssl(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    for i, a in enumerate(args):
        if a.text in ("-in", "-inkey", "-key", "-keystore", "-file", "-infile", "-passin") and \
                i + 1 < len(args):
            value = args[i + 1]
            if value.text.startswith("file:"):
                value = Arg(value.text[5:], value.source)
            w.touch("read", value, name)
    if name in ("gpg", "gpg2", "age", "sops"):
        for a in _positional(args):
            w.touch("read", a, name)


def _dotenv_cli(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    texts = [a.text for a in args]
    if "--" in texts:  # dotenv-cli: dotenv -e .env -- command
        k = texts.index("--")
        w.dotenv(["dotenv", *texts[:k]], args[:k])
        if k + 1 < len(args):
            w.run(args[k + 1:], sp.Simple(), None, False)
        return
    w.dotenv(["dotenv", *texts], args)


def _dd(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    for a in args:
        if a.text.startswith("if="):
            w.touch("read", Arg(a.text[3:], a.source, dynamic=a.dynamic), name)


def _cd(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    pos = _positional(args)
    if not pos:
        w.cwd = w.home
    elif pos[0].dynamic or pos[0].text == "-" or pos[0].listing is not None:
        w.cwd_unknown = True
    else:
        w.cwd = w.abspath(pos[0].text)


def _pwd(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> Static:
    return Static(w.cwd + "\n")


def _path_tool(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed,
               code) -> Static | None:
    """dirname, basename, realpath, readlink: their output follows from their arguments."""
    pos = [a for a in _positional(args)]
    if not pos or any(a.dynamic for a in pos):
        return None
    if name == "dirname":
        return Static("\n".join(os.path.dirname(a.text) or "." for a in pos) + "\n")
    if name == "basename":
        return Static(os.path.basename(pos[0].text.rstrip("/")) + "\n")
    return Static("\n".join(os.path.realpath(w.abspath(a.text)) for a in pos) + "\n")


def _tee(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    return None  # writes its input to files: the input's source is judged where it is read


def _ssh(w: _Walker, name: str, args: list[Arg], cmd: sp.Simple, feed, code) -> None:
    return None  # uses keys (-i) without showing them; a remote command runs elsewhere


_HANDLERS = {
    "echo": _echo, "printf": _echo, "print": _echo,
    "cat": _cat, "dd": _dd, "tee": _tee,
    "source": _source, ".": _source, "eval": _eval,
    "printenv": _env_dump, "export": _env_dump, "declare": _env_dump, "typeset": _env_dump,
    "set": _env_dump, "local": _env_dump, "readonly": _env_dump,
    "git": _git, "docker": _docker, "docker-compose": _docker, "podman": _docker,
    "find": _find, "ls": _ls, "fd": _fd, "fdfind": _fd,
    "curl": _curl, "wget": _wget, "http": _http, "https": _http, "xh": _http,
    "socat": _socat,
    "aws": _aws, "gsutil": _aws, "rclone": _aws, "gh": _aws,
    "openssl": _openssl, "keytool": _openssl, "gpg": _openssl, "gpg2": _openssl,
    "age": _openssl, "sops": _openssl,
    "dotenv": _dotenv_cli,
    "ssh": _ssh,
    "cd": _cd, "pushd": _cd, "pwd": _pwd,
    "dirname": _path_tool, "basename": _path_tool, "realpath": _path_tool, "readlink": _path_tool,
}
for _n in SEARCHERS:
    _HANDLERS[_n] = _search
for _n in PROGRAM_FIRST:
    _HANDLERS[_n] = _program_first
for _n in COPIERS:
    _HANDLERS[_n] = _copy
for _n in ARCHIVERS:
    _HANDLERS[_n] = _archive
