"""Each source file's graph on its own: N-Quads for bulk loaders, N-Triples payloads for the Graph Store
Protocol."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from .serialize import canonical, ntriples_lines, to_nquads
from .sources import list_sources, load_dataset


def export_nquads(root: Path | None = None) -> str:
    dataset = load_dataset(root)
    named = {s.graph: dataset.graph(URIRef(s.graph)) for s in list_sources(root)}
    return to_nquads(named)


def named_graph_ntriples(root: Path | None = None) -> tuple[dict[str, bytes], dict[str, int]]:
    """Each source file's graph as N-Triples (canonical blank nodes, sorted), with its number of triples."""
    dataset = load_dataset(root)
    payloads, counts = {}, {}
    for index, source in enumerate(list_sources(root)):
        lines = ntriples_lines(canonical(dataset.graph(URIRef(source.graph)), bnode_prefix=f"g{index}"))
        payloads[source.graph] = "".join(line + "\n" for line in lines).encode("utf-8")
        counts[source.graph] = len(lines)
    return payloads, counts
