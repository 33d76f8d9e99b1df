"""``guard sweep``: which secrets assistants have already seen, and where copies of them are now.

Assistants keep what they saw: full transcripts with every tool's output in their home folders,
commands approved "always" in settings files, prompt histories; Aider writes its chat into the
repository itself; shells keep what was typed. The sweep reads those stores:

- ``stores``: where each client keeps what, one small function per client, each verified against
  what the real client writes (see each function) or marked unverified and read as text;
- ``search``: the secrets in one store, by its format (JSON lines, JSON, text), without a value
  ever leaving memory; ``database``: the same for SQLite stores (Codex CLI's);
- ``known``: the values of the user's own sensitive files today (the redactor's known values),
  to say which file still holds a secret an assistant saw;
- ``result``: secrets grouped by fingerprint across stores, and the "rotate these" list;
- ``report``: text, JSON and SARIF; ``scrub``: each secret replaced by its typed placeholder, in
  place, the store's format kept valid; ``procs``: whether a client is running.
"""
