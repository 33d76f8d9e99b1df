"""The ``guard`` command line: thin click wrappers over guard.commands.*."""

from __future__ import annotations

import click

from guard import __version__
from guard.errors import GuardError


class _Group(click.Group):
    """Turns GuardError into a one-line message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GuardError as e:
            click.echo(f"guard: error: {e}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guard")
def cli() -> None:
    """Keep secrets away from AI coding agents and out of git.

    \b
    guard scan            scan the current tree; exit 1 if anything is found
    guard scan --format sarif --output guard.sarif   for GitHub code scanning
    guard baseline        accept today's findings; then `guard scan --baseline …`
    """


_config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                              help="Config file (default: nearest .guard.toml or pyproject.toml "
                                   "with [tool.guard]).")
_gitignore_option = click.option("--no-gitignore", "gitignore", is_flag=True, default=True,
                                 flag_value=False,
                                 help="Also scan files that .gitignore excludes.")


@cli.command()
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
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for big trees (default: one per CPU).")
@click.option("-v", "--verbose", is_flag=True, help="List skipped files and why.")
@click.option("--no-color", "no_colour", is_flag=True, help="Plain text even on a terminal.")
def scan(paths: tuple[str, ...], fmt: str, output: str | None, baseline_path: str | None,
         config_path: str | None, gitignore: bool, jobs: int, verbose: bool,
         no_colour: bool) -> None:
    """Find secrets and sensitive files in PATHS (default: the current directory).

    Directories are walked honouring .gitignore and the config's excludes; files named
    explicitly are always read. Binary files, files over max-file-size, unreadable files and
    symlinks leading out of the tree are skipped and counted in the summary.

    \b
    Exit status: 0 nothing new, 1 findings, 2 usage or configuration error.
    Silence one line with a `pragma: allowlist secret` or `guard: allow` comment.
    """
    from guard.commands import scan as command

    raise SystemExit(command.run(list(paths), fmt=fmt, output=output,
                                 baseline_path=baseline_path, config_path=config_path,
                                 gitignore=gitignore, jobs=jobs, verbose=verbose,
                                 colour=False if no_colour else None))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=".guard-baseline.json",
              show_default=True, help="Baseline file to write.")
@_config_option
@_gitignore_option
def baseline(paths: tuple[str, ...], output: str, config_path: str | None,
             gitignore: bool) -> None:
    """Record the current findings in a baseline file (values are never stored: only paths,
    rules and keyed fingerprints). Commit it; `guard scan --baseline FILE` then fails only on
    findings that are not in it."""
    from guard.commands import baseline as command

    raise SystemExit(command.run(list(paths), output=output, config_path=config_path,
                                 gitignore=gitignore))
