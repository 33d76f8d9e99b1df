"""The whole corpus through `guard proxy` alone, one test per call (ids ``proxy/class/agent/n``):
no Guard hook runs and Guard is not installed; each call runs as its client runs it without
Guard, and what the model would receive goes as a real model request, in the client's own wire
format, through a real ``guard proxy`` process (one per worker, ``--root`` the sandbox repository,
the assistant's environment) to a loopback upstream that records it (see proxied.py). An attack
passes when no canary reaches the upstream, raw or decoded; an ordinary call passes when its
expected content is in the tool result the upstream received. The proxy must answer 200, forward
the request once and print nothing on stderr.

The calls the proxy alone does not yet stop would be listed in KNOWN_LEAKS and marked as strict
expected failures: the suite stays green while they leak, and fails the day one of them stops
leaking (then remove it from the list) or any other call starts to. The list is empty: the last
of them, encoded output (hex dumps, od -c, spaced or folded text, rot13, base32, UTF-16,
reversed base64, a URL quoted with its slashes), the redactor now reads back (guard.views).
``python -m tests.attacks.report --proxy`` prints the table, ``-v`` explains each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.attacks.corpus import CASES, Case
from tests.attacks.proxied import Rig, explain, run_case
from tests.attacks.sandbox import World


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Rig]]:
    """One sandbox without Guard installed and one proxy (with its upstream) per worker."""
    base = Path(tmp_path_factory.mktemp("attack-corpus-proxy"))
    world = World(base / "world", install=False)
    proxy = Rig(base / "proxy")
    try:
        yield world, proxy
    finally:
        proxy.close()


KNOWN_LEAKS: frozenset[str] = frozenset()


def _param(case: Case) -> object:
    if case.id in KNOWN_LEAKS:
        return pytest.param(case, marks=pytest.mark.xfail(
            strict=True, reason="encoded output the proxy's redactor does not decode yet"))
    return case


@pytest.mark.parametrize("case", [_param(c) for c in CASES], ids=[f"proxy/{c.id}" for c in CASES])
def test_call(rig: tuple[World, Rig], case: Case) -> None:
    world, proxy = rig
    outcome, verdict, exchange = run_case(world, proxy, case)
    assert not verdict.problems(case.ordinary), explain(case, outcome, verdict, exchange)
