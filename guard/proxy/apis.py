"""The model APIs the proxy knows, by request path and headers, and the redaction of a request
body: every string of the JSON, keys and shape kept (guard.hook.output.redact_value, the same
redactor as the tool-output layer).

- Anthropic Messages: ``/v1/messages`` (and ``/v1/messages/count_tokens``), headers
  ``x-api-key`` / ``anthropic-version``;
- OpenAI Chat Completions and Responses: ``/v1/chat/completions``, ``/v1/responses``,
  ``Authorization: Bearer``;
- Gemini: ``/v1beta/models/MODEL:generateContent`` and ``:streamGenerateContent``,
  ``x-goog-api-key``.

A base URL may also name the API as its first path segment (``http://127.0.0.1:PORT/anthropic``),
for clients whose other requests do not say which API they are for.
"""

from __future__ import annotations

DEFAULT_UPSTREAMS = {
    "anthropic": "https://api.anthropic.com",
    "openai": "https://api.openai.com",
    "gemini": "https://generativelanguage.googleapis.com",
}
PREFIXES = tuple(f"/{name}" for name in DEFAULT_UPSTREAMS)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def route(path: str, headers: Mapping[str, str]) -> tuple[str | None, str]:
    """(the API, the path to send upstream) of a request; None when no rule says which API."""
    for prefix in PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix[1:], path[len(prefix):] or "/"
    lower = {k.lower(): v for k, v in headers.items()}
    if path.startswith("/v1beta/") or ":generateContent" in path or \
            ":streamGenerateContent" in path or "x-goog-api-key" in lower:
        return "gemini", path
    if path.startswith("/v1/messages") or "anthropic-version" in lower or "x-api-key" in lower:
        return "anthropic", path
    if path.startswith(("/v1/chat/", "/v1/responses", "/v1/completions", "/v1/embeddings")) or \
            lower.get("authorization", "").lower().startswith("bearer "):
        return "openai", path
    return None, path


def model_call(api: str | None, path: str) -> bool:
    """Whether the request sends conversation content to a model (what the audit log calls a
    model call); other requests (a model list, a HEAD probe) carry none."""
    if api == "anthropic":
        return path.startswith("/v1/messages")
    if api == "openai":
        return path.startswith(("/v1/chat/", "/v1/responses", "/v1/completions"))
    if api == "gemini":
        # :generateContent, :streamGenerateContent (capital G), :countTokens
        return path.endswith((":generateContent", ":streamGenerateContent", ":countTokens"))
    return False
