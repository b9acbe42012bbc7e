"""HTML of a view: a self-contained page, or a fragment a server page can embed.

Our own Jinja template with autoescaping replaces pyvis's (which loads Bootstrap/TomSelect and vis-network from
CDNs, copies ``lib/`` into the working directory and sets tooltips with ``innerHTML``). The data travels as JSON in a
``<script type="application/json">`` element, escaped so that no text can close it (:func:`json_for_script`);
``kg-view.js`` builds every label, tooltip and menu entry with ``textContent``.

For a server (``kg serve``): put :func:`asset_tags` (or the files of :func:`asset_path`, served as static files) in the
page head once, and :func:`render_fragment` where the view goes; the fragment holds no inline code, so a strict
Content-Security-Policy (``script-src 'self'``) works when the assets are served as files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: The shipped assets, in the order a page must load them.
CSS_ASSETS = ("vis-network.min.css", "kg-view.css")
JS_ASSETS = ("vis-network.min.js", "kg-view.js")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_CLOSERS = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def asset_path(name: str) -> Path:
    """Path of a shipped asset (one of :data:`CSS_ASSETS` or :data:`JS_ASSETS`)."""
    if name not in CSS_ASSETS + JS_ASSETS:
        raise ValueError(f"Unknown view asset {name!r}; the assets are {', '.join(CSS_ASSETS + JS_ASSETS)}.")
    return ASSETS_DIR / name


@lru_cache(maxsize=None)
def asset_text(name: str) -> str:
    """Text of a shipped asset, checked to be safe to inline in a ``<script>``/``<style>`` element."""
    text = asset_path(name).read_text(encoding="utf-8")
    # an inlined file has no map next to it; the comment would only make devtools ask for one
    text = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)
    if _CLOSERS.search(text):
        raise ValueError(f"The asset {name} contains a closing tag or comment opener and cannot be inlined.")
    return text


def asset_tags() -> Markup:
    """``<style>``/``<script>`` elements inlining every asset: put them once in the ``<head>`` of a page."""
    parts = [f"<style>{asset_text(n)}</style>" for n in CSS_ASSETS]
    parts += [f"<script>{asset_text(n)}</script>" for n in JS_ASSETS]
    return Markup("\n".join(parts))


def json_for_script(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``/``\\u003e``/``\\u0026`` (so neither ``</script>`` nor ``<!--`` can
    appear), and everything outside ASCII is escaped too (U+2028/2029, and lone surrogates that UTF-8 cannot hold).
    """
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _check_dom_id(dom_id: str) -> str:
    if not _ID.match(dom_id):
        raise ValueError(f"dom_id must be a letter followed by letters, digits, '-' or '_' (got {dom_id!r}).")
    return dom_id


def render_fragment(payload: dict[str, Any], *, dom_id: str = "kg-view", height: str = "100%") -> Markup:
    """The markup of one view (container, menus and its JSON data), to place in a page that loads the assets.

    Args:
        payload: from :func:`kg.viz.payload.view_payload`.
        dom_id: id of the container element (several views per page need distinct ids).
        height: CSS height of the view, e.g. ``"600px"`` (a plain CSS length; anything else is refused).
    """
    _check_dom_id(dom_id)
    if not re.match(r"^\d{1,5}(\.\d+)?(px|%|vh|em|rem)$", height):
        raise ValueError(f"height must be a CSS length like '600px' or '100%' (got {height!r}).")
    html = _env().get_template("fragment.html.jinja").render(
        dom_id=dom_id,
        height=height,
        title=payload.get("title", ""),
        stats=payload.get("stats", {}),
        data_json=Markup(json_for_script(payload)),
    )
    return Markup(html)


@lru_cache(maxsize=1)
def page_csp() -> str:
    """Content-Security-Policy of a standalone page: only the inlined scripts run, nothing is fetched.

    Scripts are allowed by hash, so even an injected inline handler (``onerror=...``) could not run, and
    ``default-src 'none'`` stops any request (images, fetches, frames) the page might otherwise make.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(asset_text(n).encode("utf-8")).digest()).decode("ascii") + "'"
        for n in JS_ASSETS
    )
    return f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; font-src data:"


def render_html(payload: dict[str, Any], *, dom_id: str = "kg-view") -> str:
    """A complete, self-contained HTML page of one view (assets inlined; no network request)."""
    return _env().get_template("page.html.jinja").render(
        title=payload.get("title", "") or "kg view",
        csp=page_csp(),
        assets=asset_tags(),
        fragment=render_fragment(payload, dom_id=dom_id, height="100%"),
    )
