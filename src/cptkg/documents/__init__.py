"""Code-overview documents: reading, the document model, the parsers, resolving names against the graph,
claims as RDF, and the audit of claims."""
