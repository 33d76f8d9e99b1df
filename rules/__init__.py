"""Guard's rule pack: TOML data, installed as the ``guard.rules`` package."""
