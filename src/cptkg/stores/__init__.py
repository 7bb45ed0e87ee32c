"""Where the graph is queried: the embedded Oxigraph store (cached on disk), rdflib, the on-disk import
store, remote endpoints, and the read-only server."""
