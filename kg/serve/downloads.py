"""Exports of the whole graph for download, made on first request by :func:`kg.exporting.export_graph` into the
build's cache folder (one file per graph version and format), then served as files."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import zipfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kg.errors import KGError
from kg.graph.model import stable_hash
from kg.serve.render import error_page, render_page, service_of, wants_json
from kg.serve.responses import SafeJSONResponse as JSONResponse
from kg.serve.service import GraphService

log = logging.getLogger(__name__)


DOWNLOAD_MEDIA = {
    "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml", "cypher": "text/plain; charset=utf-8",
    "graphml": "application/graphml+xml", "gexf": "application/gexf+xml", "neo4j-csv": "application/zip",
}
_export_locks: dict[str, asyncio.Lock] = {}


def _formats() -> dict[str, str]:
    from kg.exporting import PG_FORMATS, RDF_FORMATS

    return {**RDF_FORMATS, **PG_FORMATS}


async def downloads(request: Request) -> Response:
    fmts = _formats()
    items = [{"fmt": f, "ext": ("zip" if f == "neo4j-csv" else ext), "url": f"/downloads/{f}",
              "media": DOWNLOAD_MEDIA.get(f, "application/octet-stream")} for f, ext in fmts.items()]
    if wants_json(request):
        return JSONResponse({"downloads": items})
    return render_page(request, "downloads.html", title="Downloads", items=items)


def _cache_dir(svc: GraphService) -> Path:
    want = svc.config.cache_dir or (svc.build_dir / "cache" / "exports")
    try:
        want.mkdir(parents=True, exist_ok=True)
        probe = want / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
        return want
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"kg-serve-exports-{abs(hash(str(svc.build_dir.resolve())))}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


async def download_file(request: Request) -> Response:
    """An export of the build, generated once per graph version into the cache folder, then served as a file."""
    svc = service_of(request)
    fmt = request.path_params["fmt"]
    fmts = _formats()
    if fmt not in fmts:
        return error_page(request, 404, "Unknown format", f"There is no export format {fmt!r}. Formats: {', '.join(fmts)}.")
    idx = svc.index()
    # one export per graph version: the content hash and the swapped-in graph folder both name it
    tag = stable_hash(str(idx.graph.meta.get("content_hash") or ""), idx.version)
    name = svc.build_dir.resolve().name
    ext = "zip" if fmt == "neo4j-csv" else fmts[fmt]
    cache = _cache_dir(svc)
    final = cache / f"{name}-{tag}.{ext}"
    lock = _export_locks.setdefault(fmt, asyncio.Lock())
    async with lock:
        if not final.exists():
            try:
                await asyncio.to_thread(_export_to, svc.build_dir, fmt, final)
            except (KGError, OSError, ImportError) as exc:
                log.warning("export %s failed: %s", fmt, exc)
                return error_page(request, 503, "Export unavailable", f"The {fmt} export cannot be made: {exc}")
            for old in cache.glob(f"{name}-*.{ext}"):  # exports of earlier graph versions
                if old != final:
                    old.unlink(missing_ok=True)
    return FileResponse(final, media_type=DOWNLOAD_MEDIA.get(fmt, "application/octet-stream"),
                        filename=f"{name}.{ext}")


def _export_to(build_dir: Path, fmt: str, final: Path) -> None:
    from kg.exporting import export_graph

    work = Path(tempfile.mkdtemp(prefix=".export-", dir=final.parent))
    try:
        if fmt == "neo4j-csv":
            folder = export_graph(build_dir, fmt, work / "bundle")
            tmp_zip = work / "bundle.zip"
            with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for f in sorted(Path(folder).rglob("*")):
                    if f.is_file():
                        zf.write(f, f.relative_to(folder).as_posix())
            tmp_zip.replace(final)
        else:
            out = export_graph(build_dir, fmt, work / final.name)
            Path(out).replace(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
