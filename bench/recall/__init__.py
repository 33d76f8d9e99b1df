"""Guard's labelled recall corpus: the generator behind ``tests/data/recall/cases.jsonl``.

``core`` holds the case record, the seeded value generator and the file shapes; ``providers``,
``contexts``, ``structured`` and ``benign`` each add one family of cases. ``bench/recall_corpus.py``
runs them in a fixed order and writes the JSONL; ``bench/recall_bench.py`` scores scanners on it.
"""
