"""Read-only SPARQL over the store of a build directory, with parameters, a time limit and a row limit.

Safety, in layers:

* the text is classified before it runs (:mod:`kg.rdf.sparql_text`): updates (INSERT, DELETE, LOAD, CLEAR, ...)
  and federated ``SERVICE`` calls are refused unless ``allow_update=True``. pyoxigraph *does* send HTTP requests
  for ``SERVICE``, so this check is what keeps queries off the network;
* queries run on a store opened read-only, which cannot write even if a check were bypassed;
* ``FROM``/``FROM NAMED`` only select graphs inside the store: pyoxigraph never dereferences them, so
  ``FROM <file:///etc/passwd>`` or ``FROM <http://…>`` reads nothing (tests check both);
* parameters are bound as RDF terms in a ``VALUES`` block, never pasted into the text as raw strings;
* with a ``timeout`` the query runs in a worker process (kept warm between calls, one per store) that is killed
  when the limit passes, since pyoxigraph cannot cancel a query in-process.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from kg.errors import QueryError, QueryRefusedError, QueryTimeoutError, StoreError
from kg.named_queries import NamedQuery
from kg.rdf.results import SparqlResult
from kg.rdf.sparql_text import UPDATE_FORMS, bind_params, check_read_only
from kg.rdf.store import store_path

log = logging.getLogger(__name__)

_START_TIMEOUT = 120.0  # seconds a worker may take to start and open the store (not counted in query time)


def _prefixes() -> dict[str, str]:
    from kg.rdf.vocab import PREFIXES

    return dict(PREFIXES)


class _Worker:
    """A child process (``python -m kg.rdf.worker``) holding one store open; runs one query at a time.

    A plain subprocess rather than :mod:`multiprocessing`, which would re-import the caller's main script.
    """

    def __init__(self, path: Path, read_only: bool = True) -> None:
        self.path = path
        self.stamp = _stamp(path)
        self.lock = threading.Lock()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.rdf.worker", str(path), "ro" if read_only else "rw"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0,
        )
        msg = self._recv(_START_TIMEOUT)
        if msg is None:
            self.kill()
            raise StoreError(f"The SPARQL worker for {path} did not start within {_START_TIMEOUT:.0f} s.")
        if msg[0] != "ready":
            self.kill()
            raise StoreError(f"Cannot open the SPARQL store {path}: {msg[2]} ({msg[1]}).")

    def _send(self, msg: Any) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.proc.stdin is not None
        self.proc.stdin.write(struct.pack("!Q", len(data)) + data)
        self.proc.stdin.flush()

    def _recv(self, timeout: float | None) -> Any:
        """The next reply, or None when ``timeout`` passes first. Raises EOFError when the worker is gone."""
        out = self.proc.stdout
        assert out is not None
        ready, _, _ = select.select([out], [], [], timeout)
        if not ready:
            return None
        (n,) = struct.unpack("!Q", self._read_exact(8))
        return pickle.loads(self._read_exact(n))

    def _read_exact(self, n: int) -> bytes:
        # unbuffered pipe: nothing can sit in a Python-side buffer where select() would not see it
        buf = bytearray()
        while len(buf) < n:
            chunk = self.proc.stdout.read(n - len(buf))  # type: ignore[union-attr]
            if not chunk:
                raise EOFError
            buf += chunk
        return bytes(buf)

    def run(self, op: str, text: str, max_rows: int | None, timeout: float | None) -> dict[str, Any]:
        try:
            self._send((op, text, max_rows, _prefixes()))
            msg = self._recv(timeout)
        except (EOFError, OSError) as exc:
            self.kill()
            raise StoreError(f"The SPARQL worker for {self.path} died while running the query.") from exc
        if msg is None:
            self.kill()
            raise QueryTimeoutError(
                f"The query ran longer than its time limit of {timeout:g} s and was stopped. "
                "Narrow it (filters, LIMIT) or raise the limit with --timeout."
            )
        if msg[0] == "ok":
            return msg[1]
        raise _engine_error(msg[1], msg[2])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for fh in (self.proc.stdin, self.proc.stdout):
            try:
                if fh is not None:
                    fh.close()
            except OSError:
                pass

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self._send(None)
                self.proc.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


_WORKERS: "OrderedDict[str, _Worker]" = OrderedDict()  # least recently used first
_WORKERS_LOCK = threading.Lock()
MAX_WORKERS = 4  #: idle worker processes kept at most (one per store); the least recently used is stopped


def _stamp(path: Path) -> tuple[int, int]:
    # write_store renames a fresh folder into place, so a rebuilt store has a new inode
    st = path.stat()
    return (st.st_dev, st.st_ino)


def _worker_for(path: Path) -> _Worker:
    key = str(path.resolve())
    with _WORKERS_LOCK:
        w = _WORKERS.get(key)
        if w is not None and (not w.alive() or w.stamp != _stamp(path)):
            # the store was rebuilt (a read-only instance keeps seeing the old one) or the worker died
            w.close()
            w = None
        if w is None:
            w = _WORKERS[key] = _Worker(path)
            while len(_WORKERS) > MAX_WORKERS:
                _, old = _WORKERS.popitem(last=False)
                if old.lock.acquire(blocking=False):  # never stop a worker that is answering a query
                    old.lock.release()
                    old.close()
        _WORKERS.move_to_end(key)
        return w


def close_workers() -> None:
    """Stop every SPARQL worker process of this process (they also stop when it exits)."""
    with _WORKERS_LOCK:
        for w in _WORKERS.values():
            w.close()
        _WORKERS.clear()


atexit.register(close_workers)


def _engine_error(name: str, message: str) -> QueryError:
    if name == "SyntaxError":
        return QueryError(f"The SPARQL query is malformed: {message}. Check it against the SPARQL 1.1 grammar.")
    return QueryError(f"The SPARQL engine could not answer the query: {message} ({name}).")


def sparql(
    build_dir: str | os.PathLike[str],
    query: str,
    params: dict[str, Any] | None = None,
    timeout: float | None = 30.0,
    allow_update: bool = False,
    *,
    max_rows: int | None = None,
) -> SparqlResult:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the store of ``build_dir``.

    The usual prefixes (``mlkg:``, ``skos:``, ``dcterms:``, ``prov:``, ``schema:``, ...) are predeclared.

    Args:
        build_dir: a build directory with a SPARQL store (``DIR/rdf/``).
        query: the query text.
        params: values for variables of the query, bound as RDF terms in a ``VALUES`` block (str -> literal,
            int -> xsd:integer, float -> xsd:double, bool -> xsd:boolean, pyoxigraph/rdflib terms as they are).
        timeout: seconds before the query is stopped (it runs in a worker process); ``None`` runs it in this
            process with no limit.
        allow_update: allow SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) and ``SERVICE`` calls.
        max_rows: stop after this many rows (``truncated`` is set on the result).

    Returns:
        A :class:`SparqlResult`.

    Raises:
        QueryRefusedError: an update or SERVICE call without ``allow_update``.
        QueryTimeoutError: the query ran longer than ``timeout``.
        QueryError: the query is malformed or a parameter does not fit it.
        StoreError: the build directory has no store.
    """
    kind = check_read_only(query, allow_update)
    text = bind_params(query, params) if params else query
    path = store_path(build_dir)
    if not path.is_dir():
        from kg.rdf.store import open_store

        open_store(build_dir)  # raises the StoreError explaining how to build the store
    op = "update" if kind in UPDATE_FORMS else "query"
    if op == "update":
        data = _run_update(path, text, timeout)
    elif timeout is None:
        data = _run_in_process(path, text, max_rows)
    else:
        if timeout <= 0:
            raise QueryError(f"The time limit must be positive, got {timeout!r}.")
        w = _worker_for(path)
        with w.lock:
            data = w.run(op, text, max_rows, timeout)
    return SparqlResult(**data)


def _run_in_process(path: Path, text: str, max_rows: int | None) -> dict[str, Any]:
    from pyoxigraph import Store

    from kg.rdf.worker import execute

    try:
        store = Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"Cannot open the SPARQL store {path}: {exc}.") from exc
    try:
        return execute(store, "query", text, max_rows, _prefixes())
    except SyntaxError as exc:
        raise _engine_error("SyntaxError", str(exc)) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise _engine_error(type(exc).__name__, str(exc)) from exc


def _run_update(path: Path, text: str, timeout: float | None) -> dict[str, Any]:
    # Read-only workers keep the snapshot they opened: drop this process's reader so the next query sees the
    # change (readers in other processes keep the old view until they restart).
    with _WORKERS_LOCK:
        w = _WORKERS.pop(str(path.resolve()), None)
    if w is not None:
        w.close()
    writer = _Worker(path, read_only=False)
    try:
        return writer.run("update", text, None, timeout)
    finally:
        writer.close()


def run_named_query(
    build_dir: str | os.PathLike[str],
    name: str,
    params: dict[str, Any] | None = None,
    timeout: float | None = 30.0,
    *,
    max_rows: int | None = None,
    precomputed: bool = True,
) -> SparqlResult:
    """Run the named query ``queries/NAME.rq`` with its defaults updated by ``params`` (coerced to their types).

    With ``precomputed`` (the default) a page the store holds precomputed rows for is read from them
    (:mod:`kg.rdf.precomputed`); ``precomputed=False`` always runs the query as written.

    Raises:
        QueryError: no such query, or a parameter it does not have (the messages list the valid ones).
    """
    from kg.named_queries import get_named_query

    q = get_named_query(name, "sparql")
    text, values = named_query_text(build_dir, q, q.bind(params), precomputed=precomputed)
    return sparql(build_dir, text, values, timeout=timeout, max_rows=max_rows)


def named_query_text(
    build_dir: str | os.PathLike[str], query: NamedQuery, values: dict[str, Any], *, precomputed: bool = True
) -> tuple[str, dict[str, Any] | None]:
    """The SPARQL text and parameters that answer the named SPARQL query ``query`` with bound ``values``.

    That is the page query over the store's precomputed rows when they answer it (:func:`kg.rdf.precomputed.plan`;
    it takes no parameters), otherwise the named query's own text with ``values``.
    """
    from kg.rdf.precomputed import plan

    fast = plan(build_dir, query, values) if precomputed else None
    if fast is not None:
        log.debug("named query %s answered from its precomputed rows", query.name)
        return fast, None
    return query.text, values


__all__ = ["SparqlResult", "close_workers", "named_query_text", "run_named_query", "sparql", "QueryRefusedError"]
