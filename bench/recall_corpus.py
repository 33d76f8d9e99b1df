"""Generate Guard's labelled recall corpus: ``tests/data/recall/cases.jsonl``.

    python bench/recall_corpus.py [--out PATH] [--check]

One JSON object per line and per case: ``id``, ``class`` (one of the eight secret classes, or a
``benign-*`` kind), ``label`` ("secret" or "benign"), ``near`` (the secret class a benign case is
a near miss of; a secret case's own class), ``kind`` (the token kind or slot), ``filename`` (the
name the case is scanned under: it matters, ``Makefile`` and ``.bash_history`` are read
differently), ``line`` (1-based line of the labelled value), ``secret_sha256`` (secret cases
only) and ``content`` (the whole file). The values are random from a seeded generator, drawn in a
fixed order, so two runs give identical bytes; ``--check`` compares a fresh generation with the
file instead of writing it (exit 1 when they differ).

Token formats come from the providers' own documentation (``recall/tokens.py`` names the page for
each); no case is taken from another scanner's test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from recall import benign, contexts, providers, structured
from recall.core import Case, Corpus, Values

BENCH = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH.parent / "tests" / "data" / "recall" / "cases.jsonl"
SEED = 0x2EC411


FAMILIES: tuple[tuple[str, Callable[[Corpus, Values], None]], ...] = (
    ("provider-format", providers.add),
    ("plain-text", contexts.plain_text),
    ("provider-context", contexts.provider_context),
    ("lowercase-digit", contexts.lowercase_digit),
    ("misspelt-name", contexts.misspelt_name),
    ("generic", contexts.generic),
    ("structured", structured.structured),
    ("cli-header", structured.cli_header),
    ("benign", benign.add),
)


def generate(seed: int = SEED) -> list[Case]:
    """Every family draws from its own generator, seeded by name, so that changing one family's
    cases leaves the others' bytes as they were."""
    corpus = Corpus()
    for family, add in FAMILIES:
        add(corpus, Values(random.Random(f"{seed}:{family}")))
    return corpus.cases


def render(cases: list[Case]) -> str:
    return "".join(json.dumps(c.record(), ensure_ascii=False) + "\n" for c in cases)


def summary(cases: list[Case]) -> str:
    by_class = Counter(c.cls for c in cases)
    benign_n = sum(c.label == "benign" for c in cases)
    lines = [f"{len(cases)} cases, {benign_n} benign ({benign_n / len(cases):.1%})"]
    lines += [f"  {cls:22} {n}" for cls, n in sorted(by_class.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="compare a fresh generation with --out instead of writing it")
    args = parser.parse_args(argv)
    cases = generate()
    text = render(cases)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from a fresh generation'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(summary(cases))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
