"""Asking the graph: the query catalogue, parameters as people type them, running and rendering answers,
and the code card."""
