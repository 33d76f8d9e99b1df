"""``guard lsp``: Guard as a language server. ``analysis`` computes diagnostics, hovers and code
actions as plain functions of a document; ``server`` wires them into pygls."""
