"""Importers of the public CMS files: the physician fee schedule, HCPCS Level II, places of service."""

from ..stores.import_store import import_graph_name
from .common import ImportResult, RowError
from .hcpcs import import_hcpcs
from .output import write_file
from .pfs import import_pfs
from .pos import import_pos
from .store_writer import write_store

__all__ = [
    "ImportResult",
    "RowError",
    "import_graph_name",
    "import_hcpcs",
    "import_pfs",
    "import_pos",
    "write_file",
    "write_store",
]
