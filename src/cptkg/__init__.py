"""cptkg: a knowledge graph of US procedure billing codes, starting with CPT 44365 and its family.

>>> import cptkg
>>> card = cptkg.info("44365")
>>> card["family"]["base_code"]
'44360'
"""

from .api import build, endpoint, info, load, load_dataset, query, store_engine, upload, validate
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
