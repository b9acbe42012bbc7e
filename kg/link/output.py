"""What ``kg extract`` adds to its JSONL from linking: canonical ids per mention and results per paper."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kg.extract.document import PaperExtraction
from kg.graph.model import FIELDS, KnowledgeGraph, Paper
from kg.link.linker import link
from kg.link.normalize import match_key


def link_extractions_for_output(papers: dict[str, Paper], extractions: dict[str, PaperExtraction]) -> dict[str, dict[str, Any]]:
    """Link the extracted papers and return, per paper id, what its output record gains.

    Args:
        papers: the papers extracted, by id.
        extractions: their extractions, by id.

    Returns:
        ``{paper id: {"entities": {(field, start, end): entity id}, "results": [{"method", "dataset", "metric",
        "task", "value", "value_text", "unit", "entities"}, ...]}}``: method/dataset/metric/task are the surface
        strings as written (``task`` may be None), ``value`` the number and ``value_text`` the number as written.
    """
    graph = link(papers, extractions)
    out: dict[str, dict[str, Any]] = {pid: {"entities": {}, "results": []} for pid in papers}
    for m in graph.mentions:
        if m.entity:
            out[m.paper]["entities"][(m.field, m.start, m.end)] = m.entity
    for pid, rows in _result_rows(graph).items():
        out[pid]["results"] = rows
    return out


def _result_rows(graph) -> dict[str, list[dict[str, Any]]]:
    """Per paper, its results as output rows, in text order."""
    out: dict[str, list[dict[str, Any]]] = {}

    def order(r):
        ev = r.evidence[0] if r.evidence else None
        return (r.paper, ev.field if ev else "", ev.start if ev else 0, r.value_text, r.id)

    for r in sorted(graph.results.values(), key=order):
        s = r.surface
        out.setdefault(r.paper, []).append(
            {
                "method": s.get("method"),
                "dataset": s.get("dataset"),
                "metric": s.get("metric"),
                "task": s.get("task"),
                "value": r.value,
                "value_text": r.value_text,
                "unit": r.unit,
                "entities": {"method": r.model, "dataset": r.dataset, "metric": r.metric, "task": r.task},
            }
        )
    return out


def annotate_record(record: dict[str, Any], linked: dict[str, Any]) -> dict[str, Any]:
    """Add ``"entity"`` to each mention dict of an output ``record`` and its ``"results"`` (in place; returned).

    Args:
        record: one ``kg extract`` output object with ``"mentions"`` (``field``, ``start``, ``end``).
        linked: this paper's entry of :func:`link_extractions_for_output`.
    """
    ents = linked.get("entities", {})
    for m in record.get("mentions", []):
        m["entity"] = ents.get((m.get("field"), m.get("start"), m.get("end")))
    record["results"] = list(linked.get("results", []))
    return record


def link_one_paper(paper: Paper, ex: PaperExtraction) -> KnowledgeGraph:
    """The part of :func:`kg.link.link` that ``kg extract`` needs for one paper, in about a millisecond: mentions
    with canonical ids and results. No relations, propagation, fuzzy matching, names or merge explanations."""
    from kg.link.canonical import Canonicaliser
    from kg.link.context import PaperContext
    from kg.link.linker import _paper_abbreviations, _valid_mentions
    from kg.link.propagate import retype_by_context
    from kg.link.relations import RelationBuilder, find_proposals, rank_proposals, title_prefix_mentions
    from kg.link.results import build_results

    ms, _bad = _valid_mentions(paper, ex)
    ctx = PaperContext(paper, ex, ms)
    known = {}
    for m in ms:
        known.setdefault(match_key(m.text), m.type)
    ctx.mentions = sorted(ctx.mentions + title_prefix_mentions(ctx, known), key=lambda m: (FIELDS.index(m.field), m.start, m.end, m.type))
    retype_by_context(ctx)
    canon = Canonicaliser()
    canon.add_abbreviations(_paper_abbreviations(ctx, canon))
    entities = canon.canonicalise(ctx.mentions, light=True)
    proposed = rank_proposals(find_proposals(ctx, entities))
    results = build_results(ctx, entities, proposed, {}, RelationBuilder())
    return KnowledgeGraph(papers={paper.id: paper}, entities=entities, mentions=ctx.mentions, results={r.id: r for r in results})


def extract_json_hook(obj: dict[str, Any], ex: PaperExtraction, paper: Paper) -> None:
    """``kg extract`` hook: add ``"entity"`` to each mention and replace ``"results"`` by linked rows.

    ``kg extract`` streams papers one by one, so the ids come from linking that paper alone
    (:func:`link_one_paper`): they equal the ids of a build for every surface whose identity the paper settles
    itself (the normalised key, its own abbreviations); a build over a corpus can also resolve short forms the paper
    leaves undefined, merge spelling slips and keep ids of earlier builds.
    Result rows keep the surface strings as written plus the numeric value: ``{"method", "dataset", "metric",
    "task", "value", "value_text", "unit", "entities": {role: id}}``.
    """
    graph = link_one_paper(paper, replace(ex, paper=paper.id))
    ents = {(m.field, m.start, m.end): m.entity for m in graph.mentions if m.entity}
    for m in obj.get("mentions", []):
        m["entity"] = ents.get((m.get("field"), m.get("start"), m.get("end")))
    rows = _result_rows(graph).get(paper.id, [])
    obj["results"] = rows


def register_extract_hook() -> None:
    """Add :func:`extract_json_hook` to ``kg.extract.cli_commands.EXTRACT_JSON_HOOKS`` (once)."""
    from kg.extract.cli_commands import EXTRACT_JSON_HOOKS

    if extract_json_hook not in EXTRACT_JSON_HOOKS:
        EXTRACT_JSON_HOOKS.append(extract_json_hook)
