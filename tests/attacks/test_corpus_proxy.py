"""The whole corpus through `guard proxy` alone, one test per call (ids ``proxy/class/agent/n``):
no Guard hook runs and Guard is not installed; each call runs as its client runs it without
Guard, and what the model would receive goes as a real model request, in the client's own wire
format, through a real ``guard proxy`` process (one per worker, ``--root`` the sandbox repository,
the assistant's environment) to a loopback upstream that records it (see proxied.py). An attack
passes when no canary reaches the upstream, raw or decoded; an ordinary call passes when its
expected content is in the tool result the upstream received. The proxy must answer 200, forward
the request once and print nothing on stderr.

Nothing here is marked xfail: the failures are the measurement (``python -m tests.attacks.report
--proxy`` prints them as a table, ``-v`` explains each).
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


@pytest.mark.parametrize("case", CASES, ids=[f"proxy/{c.id}" for c in CASES])
def test_call(rig: tuple[World, Rig], case: Case) -> None:
    world, proxy = rig
    outcome, verdict, exchange = run_case(world, proxy, case)
    assert not verdict.problems(case.ordinary), explain(case, outcome, verdict, exchange)
