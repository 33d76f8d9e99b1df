"""Installable hook bundles, shipped inside the wheel as the ``guard.hooks`` package (data only)."""
