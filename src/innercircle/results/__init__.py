"""Results: what the commands, the report, the dashboard and the library read.

The :class:`~innercircle.results.audit.Audit` is built once per command (owner, as-of, window,
follower table, Network) and every other result (changes, forecast, simulation, advice, ranking)
reads it instead of resolving the owner or the window again.
"""
