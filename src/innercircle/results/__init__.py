"""Results: what the commands, the report, the dashboard and the library read.

- :mod:`.audit`: the :class:`~innercircle.results.audit.Audit`, built once per command (owner, as-of,
  window, follower table, Network); every other result reads it instead of resolving the owner or
  the window again;
- :mod:`.tiers`: the registry of tiers and their definitions;
- :mod:`.changes`: new and lost followers and tier moves between snapshots;
- :mod:`.forecast`: how many will answer a request for help, and its back-test;
- :mod:`.simulate`: how far a post travels, and committed versus random followers.
"""
