"""The property-graph face of the knowledge graph: an embedded LadybugDB store queried with Cypher, a Neo4j/FalkorDB
writer and property-graph exports (neo4j-admin CSV, cypher-shell script, GraphML, GEXF).

Public functions:

* :func:`write_store` (``kg build``), :func:`cypher`, :func:`cypher_with_columns`, :func:`run_named` (``kg cypher``);
* :func:`render` and friends (table/json/csv);
* :func:`push` (``kg push``);
* :func:`export_property_graph` (``kg export --format neo4j-csv|cypher|graphml|gexf``).
"""

from kg.cypher.export import PG_EXPORT_FORMATS, export_property_graph
from kg.cypher.push import PushSummary, push
from kg.cypher.render import render, render_csv, render_json, render_table
from kg.cypher.store import check_read_only, cypher, cypher_with_columns, db_path, run_named, write_store

__all__ = [
    "PG_EXPORT_FORMATS",
    "PushSummary",
    "check_read_only",
    "cypher",
    "cypher_with_columns",
    "db_path",
    "export_property_graph",
    "push",
    "render",
    "render_csv",
    "render_json",
    "render_table",
    "run_named",
    "write_store",
]
