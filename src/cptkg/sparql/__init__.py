"""SPARQL text: engine-neutral RDF terms, parameters bound as VALUES blocks, and query rewriting."""
