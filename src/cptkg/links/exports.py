"""`cptkg export`: the mappings and the project's concepts in the formats other tools load.

- sssom: every mapping set merged into one SSSOM TSV.
- fhir-conceptmap: a FHIR R4 Bundle (collection) with one ConceptMap per target terminology that has a FHIR
  system URI (SNOMED CT, ICD-10-PCS, ICD-10-CM, CMS place of service).
- fhir-codesystem: a FHIR R4 CodeSystem fragment of the project's own concepts (anatomy, vocabulary, families).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..graph.mappings import mapping_files as _mapping_files
from ..graph.mappings import read_mapping_set
from ..namespaces import ANAT, BASE, CPT, VOCAB
from ..version import RELEASE_DATE, __version__

FORMATS = ("sssom", "fhir-conceptmap", "fhir-codesystem")
CODESYSTEM_URL = "https://w3id.org/cptkg/fhir/CodeSystem/cptkg"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
# SKOS mapping predicate -> FHIR R4 ConceptMap equivalence
EQUIVALENCE = {
    "exactMatch": "equivalent",
    "closeMatch": "inexact",
    "broadMatch": "wider",
    "narrowMatch": "narrower",
    "relatedMatch": "relatedto",
}
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
    "see_also",
]


def export_sssom(root: Path | None = None) -> str:
    sets = [read_mapping_set(path) for path in _mapping_files(root)]
    curie_map: dict[str, str] = {}
    for mapping_set in sets:
        curie_map.update(mapping_set.curie_map)
    metadata = {
        "curie_map": dict(sorted(curie_map.items())),
        "mapping_set_id": "https://w3id.org/cptkg/mappings/all",
        "mapping_set_version": __version__,
        "mapping_set_title": "cptkg: every mapping set merged",
        "mapping_set_description": "All links from cptkg to other terminologies: "
        + ", ".join(s.name for s in sets)
        + ".",
        "mapping_date": RELEASE_DATE,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator_label": ["cptkg contributors"],
    }
    out = io.StringIO()
    for line in yaml.safe_dump(metadata, sort_keys=False, width=10000, allow_unicode=True).splitlines():
        out.write(f"#{line}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for mapping_set in sets:
        for row in mapping_set.rows:
            writer.writerow([row.get(column, "") for column in COLUMNS])
    return out.getvalue()


def _graph(root: Path | None) -> Any:
    from ..graph.sources import load_graph

    return load_graph(root)


def _own_code(iri: str) -> str:
    """The code of one of the project's concepts in its FHIR CodeSystem: its IRI after
    https://w3id.org/cptkg/ (anatomy/jejunum, vocab/polyp, cpt/family/44360)."""
    return iri[len(BASE) :]


def export_fhir_conceptmaps(root: Path | None = None) -> dict[str, Any]:
    from rdflib.namespace import RDF, SKOS

    from ..namespaces import CPTKG

    graph = _graph(root)
    systems = {}
    for system in graph.subjects(RDF.type, CPTKG.TargetSystem):
        fhir = graph.value(system, CPTKG.fhirSystem)
        if fhir is not None:
            systems[str(graph.value(system, CPTKG.iriBase))] = (
                str(graph.value(system, SKOS.notation)),
                str(graph.value(system, SKOS.prefLabel)),
                str(fhir),
            )
    groups: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for mapping in sorted(graph.subjects(RDF.type, CPTKG.Mapping)):
        target = str(graph.value(mapping, CPTKG.mappingObject))
        base = next((b for b in systems if target.startswith(b)), None)
        if base is None:
            continue
        notation, _label, fhir_system = systems[base]
        if fhir_system == CPT_SYSTEM:
            continue  # the BioPortal CPT IRIs name the same CPT codes: no mapping for FHIR to carry
        subject = graph.value(mapping, CPTKG.mappingSubject)
        if str(subject).startswith(str(CPT)):
            source_system, source_code = CPT_SYSTEM, str(graph.value(subject, SKOS.notation))
        elif str(subject).startswith(BASE):
            source_system, source_code = CODESYSTEM_URL, _own_code(str(subject))
        else:
            continue
        predicate = str(graph.value(mapping, CPTKG.mappingPredicate)).rsplit("#", 1)[-1]
        element: dict[str, Any] = {
            "code": source_code,
            "target": {
                "code": target[len(base) :],
                "display": str(graph.value(mapping, CPTKG.objectLabel)),
                "equivalence": EQUIVALENCE[predicate],
            },
        }
        display = graph.value(subject, SKOS.prefLabel)
        if display is not None and source_system == CODESYSTEM_URL:
            element["display"] = str(display)
        comment = graph.value(mapping, CPTKG.mappingComment)
        confidence = graph.value(mapping, CPTKG.confidence)
        notes = [str(comment)] if comment is not None else []
        if confidence is not None:
            notes.append(f"confidence {Decimal(str(confidence)).normalize()}")
        if notes:
            element["target"]["comment"] = "; ".join(notes)
        groups[notation][(source_system, fhir_system)].append(element)
    entries = []
    for notation in sorted(groups):
        label = next(v[1] for v in systems.values() if v[0] == notation)
        concept_map: dict[str, Any] = {
            "resourceType": "ConceptMap",
            "id": f"cptkg-to-{notation}",
            "url": f"https://w3id.org/cptkg/fhir/ConceptMap/cptkg-to-{notation}",
            "version": __version__,
            "name": f"CptkgTo{''.join(part.capitalize() for part in notation.split('-'))}",
            "title": f"cptkg to {label}",
            "status": "active",
            "date": RELEASE_DATE,
            "publisher": "cptkg project",
            "description": f"Links from cptkg codes and concepts to {label}, from the SSSOM mapping sets of cptkg.",
            "group": [],
        }
        for (source_system, target_system), elements in sorted(groups[notation].items()):
            merged: dict[str, dict[str, Any]] = {}
            for element in elements:
                item = merged.setdefault(
                    element["code"], {k: v for k, v in element.items() if k != "target"} | {"target": []}
                )
                item["target"].append(element["target"])
            concept_map["group"].append(
                {"source": source_system, "target": target_system, "element": [merged[k] for k in sorted(merged)]}
            )
        entries.append({"fullUrl": concept_map["url"], "resource": concept_map})
    return {"resourceType": "Bundle", "id": "cptkg-conceptmaps", "type": "collection", "entry": entries}


def export_fhir_codesystem(root: Path | None = None) -> dict[str, Any]:
    from rdflib.namespace import SKOS

    graph = _graph(root)
    concepts = []
    for subject in sorted(set(graph.subjects(SKOS.prefLabel, None))):
        iri = str(subject)
        if not (iri.startswith(str(ANAT)) or iri.startswith(str(VOCAB)) or iri.startswith(str(CPT) + "family/")):
            continue
        concept: dict[str, Any] = {"code": _own_code(iri), "display": str(graph.value(subject, SKOS.prefLabel))}
        definition = graph.value(subject, SKOS.definition)
        if definition is not None:
            concept["definition"] = str(definition)
        concepts.append(concept)
    return {
        "resourceType": "CodeSystem",
        "id": "cptkg",
        "url": CODESYSTEM_URL,
        "version": __version__,
        "name": "Cptkg",
        "title": "cptkg concepts: anatomy, methods, techniques, lesion types, code families",
        "status": "active",
        "date": RELEASE_DATE,
        "publisher": "cptkg project",
        "description": (
            "The project's own concepts, coded by their IRIs after https://w3id.org/cptkg/ (anatomy/jejunum). "
            "CPT codes are not part of this code system: use the CPT system http://www.ama-assn.org/go/cpt."
        ),
        "caseSensitive": True,
        "content": "fragment",
        "count": len(concepts),
        "concept": concepts,
    }


def export(fmt: str, root: Path | None = None) -> str:
    """The mappings (sssom, fhir-conceptmap) or the project's concepts (fhir-codesystem) as text."""
    if fmt == "sssom":
        return export_sssom(root)
    if fmt == "fhir-conceptmap":
        return json.dumps(export_fhir_conceptmaps(root), indent=2, ensure_ascii=False) + "\n"
    if fmt == "fhir-codesystem":
        return json.dumps(export_fhir_codesystem(root), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
