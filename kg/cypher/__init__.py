"""The property-graph face of the knowledge graph: an embedded LadybugDB store queried with Cypher, a Neo4j/FalkorDB
writer and property-graph exports (neo4j-admin CSV, cypher-shell script, GraphML, GEXF)."""

from kg.cypher.store import cypher, db_path, write_store

__all__ = ["cypher", "db_path", "write_store"]
