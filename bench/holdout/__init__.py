"""The blind holdout recall corpus (see bench/holdout_corpus.py): written without reading Guard's
rules, its detectors, or the main recall corpus and its generator, to check that recall work on
the main corpus carries over to files written in another style."""
