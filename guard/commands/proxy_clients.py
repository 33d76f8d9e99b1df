"""What each assistant honours, for ``guard install AGENT --proxy`` and ``guard doctor``: where
Gemini CLI and Qwen Code find their .env file, whether Gemini CLI trusts the folder and which
sign-in it uses, the base URLs Qwen Code takes from its settings and model providers, Codex CLI's
model provider, and whether each assistant goes through the proxy now (see
guard.commands.install_proxy for what was verified against the real clients).
"""

from __future__ import annotations

import os
import re

from guard.commands.proxy_files import (
    CODEX_BLOCK,
    CODEX_PROVIDER,
    chain_error,
    codex_block,
    env_file_value,
    env_values,
    refuse_set,
    shown,
    toml,
    toml_or_none,
    url,
)
from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# what an agent cannot be given by `guard install --proxy`, and why: said with the way by hand
BY_HAND = {
    "gemini": "GOOGLE_GEMINI_BASE_URL={url} in the environment Gemini CLI starts from (your "
              "shell profile)",
    "qwen": "OPENAI_BASE_URL={url}/v1 in the environment Qwen Code starts from",
    "codex": "a model provider with base_url = \"{url}/v1\", wire_api = \"responses\" and "
             "requires_openai_auth = true in ~/.codex/config.toml, selected by model_provider",
}


def codex_home() -> str:
    return os.environ.get("CODEX_HOME") or os.path.join(os.path.expanduser("~"), ".codex")


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


def shadowed_note(path: str | None, product_dir: str, client: str) -> list[str]:
    """The variables (named, never their values) of the .env file that ``PRODUCT/.env`` now
    hides from the client."""
    if path is None:
        return []
    try:
        names = sorted(env_values(manifest.read(path) or ""))
    except GuardError:
        return []
    if not names:
        return []
    listed = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    return [f"{client} loads only the first .env it finds, and {product_dir}/.env now comes "
            f"before {shown(path)}: it no longer loads {listed} from there (export what it "
            "needs, e.g. its API key, in your shell)"]


def gemini_settings(root: str) -> tuple[str | None, bool]:
    """(the sign-in Gemini CLI is set to use, whether it reads the project's .gemini/.env and
    hooks: folder trust off in the user's settings, or this folder trusted)."""
    import json

    home = os.path.expanduser("~")
    user = os.path.join(home, ".gemini", "settings.json")
    selected, folder_trust = None, True
    for path in (user, os.path.join(root, ".gemini", "settings.json")):
        try:
            with open(path, encoding="utf-8") as f:
                security = json.load(f).get("security") or {}
            selected = (security.get("auth") or {}).get("selectedType", selected)
            if path == user and (security.get("folderTrust") or {}).get("enabled") is False:
                folder_trust = False
        except (OSError, ValueError, AttributeError):
            continue
    return selected, not folder_trust or gemini_trusted(root)


def gemini_notes(root: str) -> list[str]:
    """What keeps Gemini CLI from reading .gemini/.env or from using the base URL."""
    notes = []
    selected, reads = gemini_settings(root)
    if selected not in (None, "gemini-api-key", "gateway"):
        notes.append(f"Gemini CLI signs in with {selected!r} here: GOOGLE_GEMINI_BASE_URL "
                     "applies to API-key auth only (security.auth.selectedType "
                     "\"gemini-api-key\"); with this sign-in its requests do not go through "
                     "the proxy")
    if not reads:
        notes.append("Gemini CLI reads .gemini/.env and runs the project's hooks only in a "
                     "trusted folder: trust this one (Gemini CLI asks at start), or its "
                     "requests go to the model API directly")
    return notes


def gemini_trusted(root: str) -> bool:
    """Whether ~/.gemini/trustedFolders.json trusts ``root`` (TRUST_FOLDER on it or an ancestor,
    TRUST_PARENT on a child of an ancestor)."""
    import json

    path = os.environ.get("GEMINI_CLI_TRUSTED_FOLDERS_PATH") or \
        os.path.join(os.path.expanduser("~"), ".gemini", "trustedFolders.json")
    if os.environ.get("GEMINI_CLI_TRUST_WORKSPACE") == "true":
        return True
    try:
        with open(path, encoding="utf-8") as f:
            rules = json.load(f)
    except (OSError, ValueError):
        return False
    if not isinstance(rules, dict):
        return False
    here = os.path.realpath(root)
    best, verdict = -1, False  # the longest rule whose folder holds root decides, as Gemini's
    for folder, rule in rules.items():
        target = os.path.realpath(os.path.dirname(folder) if rule == "TRUST_PARENT" else folder)
        inside = here == target or here.startswith(target.rstrip("/") + "/")
        if inside and len(folder) > best:
            best, verdict = len(folder), rule in ("TRUST_FOLDER", "TRUST_PARENT")
    return verdict


def qwen_checks(root: str, where: str, value: str, port: int, user: bool) -> list[str]:
    """Refuse when the user set Qwen Code's OpenAI base URL already (the environment, a .env file
    Qwen Code would read first, its settings, a model provider); notes on what else bypasses it."""
    import json

    # --user: settings env comes after the .env file Qwen Code loads; else .qwen/.env hides the
    # .env file it loaded until now, whose base URL would be replaced
    for path in ([next_env_file(root, ".qwen", own=True)] if user else
                 [where, next_env_file(root, ".qwen")]):
        if path:
            refuse_set("qwen", "OPENAI_BASE_URL", value, port,
                       env_file_value(path, "OPENAI_BASE_URL", ours=False), path)
    notes = []
    for path in (os.path.join(os.path.expanduser("~"), ".qwen", "settings.json"),
                 os.path.join(root, ".qwen", "settings.json")):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        env = data.get("env") if isinstance(data.get("env"), dict) else {}
        current = env.get("OPENAI_BASE_URL") if isinstance(env, dict) else None
        if current not in (None, value):
            chain_error("qwen", "OPENAI_BASE_URL", str(current), port, f"in {shown(path)}")
        auth = (data.get("security") or {}).get("auth") or {} \
            if isinstance(data.get("security"), dict) else {}
        if isinstance(auth, dict) and auth.get("baseUrl"):
            chain_error("qwen", "security.auth.baseUrl", str(auth["baseUrl"]), port,
                        f"in {shown(path)}")
        providers = data.get("modelProviders")
        if isinstance(providers, dict):
            for models in providers.values():
                for model in models if isinstance(models, list) else []:
                    if isinstance(model, dict) and model.get("baseUrl"):
                        chain_error("qwen", "a model provider's baseUrl",
                                    str(model["baseUrl"]), port, f"in {shown(path)}")
        if isinstance(auth, dict) and auth.get("selectedType") not in (None, "openai"):
            notes.append(f"Qwen Code signs in with {auth['selectedType']!r} here: the proxy "
                         "is set for its OpenAI auth type (--auth-type openai) only")
    return notes


def add_codex_provider(path: str, port: int) -> tuple[str, list[str]]:
    """Guard's provider first in config.toml, selected by ``model_provider`` (top-level keys
    must come before the first table, so they go first; the provider is an inline table)."""
    old = manifest.read(path)
    created = old is None
    m = CODEX_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if f'base_url = "{url(port)}/v1"' in m.group(0):
            return "already installed", _codex_notes(toml(old, path))
        created = m.group(1) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's provider for another port: replaced
    data = toml(old or "", path)
    current = data.get("model_provider")
    if current is not None:
        provider = (data.get("model_providers") or {}).get(current) or {}
        base = provider.get("base_url") if isinstance(provider, dict) else None
        if base:
            chain_error("codex", f"model provider {current!r}'s base_url", str(base), port,
                        f"in {shown(path)}")
        raise GuardError(f"model_provider is set to {current!r} already; Guard does not replace "
                         "it: remove that line (\"openai\" is the default) and run this again, "
                         "or point that provider at the proxy yourself", path)
    if data.get("openai_base_url"):
        chain_error("codex", "openai_base_url", str(data["openai_base_url"]), port,
                    f"in {shown(path)}")
    if CODEX_PROVIDER in (data.get("model_providers") or {}):
        raise GuardError(f"a model provider named {CODEX_PROVIDER!r} is there already and is "
                         "not Guard's; Guard left the file untouched", path)
    newline = "\r\n" if old and "\r\n" in old else "\n"
    text = codex_block(port, created, newline) + (old or "")
    new = toml_or_none(text)
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


def status(root: str, agent: str = "claude") -> str:
    """For guard doctor: whether ``agent`` goes through the proxy (where Guard or the user set it
    up), what overrides that, and whether the proxy answers now."""
    base, where = _configured(root, agent)
    if base is None:
        return "proxy: off"
    m = re.match(r"http://(?:127\.0\.0\.1|localhost):(\d+)", base)
    if not m:
        return f"proxy: off (base URL {base} in {where})"
    from guard.commands.proxy import answering

    live = "answering" if answering("127.0.0.1", int(m.group(1))) else \
        "not running now (started by the assistant's hook)"
    text = f"proxy: {base} ({where}), {live}"
    variable = {"gemini": "GOOGLE_GEMINI_BASE_URL", "qwen": "OPENAI_BASE_URL"}.get(agent)
    env = os.environ.get(variable) if variable else None
    if env and env != base:
        text += f"; BUT {variable}={env} in this environment wins over it"
    if agent == "gemini":
        selected, reads = gemini_settings(root)
        if not reads:
            text += "; BUT this folder is not trusted by Gemini CLI, which then ignores " \
                    ".gemini/.env"
        if selected not in (None, "gemini-api-key", "gateway"):
            text += f"; BUT Gemini CLI signs in with {selected!r}, which does not use it"
    return text


def _settings_env(tops: tuple[str, str], folder: str, variable: str) -> tuple[str | None, str]:
    """``variable`` in the ``env`` of the first ``<top>/<folder>/settings.json`` that sets it
    (the project's, then the user's), and where."""
    for top in tops:
        path = os.path.join(top, folder, "settings.json")
        value = _json_env(path, variable)
        if value:
            return value, shown(path)
    return None, ""


def _configured(root: str, agent: str) -> tuple[str | None, str]:
    """(the proxy base URL the assistant is configured with, where) or (None, "")."""
    home = os.path.expanduser("~")
    if agent == "claude":
        return _settings_env((root, home), ".claude", "ANTHROPIC_BASE_URL")
    if agent == "gemini":
        path = os.path.join(root, ".gemini", ".env")
        value = env_file_value(path, "GOOGLE_GEMINI_BASE_URL") if os.path.isfile(path) else None
        return (value, ".gemini/.env") if value else (None, "")
    if agent == "qwen":
        path = os.path.join(root, ".qwen", ".env")
        value = env_file_value(path, "OPENAI_BASE_URL") if os.path.isfile(path) else None
        if value:
            return value, ".qwen/.env"
        return _settings_env((root, home), ".qwen", "OPENAI_BASE_URL")
    if agent == "codex":
        path = os.path.join(codex_home(), "config.toml")
        try:
            data = toml(manifest.read(path) or "", path)
        except GuardError:
            return None, ""
        provider = (data.get("model_providers") or {}).get(data.get("model_provider")) or {}
        value = provider.get("base_url") if isinstance(provider, dict) else None
        if isinstance(value, str) and value.startswith("http://127.0.0.1:"):
            return value, shown(path)
        return None, ""
    return None, ""


def _json_env(path: str, variable: str) -> str | None:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f).get("env", {}).get(variable)
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
