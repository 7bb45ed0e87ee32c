"""SHACL validation: the shape sets, the data, the report model, the engines (bulk, plain pyshacl,
Jena for cross-checks) and reports for people."""
