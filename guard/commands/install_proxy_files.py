"""Guard's edits of the files that point Gemini CLI and Qwen Code (their .env files) and Codex
CLI (its config.toml) at guard proxy, each in a marked block that uninstalling removes exactly
(see guard.commands.install_proxy)."""

from __future__ import annotations

import os
import re

from guard.commands.install_proxy_json import _chain_error, _shown, url
from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CODEX_PROVIDER = "guard-proxy"
# what an agent cannot be given by `guard install --proxy`, and why: said with the way by hand
BY_HAND = {
    "gemini": "GOOGLE_GEMINI_BASE_URL={url} in the environment Gemini CLI starts from (your "
              "shell profile)",
    "qwen": "OPENAI_BASE_URL={url}/v1 in the environment Qwen Code starts from",
    "codex": "a model provider with base_url = \"{{url}}/v1\", wire_api = \"responses\" and "
             "requires_openai_auth = true in ~/.codex/config.toml, selected by model_provider",
}


def codex_home() -> str:
    return os.environ.get("CODEX_HOME") or os.path.join(os.path.expanduser("~"), ".codex")




# --- .env files (Gemini CLI, Qwen Code) --------------------------------------------------------

ENV_MARK = "# Added by `guard install {agent} --proxy`; `guard uninstall {agent} --proxy` removes"
ENV_BLOCK = re.compile(r"# Added by `guard install (gemini|qwen) --proxy`; `guard uninstall "
                       r"\1 --proxy` removes (these 2 lines|this file)\r?\n"
                       r"(?:GOOGLE_GEMINI_BASE_URL|OPENAI_BASE_URL)=http://127\.0\.0\.1:\d+"
                       r"(?:/v1)?\r?\n")


def _env_line(agent: str, variable: str, value: str, created: bool, newline: str) -> str:
    what = "this file" if created else "these 2 lines"
    return f"{ENV_MARK.format(agent=agent)} {what}{newline}{variable}={value}{newline}"


def _env_file_value(path: str, variable: str, ours: bool = True) -> str | None:
    """``variable``'s value in a .env file as dotenv reads it (the last one wins), or None;
    without ``ours``, the user's own (Guard's line left out)."""
    text = manifest.read(path) or ""
    return _env_values(text if ours else ENV_BLOCK.sub("", text, count=1)).get(variable)


def _env_values(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"\s*(?:export\s+)?([\w.\-]+)\s*[=:]\s*(.*)$", line)
        if m:
            value = m.group(2).strip()
            if value[:1] in ("'", '"', "`") and value[-1:] == value[:1] and len(value) > 1:
                value = value[1:-1]
            else:
                value = value.split(" #", 1)[0].strip()
            out[m.group(1)] = value
    return out


def _add_env_line(path: str, agent: str, variable: str, value: str) -> str:
    """Put ``variable=value`` first in the .env file, after a line that says who wrote it; the
    file is created when missing (and then removed again by uninstall)."""
    old = manifest.read(path)
    created = old is None
    m = ENV_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if _env_values(m.group(0)).get(variable) == value:
            return "already installed"
        created = m.group(2) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's line for another port: replaced
    newline = "\r\n" if old and "\r\n" in old else "\n"
    manifest.write_atomic(path, _env_line(agent, variable, value, created, newline) + (old or ""))
    return f"{variable}={value}: requests go through guard proxy"


def _remove_env_line(path: str) -> str:
    old = manifest.read(path)
    if old is None:
        return "no proxy here"
    m = ENV_BLOCK.search(old)
    if not m:
        return "no Guard proxy here: left alone"
    rest = old[:m.start()] + old[m.end():]
    if m.group(2) == "this file" and not rest:
        os.remove(path)
        return "removed (Guard had created it)"
    manifest.write_atomic(path, rest)
    return "removed"


def next_env_file(root: str, product_dir: str, own: bool = False) -> str | None:
    """The .env file Gemini CLI or Qwen Code loads when started in ``root``: they load only the
    first they find, their own directory's before the plain one, from the working directory up,
    then the home directory's. Without ``own``, the one found after ``root``'s own
    (``PRODUCT/.env``, which Guard writes)."""
    home = os.path.expanduser("~")
    candidates: list[str] = []
    d = root
    while True:
        if d == home:
            candidates += [os.path.join(home, product_dir, ".env"), os.path.join(home, ".env")]
        else:
            if own or d != root:
                candidates.append(os.path.join(d, product_dir, ".env"))
            candidates.append(os.path.join(d, ".env"))
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if not root.startswith(home + os.sep) and root != home:
        candidates += [os.path.join(home, product_dir, ".env"), os.path.join(home, ".env")]
    return next((p for p in candidates if os.path.isfile(p)), None)


def _shadowed_note(path: str | None, product_dir: str, client: str) -> list[str]:
    """The variables (named, never their values) of the .env file that ``PRODUCT/.env`` now
    hides from the client."""
    if path is None:
        return []
    try:
        names = sorted(_env_values(manifest.read(path) or ""))
    except GuardError:
        return []
    if not names:
        return []
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    return [f"{client} loads only the first .env it finds, and {product_dir}/.env now comes "
            f"before {_shown(path)}: it no longer loads {shown} from there (export what it "
            "needs, e.g. its API key, in your shell)"]




# --- Codex CLI: $CODEX_HOME/config.toml --------------------------------------------------------

CODEX_MARK = ("# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy "
              "--user` removes")
CODEX_BLOCK = re.compile(
    r"# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy --user` "
    r"removes (these 3 lines|this file)\r?\n"
    rf"model_provider = \"{CODEX_PROVIDER}\"\r?\n"
    rf"model_providers\.{CODEX_PROVIDER} = \{{[^\n]*base_url = \"http://127\.0\.0\.1:\d+/v1\""
    r"[^\n]*\}\r?\n")


def _codex_block(port: int, created: bool, newline: str) -> str:
    what = "this file" if created else "these 3 lines"
    return (f"{CODEX_MARK} {what}{newline}"
            f"model_provider = \"{CODEX_PROVIDER}\"{newline}"
            f"model_providers.{CODEX_PROVIDER} = {{ name = \"OpenAI through guard proxy\", "
            f"base_url = \"{url(port)}/v1\", wire_api = \"responses\", "
            f"requires_openai_auth = true }}{newline}")


def _toml(text: str, path: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GuardError(f"is not valid TOML ({e}); Guard left it untouched", path) from None


def _add_codex_provider(path: str, port: int) -> tuple[str, list[str]]:
    """Guard's provider first in config.toml, selected by ``model_provider`` (top-level keys
    must come before the first table, so they go first; the provider is an inline table)."""
    old = manifest.read(path)
    created = old is None
    m = CODEX_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if f'base_url = "{url(port)}/v1"' in m.group(0):
            return "already installed", _codex_notes(_toml(old, path))
        created = m.group(1) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's provider for another port: replaced
    data = _toml(old or "", path)
    current = data.get("model_provider")
    if current is not None:
        provider = (data.get("model_providers") or {}).get(current) or {}
        base = provider.get("base_url") if isinstance(provider, dict) else None
        if base:
            _chain_error("codex", f"model provider {current!r}'s base_url", str(base), port,
                         f"in {_shown(path)}")
        raise GuardError(f"model_provider is set to {current!r} already; Guard does not replace "
                         "it: remove that line (\"openai\" is the default) and run this again, "
                         "or point that provider at the proxy yourself", path)
    if data.get("openai_base_url"):
        _chain_error("codex", "openai_base_url", str(data["openai_base_url"]), port,
                     f"in {_shown(path)}")
    if CODEX_PROVIDER in (data.get("model_providers") or {}):
        raise GuardError(f"a model provider named {CODEX_PROVIDER!r} is there already and is "
                         "not Guard's; Guard left the file untouched", path)
    newline = "\r\n" if old and "\r\n" in old else "\n"
    text = _codex_block(port, created, newline) + (old or "")
    new = _toml_or_none(text)
    provider = ((new or {}).get("model_providers") or {}).get(CODEX_PROVIDER) or {}
    if not new or new.get("model_provider") != CODEX_PROVIDER or \
            provider.get("base_url") != f"{url(port)}/v1":
        raise GuardError("Guard cannot add its model provider at the top of this file (it "
                         "declares [model_providers] as a table); add by hand "
                         f"{BY_HAND['codex'].format(url=url(port))}", path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    manifest.write_atomic(path, text)
    return f"model provider {CODEX_PROVIDER!r} at {url(port)}/v1: requests go through guard " \
           "proxy", _codex_notes(data)


def _toml_or_none(text: str) -> dict[str, Any] | None:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _codex_notes(data: dict[str, Any]) -> list[str]:
    import json

    notes = []
    profiles = data.get("profiles")
    for name, profile in (profiles.items() if isinstance(profiles, dict) else []):
        if isinstance(profile, dict) and profile.get("model_provider") not in (None,
                                                                               CODEX_PROVIDER):
            notes.append(f"profile {name!r} selects model provider "
                         f"{profile['model_provider']!r}: with it Codex does not use the proxy")
    features = data.get("features")
    if isinstance(features, dict) and (features.get("hooks") is False or
                                       features.get("codex_hooks") is False):
        notes.append("hooks are switched off in [features]: nothing starts the proxy; run "
                     "`guard proxy --ensure --listen …` yourself before Codex")
    try:
        with open(os.path.join(codex_home(), "auth.json"), encoding="utf-8") as f:
            auth = json.load(f)
        if isinstance(auth, dict) and auth.get("tokens") and not auth.get("OPENAI_API_KEY"):
            notes.append("Codex is signed in with ChatGPT: the proxy forwards to the OpenAI API, "
                         "which refuses ChatGPT tokens; sign in with an API key (`codex login "
                         "--with-api-key`)")
    except (OSError, ValueError):
        pass
    return notes


def _remove_codex_provider(path: str) -> str:
    old = manifest.read(path)
    if old is None:
        return "no proxy here"
    m = CODEX_BLOCK.search(old)
    if not m:
        return "no Guard proxy here: left alone"
    rest = old[:m.start()] + old[m.end():]
    if m.group(1) == "this file" and not rest:
        os.remove(path)
        return "removed (Guard had created it)"
    manifest.write_atomic(path, rest)
    return "removed"


