"""``kg serve``: a read-only HTTP face of a build directory.

* :func:`create_app` builds the ASGI application (Starlette): the SPARQL 1.1 Protocol endpoint ``/sparql``, the Cypher
  endpoint ``/cypher``, the named queries ``/queries``, HTML pages (home, search, entity, paper, downloads) and the
  build's IRIs resolved with content negotiation;
* :func:`serve` runs it with uvicorn, on 127.0.0.1 by default.

Usage::

    kg serve out/                                   # http://127.0.0.1:8000/
    kg build papers.jsonl -o out --base-iri http://127.0.0.1:8000/ && kg serve out   # IRIs that resolve here

    from kg.serve import create_app                 # any ASGI server
    app = create_app("out/", timeout=10, max_rows=5000)

Safe by default: loopback only, read-only (UPDATE/LOAD/SERVICE and Cypher writes refused), a time limit and a row
limit per query, request size limit (413), every text escaped, pages without any outside resource.
"""

from kg.serve.app import create_app
from kg.serve.server import serve

__all__ = ["create_app", "serve"]
