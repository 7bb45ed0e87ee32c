"""The SSSOM mapping sets (ontology/mappings/*.sssom.tsv): the single source of every skos:*Match link.

A set is a TSV whose leading `#` lines hold its YAML metadata (curie_map, mapping_set_id, license, dates).
The build turns each row into one skos:*Match triple and one cptkg:Mapping node that keeps the row's label,
justification, confidence, comment and sources; nothing else in the graph asserts skos:*Match.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from ..errors import BadInputError
from ..namespaces import CPTKG, all_prefixes
from ..resources import ontology_dir

MATCH_PREDICATES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "object_label", "mapping_justification", "confidence")
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license", "mapping_date", "mapping_set_version")


@dataclass
class MappingSet:
    path: Path
    metadata: dict[str, Any]
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(".sssom.tsv")

    @property
    def id(self) -> str:
        return str(self.metadata["mapping_set_id"])

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})

    def expand(self, curie: str, line: int) -> str:
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.curie_map:
            raise BadInputError(f"{self.path}:{line}: {curie!r} has no prefix in the curie_map")
        return self.curie_map[prefix] + local


def mapping_files(root: Path | None = None) -> list[Path]:
    return sorted(((root or ontology_dir()) / "mappings").glob("*.sssom.tsv"))


def read_mapping_set(path: Path) -> MappingSet:
    """Parse one SSSOM TSV; a malformed file is a BadInputError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BadInputError(f"{path}: cannot read: {err}") from None
    lines = text.splitlines()
    header = [line[1:] for line in lines if line.startswith("#")]
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    try:
        metadata = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BadInputError(f"{path}{where}: the metadata block is not valid YAML: {problem}") from None
    missing = [key for key in REQUIRED_METADATA if key not in metadata]
    if missing:
        raise BadInputError(f"{path}: the metadata lacks {', '.join(missing)}")
    mapping_set = MappingSet(path, metadata)
    reader = csv.DictReader(io.StringIO("\n".join(lines[body_start:])), delimiter="\t")
    absent = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if absent:
        raise BadInputError(f"{path}:{body_start + 1}: the header lacks the columns {', '.join(absent)}")
    for offset, row in enumerate(reader, start=body_start + 2):
        if None in row or any(value is None for value in row.values()):
            raise BadInputError(f"{path}:{offset}: the row does not have the header's columns")
        for column in REQUIRED_COLUMNS:
            if not row[column].strip():
                raise BadInputError(f"{path}:{offset}: {column} is empty")
        if row["predicate_id"] not in {f"skos:{p}" for p in MATCH_PREDICATES}:
            raise BadInputError(f"{path}:{offset}: predicate {row['predicate_id']!r} is not a skos mapping predicate")
        try:
            confidence = Decimal(row["confidence"])
        except InvalidOperation:
            raise BadInputError(f"{path}:{offset}: confidence {row['confidence']!r} is not a number") from None
        if not 0 <= confidence <= 1:
            raise BadInputError(f"{path}:{offset}: confidence {confidence} is not between 0 and 1")
        row["_line"] = str(offset)
        mapping_set.rows.append(row)
    return mapping_set


def prefix_disagreements(mapping_set: MappingSet) -> list[str]:
    """Prefixes of the set's curie_map that expand differently from the package's one prefix map."""
    shared = all_prefixes()
    return [
        f"{prefix}: {namespace} (the package says {shared.get(prefix, 'nothing')})"
        for prefix, namespace in sorted(mapping_set.curie_map.items())
        if shared.get(prefix) != namespace
    ]


def to_graph(mapping_set: MappingSet) -> Graph:
    """The set as RDF: its skos:*Match triples, a cptkg:Mapping node a row and the cptkg:MappingSet node."""
    graph = Graph()
    set_node = URIRef(mapping_set.id)
    meta = mapping_set.metadata
    graph.add((set_node, RDF.type, CPTKG.MappingSet))
    if meta.get("mapping_set_title"):
        graph.add((set_node, SKOS.prefLabel, Literal(str(meta["mapping_set_title"]), lang="en")))
    if meta.get("mapping_set_description"):
        graph.add((set_node, SKOS.definition, Literal(str(meta["mapping_set_description"]), lang="en")))
    graph.add((set_node, DCTERMS.license, URIRef(str(meta["license"]))))
    graph.add((set_node, DCTERMS.issued, Literal(str(meta["mapping_date"]), datatype=XSD.date)))
    graph.add((set_node, OWL.versionInfo, Literal(str(meta["mapping_set_version"]))))
    set_sources: set[URIRef] = set()
    for index, row in enumerate(mapping_set.rows, start=1):
        line = int(row["_line"])
        subject = URIRef(mapping_set.expand(row["subject_id"], line))
        predicate = URIRef(mapping_set.expand(row["predicate_id"], line))
        target = URIRef(mapping_set.expand(row["object_id"], line))
        graph.add((subject, predicate, target))
        node = URIRef(f"{mapping_set.id}/{index}")
        graph.add((node, RDF.type, CPTKG.Mapping))
        graph.add((node, CPTKG.inMappingSet, set_node))
        graph.add((node, CPTKG.mappingSubject, subject))
        graph.add((node, CPTKG.mappingPredicate, predicate))
        graph.add((node, CPTKG.mappingObject, target))
        graph.add((node, CPTKG.objectLabel, Literal(row["object_label"])))
        graph.add((node, CPTKG.mappingJustification, URIRef(mapping_set.expand(row["mapping_justification"], line))))
        graph.add((node, CPTKG.confidence, Literal(Decimal(row["confidence"]), datatype=XSD.decimal)))
        if row.get("comment", "").strip():
            graph.add((node, CPTKG.mappingComment, Literal(row["comment"].strip())))
        for cited in (row.get("see_also") or "").split("|"):
            if cited.strip():
                source = URIRef(mapping_set.expand(cited.strip(), line))
                graph.add((node, PROV.wasDerivedFrom, source))
                set_sources.add(source)
    for source in sorted(set_sources):
        graph.add((set_node, PROV.wasDerivedFrom, source))
    return graph


def load_mapping_graph(path: Path) -> Graph:
    return to_graph(read_mapping_set(path))
