"""Write Guard's blind holdout recall corpus, tests/data/recall/holdout.jsonl (seeded).

    python bench/holdout_corpus.py [--out PATH] [--check]

A second labelled corpus in the record format of tests/data/recall/cases.jsonl (see bench/README.md,
"Recall corpus"), written without reading Guard's rules, its detectors, or the main corpus and its
generator, so that a gain measured on the main corpus can be checked on files it never saw: real-
looking application code and configuration in many languages (Spring, .NET, Go, Rust, Laravel,
Rails, Node/TypeScript, Kotlin, Swift, Terraform, Ansible, Helm, compose, CI files, systemd,
nginx, XML, notebooks, SQL, crontabs, shell histories, tickets, mail, Slack exports, logs, .http
files, HAR and Postman exports, credential files), secrets drawn at random (checksummed where the
format has one) and benign near misses (placeholders, references, encrypted values, published
examples, wrong lengths, broken checksums, identifiers, hashes, public keys, prose).

Every value comes from one seeded generator drawn in a fixed order, so two runs give identical
bytes; ``--check`` compares a fresh generation with the file and exits 1 when they differ.
Score it with ``.venv/bin/python bench/recall_bench.py --cases tests/data/recall/holdout.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from holdout import benign_a, benign_b, secrets_a, secrets_b, tokens
from holdout.builder import BENIGN_KINDS, SECRET_CLASSES, Case, Corpus, Values

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "data" / "recall" / "holdout.jsonl"
SEED = 0x40D0_2026

Maker = Callable[[Values], tuple[str, str, str, str]]
SECRET_PLAN: dict[str, tuple[int, list[Maker]]] = {
    "plain-text": (63, secrets_a.PLAIN_TEXT),
    "provider-context": (66, secrets_a.PROVIDER_CONTEXT),
    "lowercase-digit": (56, secrets_a.LOWERCASE_DIGIT),
    "structured": (84, secrets_a.STRUCTURED),
    "cli-header": (84, secrets_b.CLI_HEADER),
    "misspelt-name": (50, secrets_b.MISSPELT),
    "generic": (70, secrets_b.GENERIC),
}
BENIGN_PLAN: dict[str, tuple[int, Callable[[Values], tuple[str, str, str, str, str]]]] = {
    "benign-placeholder": (48, benign_a.placeholder),
    "benign-reference": (48, benign_a.reference),
    "benign-encrypted": (46, benign_a.encrypted),
    "benign-example": (40, benign_a.example),
    "benign-wrong-length": (46, benign_a.wrong_length),
    "benign-checksum": (44, benign_a.bad_checksum),
    "benign-identifier": (48, benign_b.identifier),
    "benign-hash": (48, benign_b.hashes),
    "benign-public": (48, benign_b.public),
    "benign-prose": (44, benign_b.prose),
}
ATTEMPTS = 60  # draws per wanted case before giving up on unique files


def _fill(corpus: Corpus, cls: str, want: int, draw: Callable[[], bool]) -> None:
    for _ in range(want * ATTEMPTS):
        if corpus.counts[cls] >= want:
            return
        draw()
    raise RuntimeError(f"{cls}: only {corpus.counts[cls]} distinct cases of {want}")


def generate(seed: int = SEED) -> list[Case]:
    v = Values(seed)
    corpus = Corpus()
    for cls, (want, makers) in SECRET_PLAN.items():
        turn = iter(range(10**9))

        def draw(cls: str = cls, makers: list[Maker] = makers, turn: object = turn) -> bool:
            kind, filename, template, value = makers[next(turn) % len(makers)](v)  # type: ignore
            return corpus.add(cls, "secret", cls, kind, filename, template, value)

        _fill(corpus, cls, want, draw)
    kinds = list(tokens.PROVIDER_TOKENS)
    for i in range(2 * len(kinds)):
        for _ in range(ATTEMPTS):
            if corpus.add("provider-format", "secret", "provider-format",
                          *secrets_b.provider_format(v, kinds[i % len(kinds)])):
                break
    for maker, n in ((secrets_b.private_key, 10), (secrets_b.aws_pair, 8)):
        for _ in range(n):
            while not corpus.add("provider-format", "secret", "provider-format", *maker(v)):
                pass
    for cls, (want, maker) in BENIGN_PLAN.items():

        def bdraw(cls: str = cls, maker: Callable[..., tuple[str, ...]] = maker) -> bool:
            kind, near, filename, template, value = maker(v)
            return corpus.add(cls, "benign", near, kind, filename, template, value)

        _fill(corpus, cls, want, bdraw)
    return corpus.cases


def render(cases: list[Case]) -> str:
    return "".join(json.dumps(c.record(), ensure_ascii=False) + "\n" for c in cases)


def summary(cases: list[Case]) -> str:
    secrets = Counter(c.cls for c in cases if c.label == "secret")
    benign = Counter(c.cls for c in cases if c.label == "benign")
    nb = sum(benign.values())
    lines = [f"{len(cases)} cases: {sum(secrets.values())} secrets, {nb} benign "
             f"({100 * nb / len(cases):.1f}%)"]
    lines += [f"  {k:22} {secrets[k]}" for k in SECRET_CLASSES]
    lines += [f"  {k:22} {benign[k]}" for k in BENIGN_KINDS]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the file differs from a fresh generation")
    args = parser.parse_args(argv)
    cases = generate()
    text = render(cases)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        state = "up to date" if same else "STALE: run python bench/holdout_corpus.py"
        print(f"{args.out}: {state}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(summary(cases))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
