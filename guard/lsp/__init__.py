"""``guard lsp``: Guard as a language server. ``diagnostics`` computes what to publish for a
document and ``actions`` its hovers, code actions and commands, as plain functions of the
document; ``server`` wires them into pygls."""
