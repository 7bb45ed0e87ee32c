"""The single source of the package and ontology version."""

__version__ = "0.1.0"

# The date the ontology header carries; builds never use the clock, so outputs stay byte-identical.
RELEASE_DATE = "2026-11-27"
