"""Reading canonical entities back: ``kg entities``, ``kg explain-entity`` and the duplicates check."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz, process

from kg.errors import InputError
from kg.graph.model import ENTITY_TYPES, Entity, KnowledgeGraph
from kg.link.canonical import looks_like_abbreviation
from kg.link.normalize import match_key


def list_entities(graph: KnowledgeGraph, type_: str | None = None) -> list[dict[str, Any]]:
    """Canonical entities as ``{"id", "type", "name", "aliases", "papers"}``, most-cited first.

    Args:
        graph: the graph.
        type_: keep one entity type (case-insensitive: ``model``, ``Dataset``, ...).

    Raises:
        InputError: ``type_`` is not an entity type.
    """
    wanted = None
    if type_:
        match = [t for t in ENTITY_TYPES if t.lower() == type_.strip().lower()]
        if not match:
            raise InputError(f"Unknown entity type {type_!r}: use one of {', '.join(ENTITY_TYPES)}.")
        wanted = match[0]
    ents = [e for e in graph.entities.values() if wanted is None or e.type == wanted]
    ents.sort(key=lambda e: (-len(e.papers), -e.mentions, e.id))
    return [{"id": e.id, "type": e.type, "name": e.name, "aliases": list(e.aliases), "papers": len(e.papers)} for e in ents]


def _lookup(graph: KnowledgeGraph, name: str) -> list[Entity]:
    found = graph.find_entities(name)
    if found:
        return sorted(found, key=lambda e: e.id)
    keys = {t: match_key(name, t) for t in ENTITY_TYPES}
    out = []
    for e in graph.entities.values():
        k = keys[e.type]
        if k and any(match_key(s, e.type) == k for s in [e.name, *e.aliases]):
            out.append(e)
    return sorted(out, key=lambda e: e.id)


def explain_entity(graph: KnowledgeGraph, name: str) -> list[dict[str, Any]]:
    """Every entity ``name`` resolves to, with the surface forms that merged into it and why.

    Args:
        graph: the graph.
        name: an entity id, name, alias or any spelling with the same normalised key.

    Returns:
        One dict per entity: id, type, name, aliases, papers, mentions, ``merges`` (surface, key, rule, detail,
        mentions) and its ``VARIANT_OF`` neighbours.

    Raises:
        InputError: nothing matches; the message suggests the closest names.
    """
    ents = _lookup(graph, name)
    if not ents:
        names = sorted({e.name for e in graph.entities.values()})
        close = [n for n, _s, _i in process.extract(name, names, scorer=fuzz.WRatio, limit=5)] if names else []
        hint = f" Closest names: {', '.join(close)}." if close else " The graph has no entities."
        raise InputError(f"No entity is named {name!r} (by id, name, alias or normalised spelling).{hint}")
    out = []
    for e in ents:
        variants_of = sorted(r.target for r in graph.relations.values() if r.type == "VARIANT_OF" and r.source == e.id)
        variants = sorted(r.source for r in graph.relations.values() if r.type == "VARIANT_OF" and r.target == e.id)
        out.append(
            {
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "aliases": list(e.aliases),
                "papers": len(e.papers),
                "mentions": e.mentions,
                "merges": list(e.merges),
                "variant_of": variants_of,
                "variants": variants,
            }
        )
    return out


def format_explanation(items: list[dict[str, Any]]) -> str:
    """Plain-text rendering of :func:`explain_entity` for the terminal."""
    lines = []
    for it in items:
        lines.append(f"{it['id']}  [{it['type']}]  {it['name']!r}  ({it['papers']} papers, {it['mentions']} mentions)")
        for mg in it["merges"]:
            lines.append(f"  {mg['surface']!r:<40} x{mg['mentions']:<4} {mg['rule']}: {mg['detail']}")
        if it["variant_of"]:
            lines.append(f"  variant of: {', '.join(it['variant_of'])}")
        if it["variants"]:
            lines.append(f"  variants: {', '.join(it['variants'])}")
    return "\n".join(lines)


# -- duplicates check -----------------------------------------------------------------------------
def _loose(s: str) -> str:
    """Case, hyphenation and spacing folded, possessive dropped (deliberately simpler than ``match_key``)."""
    s = re.sub(r"['\u2019]s\b", "", s.casefold())
    return re.sub(r"[\s\-_\u2010-\u2015]+", "", s)


def find_duplicates(graph: KnowledgeGraph) -> list[dict[str, Any]]:
    """Pairs of same-type entities whose names differ only by case, hyphenation, a plural ``s`` or a defined
    abbreviation; an empty list is a clean graph.

    Abbreviations count as defined where a paper writes ``long form (SHORT)`` over two mentions, the pair passes
    the Schwartz-Hearst check, and every such definition of that short form in the corpus agrees (an ambiguous short
    form such as MIM is not a duplicate).
    """
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    forms: dict[str, list[str]] = {}
    for e in graph.entities.values():
        # short forms are compared through their definitions below: one short form may name two things
        shorts = {mg["surface"] for mg in e.merges if mg.get("rule") == "abbreviation" and " " not in mg["surface"] and len(mg["surface"]) <= 12}
        forms[e.id] = [s for s in [e.name, *e.aliases] if s not in shorts]
        for s in forms[e.id]:
            k = _loose(s)
            if k:
                index[(e.type, k)].add(e.id)
    pairs: dict[tuple[str, str], str] = {}

    def flag(a: str, b: str, why: str) -> None:
        if a != b:
            pairs.setdefault(tuple(sorted((a, b))), why)  # type: ignore[arg-type]

    for (type_, k), ids in sorted(index.items()):
        ids_sorted = sorted(ids)
        for b in ids_sorted[1:]:
            flag(ids_sorted[0], b, f"same spelling up to case/hyphenation: {k!r}")
    for e in graph.entities.values():
        for s in forms[e.id]:
            # a plural is a lower-case "s" glued to a word ("GANs", "networks"), not a size suffix ("RaftMLP-S")
            if not re.search(r"[A-Za-z]s$", s):
                continue
            k = _loose(s)
            for sing in (k[:-1], k[:-2] if k.endswith("es") else None):
                for b in index.get((e.type, sing), ()) if sing else ():
                    flag(e.id, b, f"plural: {s!r} / {sing!r}")

    # defined abbreviations: "long (SHORT)" over two adjacent mentions of one paper
    by_paper: dict[tuple[str, str], list] = defaultdict(list)
    for m in graph.mentions:
        if m.entity:
            by_paper[(m.paper, m.field)].append(m)
    defs: dict[str, set[str]] = defaultdict(set)
    found = []
    for (pid, fld), ms in by_paper.items():
        paper = graph.papers.get(pid)
        if paper is None:
            continue
        text = paper.field_text(fld) or ""
        ms.sort(key=lambda m: (m.start, m.end))
        for a, b in zip(ms, ms[1:]):
            if (
                text[a.end : b.start].strip() == "("
                and text[b.end : b.end + 1] == ")"
                and len(b.text) < len(a.text)
                and looks_like_abbreviation(b.text, a.text)
            ):
                defs[_loose(b.text).rstrip("s")].add(_loose(a.text).rstrip("s"))
                found.append((a, b))
    for a, b in found:
        ea, eb = graph.entities.get(a.entity), graph.entities.get(b.entity)
        if ea and eb and ea.type == eb.type and ea.id != eb.id and len(defs[_loose(b.text).rstrip("s")]) == 1:
            flag(ea.id, eb.id, f"defined abbreviation in {a.paper}: {b.text} = {a.text!r}")
    return [{"a": a, "b": b, "why": why} for (a, b), why in sorted(pairs.items())]
