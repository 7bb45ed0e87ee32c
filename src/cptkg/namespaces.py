"""Namespaces and the one prefix map shared by the whole package (Turtle, SPARQL, SSSOM, JSON-LD)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/cptkg/"

CPTKG = Namespace(BASE + "ontology#")
CPT = Namespace(BASE + "cpt/")
HCPCS = Namespace(BASE + "hcpcs/")
MOD = Namespace(BASE + "modifier/")
POS = Namespace(BASE + "pos/")
ANAT = Namespace(BASE + "anatomy/")
VOCAB = Namespace(BASE + "vocab/")
PAYER = Namespace(BASE + "payer/")
SRC = Namespace(BASE + "source/")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_IRI = BASE + "ontology"
GRAPH_BASE = BASE + "graph/"

# Project prefixes first, then the standard vocabularies. Order is the order of every prefix block we write.
PREFIXES: dict[str, str] = {
    "cptkg": str(CPTKG),
    "cpt": str(CPT),
    "hcpcs": str(HCPCS),
    "mod": str(MOD),
    "pos": str(POS),
    "anat": str(ANAT),
    "vocab": str(VOCAB),
    "payer": str(PAYER),
    "src": str(SRC),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "vann": str(VANN),
    "xsd": str(XSD),
}


# Prefixes of the terminologies the mapping sets link to (SSSOM curie_map entries), and of the SSSOM vocabulary.
# Every mapping set's curie_map must agree with PREFIXES and these (a test checks).
MAPPING_PREFIXES: dict[str, str] = {
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "FMA": "http://purl.org/sig/ont/fma/fma",
    "SCTID": "http://snomed.info/id/",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "ICD10PCS": "http://purl.bioontology.org/ontology/ICD10PCS/",
    "ICD10CM": "http://purl.bioontology.org/ontology/ICD10CM/",
    "CPT": "http://purl.bioontology.org/ontology/CPT/",
    "HCPCS": "http://purl.bioontology.org/ontology/HCPCS/",
    "CMSPOS": "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set#",
    "semapv": "https://w3id.org/semapv/vocab/",
}


def all_prefixes() -> dict[str, str]:
    """The package's prefixes and the mapping targets' prefixes: the one map every CURIE expands through."""
    return {**PREFIXES, **MAPPING_PREFIXES}


def sparql_prefix_block(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX declarations for a SPARQL query, one a line."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or PREFIXES).items())


def turtle_prefix_block(prefixes: dict[str, str] | None = None) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (prefixes or PREFIXES).items())


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """The CURIE of an IRI when a prefix covers it and the rest is a safe local name, else the IRI."""
    best = ""
    best_prefix = ""
    for prefix, ns in (prefixes or PREFIXES).items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        local = iri[len(best) :]
        # a Turtle local name: no "-" or "." first, no "." last
        if local and all(c.isalnum() or c in "-_." for c in local) and local[0] not in "-." and local[-1] != ".":
            return f"{best_prefix}:{local}"
    return iri


def expand(curie: str, prefixes: dict[str, str] | None = None) -> str:
    """The IRI of a CURIE with a known prefix; anything else is returned unchanged."""
    prefix, sep, local = curie.partition(":")
    table = prefixes or PREFIXES
    if sep and prefix in table and not local.startswith("//"):
        return table[prefix] + local
    return curie
