"""Running the app: :func:`serve` starts uvicorn on loopback by default."""

from __future__ import annotations

import ipaddress
import logging
import os
from typing import Any

from kg.errors import KGError

log = logging.getLogger(__name__)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def uvicorn_config(app: Any, host: str, port: int, max_request_bytes: int, log_level: str = "info") -> Any:
    """A uvicorn config for ``app``; h11's header buffer is sized so that our own 413 answers long URLs."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        http="h11",
        # Let URLs up to twice the limit reach the app, which answers 413 with a reason; longer ones still get
        # h11's plain 400, so a hostile client can never make the server buffer more than this.
        h11_max_incomplete_event_size=max(64 * 1024, 2 * max_request_bytes + 16 * 1024),
        server_header=False,
        limit_concurrency=128,  # connections beyond this get 503 instead of piling up on two cores
        proxy_headers=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )


def serve(
    build_dir: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    base_iri: str | None = None,
    timeout: float = 30.0,
    max_rows: int = 10_000,
    max_request_bytes: int = 1_000_000,
    cors_origins: list[str] | None = None,
    log_level: str = "info",
) -> None:
    """Serve ``build_dir`` over HTTP until interrupted (see :func:`kg.serve.create_app` for the options).

    Binds 127.0.0.1 unless told otherwise; binding another address is logged as a warning, since the endpoint then
    answers anyone who can reach the machine.

    Raises:
        BuildDirError: ``build_dir`` holds no graph.
        KGError: the port cannot be bound.
    """
    import uvicorn

    from kg.serve.app import create_app

    app = create_app(build_dir, base_iri=base_iri, timeout=timeout, max_rows=max_rows,
                     max_request_bytes=max_request_bytes, cors_origins=cors_origins)
    if not _is_loopback(host):
        log.warning("kg serve listens on %s: anyone who can reach this address can query the graph (read-only).", host)
    server = uvicorn.Server(uvicorn_config(app, host, port, max_request_bytes, log_level))
    try:
        server.run()
    except OSError as exc:
        raise KGError(f"Cannot listen on {host}:{port}: {exc}. Choose another --port or stop what uses it.") from exc
    except SystemExit as exc:  # uvicorn exits when it cannot bind; say why in kg's words
        if server.started:
            raise
        raise KGError(
            f"Cannot listen on {host}:{port}: the address is in use or not allowed. Choose another --port, or stop "
            "the program that holds it."
        ) from exc
