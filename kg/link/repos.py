"""Repositories (code, model, dataset and project links) and the ``HAS_CODE`` edges to them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.graph.model import Repository
from kg.link.context import PaperContext
from kg.link.relations import RelationBuilder

_TRAIL = ".,;:!?)]}>'\"\u201d\u2019"
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "sourceforge.net")


def clean_url(url: str) -> str | None:
    """The URL without trailing punctuation picked up from prose; None when it is not an http(s) URL."""
    u = (url or "").strip().rstrip(_TRAIL)
    while u.endswith(")") and u.count("(") < u.count(")"):
        u = u[:-1]
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+", u, re.I) or any(c.isspace() or ord(c) < 32 for c in u):
        return None
    try:
        if not urlsplit(u).hostname:
            return None
    except ValueError:  # "http://[a.b": not a URL whatever the prose around it says
        return None
    return u


def classify(url: str) -> tuple[str, str]:
    """``(host, kind)``: kind is code, model, dataset or project."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.strip("/").split("/")
    if host in _CODE_HOSTS:
        return host, "code"
    if host in ("huggingface.co", "hf.co"):
        if path and path[0] == "datasets":
            return host, "dataset"
        if path and path[0] in ("spaces", "papers", "blog", "collections"):
            return host, "project"
        return host, "model" if len(path) >= 2 else "project"
    if host.endswith("kaggle.com") and "datasets" in path:
        return host, "dataset"
    return host, "project"


def build_repositories(ctxs: list[PaperContext], rb: RelationBuilder) -> dict[str, Repository]:
    """One repository per URL (case and trailing slash folded), ``Paper HAS_CODE Repository`` with the sentence."""
    repos: dict[str, Repository] = {}
    for ctx in ctxs:
        urls = []
        for raw in [*ctx.paper.links, *(ctx.extraction.links if ctx.extraction else [])]:
            u = clean_url(raw)
            if u and u not in urls:
                urls.append(u)
        for u in sorted(urls):
            rid = Repository.make_id(u)
            host, kind = classify(u)
            repo = repos.get(rid)
            if repo is None:
                repo = repos[rid] = Repository(rid, u, host, kind, [])
            elif u < repo.url:
                repo.url = u
            if ctx.id not in repo.papers:
                repo.papers.append(ctx.id)
            ev = None
            for fld in ("abstract", "text", "title"):
                i = ctx.texts.get(fld, "").find(u)
                if i >= 0:
                    ev = ctx.evidence(fld, ctx.sentence_of(fld, i), "rule:link", 0.95)
                    break
            if ev is None:
                ev = ctx.evidence("abstract", (0, 0), "rule:link", 0.9)
            rb.add("HAS_CODE", ctx.id, rid, ev)
    for r in repos.values():
        r.papers.sort()
    return repos
