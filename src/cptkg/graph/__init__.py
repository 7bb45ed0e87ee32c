"""The graph itself: reading RDF files and the sources, mapping sets, reasoning, the build and its
serialisations, the model diagram."""
