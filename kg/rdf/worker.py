"""The process that runs SPARQL for :mod:`kg.rdf.query`, so that a query over its time limit can really be stopped.

pyoxigraph has no way to cancel a running query from another thread, so queries with a time limit run here, in a
child process that holds the store open read-only; the parent kills the child when the limit passes. Kept free of
heavy imports so that it starts fast.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import time
from typing import Any


def execute(store: Any, op: str, text: str, max_rows: int | None, prefixes: dict[str, str] | None) -> dict[str, Any]:
    """Run ``text`` on ``store``; return a picklable result dict (see :class:`kg.rdf.results.SparqlResult`)."""
    from pyoxigraph import QueryBoolean, QuerySolutions

    from kg.rdf.results import term_from_oxigraph

    t0 = time.perf_counter()
    if op == "update":
        store.update(text, prefixes=prefixes)
        return {"kind": "update", "vars": [], "terms": [], "elapsed": time.perf_counter() - t0}
    res = store.query(text, prefixes=prefixes)
    out: dict[str, Any] = {"truncated": False}
    if isinstance(res, QueryBoolean):
        out.update(kind="ask", vars=[], terms=[], boolean=bool(res))
    elif isinstance(res, QuerySolutions):
        names = [v.value for v in res.variables]
        rows = []
        for sol in res:
            if max_rows is not None and len(rows) >= max_rows:
                out["truncated"] = True
                break
            rows.append([term_from_oxigraph(sol[i]) for i in range(len(names))])
        out.update(kind="select", vars=names, terms=rows)
    else:
        rows = []
        for tr in res:
            if max_rows is not None and len(rows) >= max_rows:
                out["truncated"] = True
                break
            rows.append([term_from_oxigraph(tr.subject), term_from_oxigraph(tr.predicate), term_from_oxigraph(tr.object)])
        out.update(kind="graph", vars=["subject", "predicate", "object"], terms=rows)
    out["elapsed"] = time.perf_counter() - t0
    return out


def _send(out: Any, msg: Any) -> None:
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack("!Q", len(data)) + data)
    out.flush()


def _read_exact(inp: Any, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = inp.read(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def worker_main(path: str, read_only: bool) -> None:
    """Serve ``(op, text, max_rows, prefixes)`` requests framed on stdin until ``None`` arrives or stdin closes.

    Replies are length-prefixed pickles on the original stdout; stdout itself is pointed at stderr so that nothing
    a library prints can corrupt the replies.
    """
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    try:
        from pyoxigraph import Store

        store = Store.read_only(path) if read_only else Store(path)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises a StoreError
        _send(out, ("error", type(exc).__name__, str(exc)))
        return
    _send(out, ("ready",))
    while True:
        try:
            (n,) = struct.unpack("!Q", _read_exact(inp, 8))
            msg = pickle.loads(_read_exact(inp, n))
        except EOFError:
            return
        if msg is None:
            return
        try:
            reply = ("ok", execute(store, *msg))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent as data
            reply = ("error", type(exc).__name__, str(exc))
        _send(out, reply)


if __name__ == "__main__":
    worker_main(sys.argv[1], sys.argv[2] == "ro")
