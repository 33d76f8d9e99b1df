"""Guard keeps secrets away from AI coding agents and out of git."""

__version__ = "0.1.0"
