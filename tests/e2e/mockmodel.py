"""A loopback mock of the model APIs the assistant CLIs talk to, scripted as a list of tool
calls: the n-th request of the main conversation (the one that offers tools) that carries n tool
results is answered with the n-th call, and once the script is done, with a final text.

It records the raw body of every request, which is what the tests search for the canary: a
secret that reaches the mock would have reached the model.

Wire protocols (see /work/shared/reference/agent-clients-headless.md): Anthropic Messages (SSE),
Gemini generateContent (SSE), OpenAI Responses (SSE) and OpenAI chat completions (SSE).

With ``compress=True`` it answers as the real APIs' front ends do: a POST whose request accepts
gzip (``Accept-Encoding``) gets its answer gzip-compressed, ``Content-Encoding: gzip``, server-sent
events included (``compressed`` counts those answers).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FINAL_TEXT = "All done."

# one scripted step: a tool name and its arguments, given the request (to pick names it offers)
Step = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


class MockModel:
    def __init__(self, steps: list[Step], compress: bool = False) -> None:
        self.steps = steps
        self.compress = compress
        self.compressed = 0
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> MockModel:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def seen(self) -> bytes:
        with self.lock:
            return b"\n".join(self.bodies)

    def step(self, done: int, request: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        return self.steps[done](request) if done < len(self.steps) else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_HEAD(self) -> None:  # Claude Code probes the base URL
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                self._json({"data": [], "models": []})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with mock.lock:
                    mock.bodies.append(body)
                    mock.paths.append(self.path)
                try:
                    request = json.loads(body or b"{}")
                except ValueError:
                    request = {}
                path = self.path.split("?")[0]
                if path.endswith("/messages/count_tokens"):
                    return self._json({"input_tokens": 10})
                if path.endswith("/messages"):
                    return anthropic(self, mock, request)
                if ":streamGenerateContent" in path or ":generateContent" in path:
                    return gemini(self, mock, request, ":streamGenerateContent" in path)
                if ":countTokens" in path:
                    return self._json({"totalTokens": 10})
                if path.endswith("/responses"):
                    return responses(self, mock, request)
                if path.endswith("/chat/completions"):
                    return chat(self, mock, request)
                self._json({})

            def _json(self, obj: object) -> None:
                data = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                data = self._encoded(data)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _encoded(self, data: bytes) -> bytes:
                """``data`` gzip-compressed (and the header said) when the mock compresses and
                the request accepts it."""
                accepts = self.headers.get("Accept-Encoding", "").lower()
                if not (mock.compress and self.command == "POST" and "gzip" in accepts):
                    return data
                with mock.lock:
                    mock.compressed += 1
                self.send_header("Content-Encoding", "gzip")
                return gzip.compress(data)

            def sse(self, events: list[tuple[str | None, object]]) -> None:
                chunks = [(f"event: {name}\n" if name else "") + "data: " +
                          (data if isinstance(data, str) else json.dumps(data)) + "\n\n"
                          for name, data in events]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                if mock.compress:  # one body, its length said
                    body = self._encoded("".join(chunks).encode())
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in chunks:
                    self.wfile.write(chunk.encode())
                self.wfile.flush()
                self.close_connection = True

        return Handler


# --- Anthropic Messages --------------------------------------------------------------------------

def anthropic(h: Any, mock: MockModel, request: dict[str, Any]) -> None:
    messages = request.get("messages") or []
    done = sum(1 for m in messages if isinstance(m.get("content"), list)
               for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_result")
    step = mock.step(done, request) if request.get("tools") else None
    usage = {"input_tokens": 10, "output_tokens": 5}
    if step is None:
        block: dict[str, Any] = {"type": "text", "text": FINAL_TEXT if request.get("tools")
                                 else "ok"}
        stop = "end_turn"
    else:
        block = {"type": "tool_use", "id": f"toolu_{done:04d}", "name": step[0],
                 "input": step[1]}
        stop = "tool_use"
    message = {"id": f"msg_{done}", "type": "message", "role": "assistant",
               "model": request.get("model", "claude"), "content": [], "stop_reason": None,
               "stop_sequence": None, "usage": usage}
    if not request.get("stream"):
        h._json(dict(message, content=[block], stop_reason=stop))
        return
    if block["type"] == "text":
        start = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block["text"]}
    else:
        start = dict(block, input={})
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
    h.sse([("message_start", {"type": "message_start", "message": message}),
           ("content_block_start", {"type": "content_block_start", "index": 0,
                                    "content_block": start}),
           ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
           ("content_block_stop", {"type": "content_block_stop", "index": 0}),
           ("message_delta", {"type": "message_delta",
                              "delta": {"stop_reason": stop, "stop_sequence": None},
                              "usage": {"output_tokens": 5}}),
           ("message_stop", {"type": "message_stop"})])


# --- Gemini generateContent ---------------------------------------------------------------------

def gemini(h: Any, mock: MockModel, request: dict[str, Any], stream: bool) -> None:
    config = request.get("generationConfig") or {}
    if config.get("responseMimeType") == "application/json" or config.get("responseSchema") \
            or config.get("responseJsonSchema"):
        # side queries (model routing, next speaker) want JSON matching their schema
        text = json.dumps({"reasoning": "simple", "model_choice": "flash",
                           "next_speaker": "user", "complexity_reasoning": "simple",
                           "complexity_score": 1})
        part: dict[str, Any] = {"text": text}
    else:
        contents = request.get("contents") or []
        done = sum(1 for c in contents for p in c.get("parts") or []
                   if isinstance(p, dict) and "functionResponse" in p)
        step = mock.step(done, request) if request.get("tools") else None
        part = {"text": FINAL_TEXT} if step is None else \
            {"functionCall": {"name": step[0], "args": step[1], "id": f"call_{done}"}}
    chunk = {"candidates": [{"content": {"role": "model", "parts": [part]},
                             "finishReason": "STOP", "index": 0}],
             "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5,
                               "totalTokenCount": 15},
             "modelVersion": "gemini-2.5-flash"}
    if stream:
        h.sse([(None, chunk)])
    else:
        h._json(chunk)


# --- OpenAI Responses (Codex) ---------------------------------------------------------------------

def responses(h: Any, mock: MockModel, request: dict[str, Any]) -> None:
    items = request.get("input") or []
    done = sum(1 for i in items if isinstance(i, dict) and i.get("type") in (
        "function_call_output", "custom_tool_call_output"))
    step = mock.step(done, request) if request.get("tools") else None
    if step is None:
        item: dict[str, Any] = {"type": "message", "role": "assistant", "id": f"msg_{done}",
                                "status": "completed",
                                "content": [{"type": "output_text", "text": FINAL_TEXT,
                                             "annotations": []}]}
    else:
        item = {"type": "function_call", "id": f"fc_{done}", "call_id": f"call_{done}",
                "name": step[0], "arguments": json.dumps(step[1]), "status": "completed"}
    rid = f"resp_{done}_{len(mock.bodies)}"
    usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
             "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
             "total_tokens": 15}
    h.sse([("response.created", {"type": "response.created",
                                 "response": {"id": rid, "status": "in_progress"}}),
           ("response.output_item.done", {"type": "response.output_item.done",
                                          "output_index": 0, "item": item}),
           ("response.completed", {"type": "response.completed",
                                   "response": {"id": rid, "status": "completed",
                                                "output": [item], "usage": usage}})])


# --- OpenAI chat completions (Qwen Code) ---------------------------------------------------------

def chat(h: Any, mock: MockModel, request: dict[str, Any]) -> None:
    messages = request.get("messages") or []
    done = sum(1 for m in messages if m.get("role") == "tool")
    step = mock.step(done, request) if request.get("tools") else None
    base = {"id": f"chatcmpl-{done}", "object": "chat.completion.chunk", "created": 1,
            "model": request.get("model", "m")}
    if step is None:
        delta: dict[str, Any] = {"role": "assistant", "content": FINAL_TEXT}
        finish = "stop"
    else:
        delta = {"role": "assistant", "content": None, "tool_calls": [
            {"index": 0, "id": f"call_{done}", "type": "function",
             "function": {"name": step[0], "arguments": json.dumps(step[1])}}]}
        finish = "tool_calls"
    if not request.get("stream"):
        message = {"role": "assistant", "content": delta.get("content"),
                   **({"tool_calls": delta["tool_calls"]} if "tool_calls" in delta else {})}
        for call in message.get("tool_calls", []):
            call.pop("index", None)
        h._json(dict(base, object="chat.completion", choices=[
            {"index": 0, "message": message, "finish_reason": finish}],
            usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}))
        return
    h.sse([(None, dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": None}])),
           (None, dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": finish}],
                       usage={"prompt_tokens": 10, "completion_tokens": 5,
                              "total_tokens": 15})),
           (None, "[DONE]")])


# --- what the model received -------------------------------------------------------------------

def tool_results(mock: MockModel) -> list[str]:
    """The tool results the model received, in the order of the scripted steps, each as the
    JSON text of what the client sent for it: taken from the request that carries the most (the
    last request of the main conversation, or a later one that re-sends it)."""
    best: list[object] = []
    with mock.lock:
        bodies = list(mock.bodies)
    for body in bodies:
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            continue
        if isinstance(request, dict):
            found = _results_of(request)
            if len(found) > len(best):
                best = found
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in best]


def _results_of(request: dict[str, Any]) -> list[object]:
    out: list[object] = []
    for m in request.get("messages") or []:  # Anthropic Messages, OpenAI chat completions
        if not isinstance(m, dict):
            continue
        if m.get("role") == "tool":
            out.append(m.get("content"))
        elif isinstance(m.get("content"), list):
            out.extend(b.get("content") for b in m["content"]
                       if isinstance(b, dict) and b.get("type") == "tool_result")
    for c in request.get("contents") or []:  # Gemini generateContent
        for p in (c.get("parts") or []) if isinstance(c, dict) else []:
            if isinstance(p, dict) and "functionResponse" in p:
                out.append(p["functionResponse"].get("response"))
    for i in request.get("input") or []:  # OpenAI Responses
        if isinstance(i, dict) and i.get("type") in ("function_call_output",
                                                     "custom_tool_call_output"):
            out.append(i.get("output"))
    return out
