"""The ``guard`` command line: thin click wrappers over guard.commands.*."""

from __future__ import annotations

import click

from guard import __version__
from guard.errors import GuardError, report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class _Group(click.Group):
    """Turns GuardError into a one-line message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except GuardError as e:
            ctx.exit(report(e))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guard")
def cli() -> None:
    """Keep secrets away from AI coding agents and out of git.

    \b
    guard scan            scan the current tree; exit 1 if anything is found
    guard scan --format sarif --output guard.sarif   for GitHub code scanning
    guard baseline        accept today's findings; then `guard scan --baseline …`
    guard protect         write every AI assistant's ignore file / deny rules
    guard sweep           secrets assistants have already seen (--scrub removes them)
    guard doctor          which sensitive files each assistant can still read
    guard install claude  hooks that stop an agent reading secrets (--all, --git)
    guard view .env       the file with every secret value redacted
    guard proxy           loopback proxy: no secret in any request to the model
    guard lsp             language server: secrets as diagnostics in your editor

    \b
    Assistants: claude, cursor, copilot, gemini, qwen, codex, windsurf, cline, kiro,
    augment (hooks); aider, continue, roo, jetbrains, gemini-code-assist (ignore files).
    """


_config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                              help="Config file (default: nearest .guard.toml or pyproject.toml "
                                   "with [tool.guard]).")
_gitignore_option = click.option("--no-gitignore", "gitignore", is_flag=True, default=True,
                                 flag_value=False,
                                 help="Also scan files that .gitignore excludes.")


@cli.command(short_help="Find secrets and sensitive files; exit 1 if any.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to a file instead of stdout.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings not in this baseline (Guard's or a detect-secrets "
                   ".secrets.baseline).")
@_config_option
@_gitignore_option
@click.option("--no-exclude", "exclude", is_flag=True, default=True, flag_value=False,
              help="Set the config's `exclude` aside: scan excluded paths too, named or walked.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 3) on any file left unscanned, too big or unreadable, wherever "
                   "it was found; without it, only on files named on the command line or "
                   "staged.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for big trees (default: one per CPU).")
@click.option("-v", "--verbose", is_flag=True, help="List skipped files and why.")
@click.option("--no-color", "no_colour", is_flag=True, help="Plain text even on a terminal.")
@click.option("--staged", is_flag=True,
              help="Scan what the next commit will hold (the index), not the working tree.")
@click.option("--history", is_flag=True,
              help="Scan the lines each commit added; a secret is reported once, with the "
                   "commit that introduced it.")
@click.option("--since", metavar="REV", help="With --history: only commits after REV.")
@click.option("--branch", metavar="NAME",
              help="With --history: the history of NAME (default: HEAD).")
@click.option("--all", "all_refs", is_flag=True,
              help="With --history: every branch, tag and remote-tracking ref.")
@click.option("--pre-push", is_flag=True,
              help="Scan the commits being pushed, from the refs git gives a pre-push hook on "
                   "stdin (PATHS are then git's REMOTE and URL).")
def scan(paths: tuple[str, ...], fmt: str, output: str | None, baseline_path: str | None,
         config_path: str | None, gitignore: bool, exclude: bool, strict: bool, jobs: int,
         verbose: bool,
         no_colour: bool, staged: bool, history: bool, since: str | None, branch: str | None,
         all_refs: bool, pre_push: bool) -> None:
    """Find secrets and sensitive files in PATHS (default: the current directory), or in git:
    the staged index, the history, or the commits of a push.

    Directories are walked honouring .gitignore; a directory named explicitly is walked even if
    .gitignore ignores it. The config's `exclude` applies alike to files and directories named
    explicitly and to the paths a walk finds (--no-exclude sets it aside). A file over 8 MiB is
    read in overlapping windows; one over max-scan-size (default 1 GiB) is not scanned. Such
    files, unreadable ones, binary files and symlinks leading out of the tree are skipped and
    counted in the summary; a file left unscanned (too big, unreadable) and a skipped path that
    was named are always listed.

    \b
    Exit status: 0 nothing new, 1 findings, 2 usage or configuration error,
    3 a file that had to be scanned was not (named or staged; any with --strict).
    Silence one line with a `pragma: allowlist secret` or `guard: allow` comment.
    """
    from guard.commands import scan as command
    from guard.sources import gitscan

    source = gitscan.source_from_options(list(paths), staged=staged, history=history,
                                         since=since, branch=branch, all_refs=all_refs,
                                         pre_push=pre_push)
    raise SystemExit(command.run(list(paths), fmt=fmt, output=output,
                                 baseline_path=baseline_path, config_path=config_path,
                                 gitignore=gitignore, exclude=exclude, strict=strict,
                                 jobs=jobs, verbose=verbose,
                                 colour=False if no_colour else None, source=source))


@cli.command(short_help="Accept today's findings into a baseline file.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=".guard-baseline.json",
              show_default=True, help="Baseline file to write.")
@click.option("--update", is_flag=True,
              help="Update the existing baseline: keep the entries still found (with any keys "
                   "you added to them), drop the fixed ones, add the new ones.")
@_config_option
@_gitignore_option
def baseline(paths: tuple[str, ...], output: str, update: bool, config_path: str | None,
             gitignore: bool) -> None:
    """Record the current findings in a baseline file (values are never stored: only paths,
    rules and keyed fingerprints; no line numbers nor timestamp, so an unchanged tree gives the
    same file). Commit it; `guard scan --baseline FILE` then fails only on findings that are not
    in it."""
    from guard.commands import baseline as command

    raise SystemExit(command.run(list(paths), output=output, config_path=config_path,
                                 gitignore=gitignore, update=update))


def _agent_list(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str]:
    return [a.strip() for a in value.split(",") if a.strip()] if value else []


_agents_option = click.option("--agents", callback=_agent_list, metavar="A,B",
                              help="Only these assistants (default: `agents` in the config, "
                                   "else all of them).")
_root_option = click.option("--root", type=click.Path(exists=True, file_okay=False),
                            help="Repository root (default: the repository holding the current "
                                 "directory).")


@cli.command(short_help="Write every assistant's ignore file or deny rules.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 and list the manifests that are missing or stale.")
@click.option("--dry-run", is_flag=True, help="Show the diff of what would change; write nothing.")
@click.option("--print", "print_agent", metavar="AGENT",
              help="Print AGENT's managed content and exit (`--print copilot`: the paths to "
                   "paste into GitHub's content exclusion settings).")
@_agents_option
@_root_option
@_config_option
@_gitignore_option
def protect(check: bool, dry_run: bool, print_agent: str | None, agents: list[str],
            root: str | None, config_path: str | None, gitignore: bool) -> None:
    """Write every AI assistant's ignore file or deny rules from one policy: Guard's sensitive
    path rules, files in which a scan finds secrets, and `sensitive` in the config.

    Guard's lines live in a marked block (JSON: entries Guard added, remembered in
    .guard/state.json); everything else in the file is left as it is.

    \b
    Exit status: 0 done or up to date, 1 --check found a manifest to update, 2 error.
    """
    from guard.commands import protect as command

    raise SystemExit(command.run(root=root, agents=agents or None, check=check, dry_run=dry_run,
                                 print_agent=print_agent, config_path=config_path,
                                 gitignore=gitignore))


@cli.command(short_help="Secrets assistants have already seen, and where copies are now.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to a file instead of stdout.")
@click.option("--agent", "agents", callback=_agent_list, metavar="A,B",
              help="Only these stores: claude, codex, gemini, qwen, copilot, aider, shell.")
@click.option("--project", type=click.Path(file_okay=False),
              help="Only the stores of sessions run in this directory (or below it).")
@click.option("--since", metavar="WHEN",
              help="Only what was seen since WHEN: a date (2026-01-31), a time, or an age "
                   "(30d, 12h).")
@click.option("--scrub", is_flag=True,
              help="Replace each secret found with its placeholder, in place, in those stores "
                   "(refused while the assistant runs; asks first unless --yes).")
@click.option("-y", "--yes", is_flag=True, help="With --scrub: do not ask for confirmation.")
@click.option("--home", type=click.Path(file_okay=False), hidden=True,
              help="Sweep this home folder instead of $HOME (also GUARD_SWEEP_HOME).")
@click.option("-v", "--verbose", is_flag=True, help="List every store read.")
@_config_option
def sweep(fmt: str, output: str | None, agents: list[str], project: str | None,
          since: str | None, scrub: bool, yes: bool, home: str | None, verbose: bool,
          config_path: str | None) -> None:
    """Find the secrets AI assistants have already seen: in their transcripts (tool output
    included), saved settings and prompt histories in your home folder (Claude Code, Codex CLI,
    Gemini CLI, Qwen Code, Copilot CLI), Aider's histories in your repositories, and your shell
    histories. Each is reported with a masked preview and a fingerprint, never its value, with
    the store, project and first and last time it was seen, and the file of yours that still
    holds it; then a "rotate these" list by provider.

    \b
    Exit status: 0 nothing found (or everything scrubbed), 1 secrets found, 2 error or a
    scrub refused (an assistant is running; no terminal to confirm and no --yes).
    """
    from guard.commands import sweep as command

    raise SystemExit(command.run(home=home, fmt=fmt, output=output, agents=agents or None,
                                 project=project, since=since, scrub=scrub, yes=yes,
                                 verbose=verbose, config_path=config_path))


@cli.command(short_help="Which sensitive files each assistant can still read.")
@_agents_option
@_root_option
@_config_option
@_gitignore_option
def doctor(agents: list[str], root: str | None, config_path: str | None,
           gitignore: bool) -> None:
    """Show which sensitive files each assistant can read: protected by its manifest, by a
    Guard hook, or not at all, with each mechanism's limits."""
    from guard.commands import doctor as command

    raise SystemExit(command.run(root=root, agents=agents or None, config_path=config_path,
                                 gitignore=gitignore))


@cli.command(short_help="The local model's verdict on undecided files.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--method", type=click.Choice(["probe", "fewshot", "heuristic"]),
              help="How to classify (default: `method` in the config's model table, else "
                   "probe; heuristic when the model cannot run).")
@_config_option
@_gitignore_option
def classify(paths: tuple[str, ...], method: str | None, config_path: str | None,
             gitignore: bool) -> None:
    """Show the local model's verdict (sensitive or benign) and score for each file in PATHS
    that the rules leave undecided: a secret-named key holds a value no provider or path rule
    settles. Other files say why they need no model. Works whether or not the model is enabled
    in the config; without the llm extra it shows the heuristic's verdicts."""
    from guard.commands import classify as command

    raise SystemExit(command.run(list(paths), config_path=config_path, method=method,
                                 gitignore=gitignore))


@cli.command(short_help="A file with every secret value redacted.")
@click.argument("path", type=click.Path())
@_config_option
def view(path: str, config_path: str | None) -> None:
    """Print PATH with every secret value replaced by a typed placeholder
    (<redacted:RULE len=N fp=XXXXXXXX>), keeping keys, comments, structure and line numbers.
    In dotenv files and other sensitive files every value is redacted except plain ones
    (booleans, small numbers, empty).

    \b
    Exit status: 0 the view was printed, 2 no view (missing, directory, binary, too large).
    """
    from guard.commands import view as command

    raise SystemExit(command.run(path, config_path=config_path))


@cli.command(short_help="Answer one hook event of an assistant (stdin).")
@click.argument("agent", metavar="AGENT")
def hook(agent: str) -> None:
    """Answer one pre-tool hook event of AGENT (read on stdin) in that assistant's own contract:
    what `guard install AGENT` configures it to run before its tools."""
    from guard.hook import process as command

    raise SystemExit(command.main(agent))


_git_hooks_option = click.option("--git", "git_hooks", is_flag=True,
                                 help="Plain git hooks: pre-commit runs `guard scan --staged`, "
                                      "pre-push runs `guard scan --pre-push`.")


def _agent_hooks_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--user", is_flag=True,
                     help="The assistants' user settings (~/...) instead of the project's.")(f)
    return click.option("--all", "every", is_flag=True,
                        help="Every assistant that has a pre-tool hook.")(f)


@cli.command(short_help="Loopback proxy redacting requests to the model API.")
@click.option("--listen", default="127.0.0.1:0", show_default=True, metavar="HOST:PORT",
              help="Where to listen; port 0 picks a free one (printed at start).")
@click.option("--upstream", "upstreams", multiple=True, metavar="NAME=URL",
              help="The real API for anthropic, openai or gemini (default: the public "
                   "endpoints); repeatable.")
@click.option("--log", type=click.Path(dir_okay=False),
              help="Audit log, JSON lines: per request the API and the placeholders applied "
                   "(rule, fingerprint), never a value.")
@click.option("--root", default=".", type=click.Path(file_okay=False, exists=True),
              show_default=True, help="The repository whose secret files' values are known.")
@click.option("--allow-remote", is_flag=True,
              help="Allow a --listen address that is not loopback (with a warning).")
@click.option("--ensure", is_flag=True,
              help="Start the proxy in the background unless one answers at --listen already "
                   "(what `guard install AGENT --proxy` has the assistant run at session start).")
def proxy(listen: str, upstreams: tuple[str, ...], log: str | None, root: str,
          allow_remote: bool, ensure: bool) -> None:
    """Run a loopback proxy between an assistant and its model API (Anthropic, OpenAI Chat
    Completions and Responses, Gemini) that replaces every secret in each request with a
    placeholder, then forwards it with the client's own credentials and streams the answer back
    unchanged. Point the assistant's base URL at the printed address, e.g.
    ANTHROPIC_BASE_URL=http://127.0.0.1:PORT; a base URL ending in /anthropic, /openai or
    /gemini names the API explicitly.
    """
    from guard.commands import proxy as command

    if ensure:
        raise SystemExit(command.ensure(listen=listen, root=root, log=log,
                                        upstreams=list(upstreams)))
    raise SystemExit(command.run(listen=listen, upstreams=list(upstreams), log=log, root=root,
                                 allow_remote=allow_remote))


_proxy_options = [
    click.option("--proxy", is_flag=True,
                 help="Instead of hooks: point AGENT (claude, gemini, qwen; codex with --user) "
                      "at `guard proxy` in its own settings, with a hook of its own that starts "
                      "the proxy (Claude Code: ANTHROPIC_BASE_URL; Gemini CLI: "
                      "GOOGLE_GEMINI_BASE_URL in .gemini/.env; Qwen Code: OPENAI_BASE_URL in "
                      ".qwen/.env; Codex CLI: a model provider in ~/.codex/config.toml)."),
    click.option("--proxy-port", type=click.IntRange(1, 65535), default=8787, show_default=True,
                 help="The loopback port of the proxy for --proxy."),
    click.option("--proxy-upstream", "proxy_upstreams", multiple=True, metavar="NAME=URL",
                 help="With --proxy: the real API the proxy started by the hook forwards to "
                      "(as `guard proxy --upstream`); repeatable."),
]


def _with_proxy_options(f: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_proxy_options):
        f = option(f)
    return f


@cli.command(short_help="Install Guard's hooks for git or assistants.")
@click.argument("agents", nargs=-1, metavar="[AGENT]...")
@_git_hooks_option
@_agent_hooks_options
@_with_proxy_options
def install(agents: tuple[str, ...], git_hooks: bool, every: bool, user: bool, proxy: bool,
            proxy_port: int, proxy_upstreams: tuple[str, ...]) -> None:
    """Install hooks that run Guard: with --git, in this repository's hook directory
    (core.hooksPath when set). A hook already there is kept and runs first, as
    <hook>.guard-chained. AGENT... (or --all): the assistant's hook configuration, which runs
    `guard hook AGENT` before its tools, and its manifests (as `guard protect AGENT`).

    With the pre-commit framework, use the guard-scan hook of .pre-commit-hooks.yaml instead.
    """
    if proxy:
        from guard.commands import install_proxy

        raise SystemExit(install_proxy.run(list(agents), port=proxy_port, user=user,
                                           upstreams=list(proxy_upstreams)))
    from guard.commands import install as command

    raise SystemExit(command.run(git=git_hooks, agents=list(agents), every=every, user=user))


@cli.command(short_help="Remove what `guard install` wrote.")
@click.argument("agents", nargs=-1, metavar="[AGENT]...")
@_git_hooks_option
@_agent_hooks_options
@_with_proxy_options
def uninstall(agents: tuple[str, ...], git_hooks: bool, every: bool, user: bool, proxy: bool,
              proxy_port: int, proxy_upstreams: tuple[str, ...]) -> None:
    """Remove the hooks `guard install` wrote and put back the ones they chained to (with
    --proxy: what `guard install AGENT --proxy` wrote)."""
    if proxy:
        from guard.commands import install_proxy

        raise SystemExit(install_proxy.run(list(agents), port=proxy_port, user=user,
                                           uninstall=True))
    from guard.commands import install as command

    raise SystemExit(command.run(git=git_hooks, agents=list(agents), uninstall=True,
                                 every=every, user=user))


@cli.command(short_help="Language server: secrets as editor diagnostics.")
@click.option("--debounce-ms", type=click.IntRange(min=0), default=200, show_default=True,
              envvar="GUARD_LSP_DEBOUNCE_MS",
              help="Quiet time after an edit before the document is rescanned.")
def lsp(debounce_ms: int) -> None:
    """Run the language server on stdin/stdout: secrets as diagnostics in any editor, with code
    actions (allow, protect the file, move the literal to .env) and a redacted view.
    Editors start it themselves; see lsp/ for VS Code, Neovim, Helix and Zed."""
    from guard.lsp import server  # pygls loads only here: other commands stay fast

    raise SystemExit(server.run(debounce_ms))
