"""A document's claims as RDF: one cptkg:SourceClaim node a claim, in the document's own named graph, with
its words, span, line and what it resolves to."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..namespaces import BASE, CPTKG, GRAPH_BASE, SRC, VOCAB
from .model import Document
from .parsing import parse
from .reading import read_document
from .resolving import LabelIndex


def to_graph(document: Document, source_iri: str | None = None) -> tuple[str, Graph]:
    """The document's claims as an rdflib Graph, and the name of the graph they belong in."""
    graph = Graph()
    source = URIRef(source_iri or (SRC + f"doc-{document.sha256[:16]}"))
    if source_iri is None:
        graph.add((source, RDF.type, CPTKG.Source))
        graph.add((source, DCTERMS.title, Literal(document.title or document.path.name)))
        graph.add((source, CPTKG.fileName, Literal(document.path.name)))
        graph.add((source, CPTKG.contentSHA256, Literal(document.sha256)))
        graph.add((source, CPTKG.sourceKind, URIRef(VOCAB + "secondary-source")))
    counters: dict[str, int] = {}
    about = URIRef(document.code_iri) if document.code_iri else None
    for claim in document.claims:
        counters[claim.kind] = counters.get(claim.kind, 0) + 1
        node = URIRef(f"{BASE}claim/{document.slug}/{claim.kind}/{counters[claim.kind]}")
        graph.add((node, RDF.type, CPTKG.SourceClaim))
        graph.add(
            (
                node,
                CPTKG.claimKind,
                URIRef(VOCAB + ("claim-vignette" if claim.kind == "vignette" else f"claim-{claim.kind}")),
            )
        )
        if about is not None:
            graph.add((node, CPTKG.claimAbout, about))
        graph.add((node, CPTKG.claimedText, Literal(claim.text)))
        if claim.value is not None:
            graph.add((node, CPTKG.claimedValue, Literal(claim.value)))
        if claim.code is not None:
            graph.add((node, CPTKG.claimedCode, Literal(claim.code)))
        if claim.meaning is not None:
            graph.add((node, CPTKG.claimedMeaning, Literal(claim.meaning)))
        if claim.when is not None:
            graph.add((node, CPTKG.claimedWhenToUse, Literal(claim.when)))
        if claim.limit is not None:
            graph.add((node, CPTKG.claimedLimit, CPTKG[claim.limit]))
        if claim.aspect is not None:
            graph.add((node, CPTKG.claimedField, Literal(claim.aspect)))
        if claim.order is not None:
            graph.add((node, CPTKG.stepNumber, Literal(claim.order, datatype=XSD.integer)))
        for iri in claim.resolved:
            graph.add((node, CPTKG.resolvedTo, URIRef(iri)))
        graph.add((node, CPTKG.sourceLine, Literal(claim.line, datatype=XSD.integer)))
        graph.add((node, CPTKG.spanStart, Literal(claim.start, datatype=XSD.integer)))
        graph.add((node, CPTKG.spanEnd, Literal(claim.end, datatype=XSD.integer)))
        graph.add((node, PROV.wasDerivedFrom, source))
    return GRAPH_BASE + f"claims/{document.slug}", graph


def known_source(curated: Graph, sha256: str) -> str | None:
    """The declared source whose content digest is this document's, if the project already cites it."""
    for source in curated.subjects(CPTKG.contentSHA256, Literal(sha256)):
        return str(source)
    return None


def ingest(path: Path, labels: LabelIndex | None = None, curated: Graph | None = None) -> tuple[Document, str, Graph]:
    """Parse one document into claims: (document, named-graph IRI, claims graph)."""
    document = parse(read_document(path), labels or LabelIndex.from_engine())
    source = known_source(curated, document.sha256) if curated is not None else None
    name, graph = to_graph(document, source)
    return document, name, graph
