"""What ``kg extract`` adds to its JSONL from linking: canonical ids per mention and results per paper."""

from __future__ import annotations

from typing import Any

from kg.extract.document import PaperExtraction
from kg.graph.model import Paper
from kg.link.linker import link


def link_extractions_for_output(papers: dict[str, Paper], extractions: dict[str, PaperExtraction]) -> dict[str, dict[str, Any]]:
    """Link the extracted papers and return, per paper id, what its output record gains.

    Args:
        papers: the papers extracted, by id.
        extractions: their extractions, by id.

    Returns:
        ``{paper id: {"entities": {(field, start, end): entity id}, "results": [{"method", "dataset", "metric",
        "task", "value"}, ...]}}``; result values are the surface strings as written (``task`` may be None).
    """
    graph = link(papers, extractions)
    out: dict[str, dict[str, Any]] = {pid: {"entities": {}, "results": []} for pid in papers}
    for m in graph.mentions:
        if m.entity:
            out[m.paper]["entities"][(m.field, m.start, m.end)] = m.entity
    for r in sorted(graph.results.values(), key=lambda r: (r.paper, r.evidence[0].start if r.evidence else 0, r.id)):
        s = r.surface
        out[r.paper]["results"].append(
            {"method": s.get("method"), "dataset": s.get("dataset"), "metric": s.get("metric"), "task": s.get("task"), "value": r.value_text}
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
