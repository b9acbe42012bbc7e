"""``kg serve``: a read-only HTTP face of a build directory.

* :func:`create_app` builds the ASGI application (Starlette): the SPARQL 1.1 Protocol endpoint ``/sparql``, the Cypher
  endpoint ``/cypher``, the named queries ``/queries``, HTML pages (home, search, entity, paper, downloads) and the
  build's IRIs resolved with content negotiation;
* :func:`serve` runs it with uvicorn, on 127.0.0.1 by default.
"""

from kg.serve.app import create_app
from kg.serve.server import serve

__all__ = ["create_app", "serve"]
