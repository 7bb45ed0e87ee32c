"""cptkg: a knowledge graph of US procedure billing codes, starting with CPT 44365 and its family.

>>> import cptkg
>>> card = cptkg.info("44365")
>>> card["family"]["base_code"]
'44360'
"""

# The subpackage cptkg.query (the catalogue, parameters, the code card) shares its name with the function
# cptkg.query: import the subpackage first, so that the function binding below is the one that stays and no
# later import of a cptkg.query module replaces it.
from . import query
from .api import build, endpoint, info, load, load_dataset, query, store_engine, upload, validate  # type: ignore[no-redef]  # noqa: F811
from .errors import BadInputError, CptkgError, EnvironmentProblem, SourceSyntaxError, UnknownCodeError
from .version import __version__

__all__ = [
    "BadInputError",
    "CptkgError",
    "EnvironmentProblem",
    "SourceSyntaxError",
    "UnknownCodeError",
    "__version__",
    "build",
    "endpoint",
    "info",
    "load",
    "load_dataset",
    "query",
    "store_engine",
    "upload",
    "validate",
]
