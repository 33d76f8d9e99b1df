"""The attack corpus and the ordinary-work corpus, one test per call (ids ``class/agent/n``):
each call goes through its assistant's simulated client and the real ``guard hook`` in a sandbox
(see clients.py and sandbox.py). An attack passes when no canary reaches the model, raw or
decoded; an ordinary call passes when it is allowed and its expected content reaches the model.
No call may make Guard report an internal error.

Nothing here is marked xfail: the failures are the measurement (``python -m tests.attacks.report``
prints them as a table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.attacks.corpus import CASES, Case
from tests.attacks.judge import explain, run_case
from tests.attacks.sandbox import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One sandbox per worker, reset after every call that changed it."""
    return World(Path(tmp_path_factory.mktemp("attack-corpus")))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_call(world: World, case: Case) -> None:
    outcome, verdict = run_case(world, case)
    assert not verdict.problems(case.ordinary), explain(case, outcome, verdict)
