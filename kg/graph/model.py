"""The canonical graph model: every store and export is a view of these classes.

Identifiers are controlled strings (never raw text):

* paper ids: ``arxiv:2411.15858``, ``doi:10.1145/123``, ``s2:<sha>``, ``openalex:W123``,
  ``title:<sha1 of the normalised title, 16 hex>``, ``text:<hash>`` for records holding only a text;
* entity ids: ``<type lower>:<slug>`` built by :mod:`kg.link` from the normalised canonical key;
* relation / result / repository ids: ``rel:``/``res:``/``repo:`` + 16 hex of a SHA-1 over their key.

Everything here is plain data (dataclasses) so that a build directory can be written as
JSON Lines and read back into equal objects.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Iterable, Iterator

ENTITY_TYPES: tuple[str, ...] = ("Model", "Dataset", "Method", "Metric", "Task")

#: Relation types, with the node kinds they connect (``Paper`` or an entity type).
RELATION_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "PROPOSES": (("Paper",), ("Model", "Method", "Dataset", "Metric", "Task")),
    "EVALUATES_ON": (("Paper",), ("Dataset",)),
    "USES": (("Paper",), ("Model", "Method")),
    "ADDRESSES": (("Paper",), ("Task",)),
    "REPORTS": (("Paper",), ("Metric",)),
    "EVALUATED_ON": (("Model", "Method"), ("Dataset",)),
    "OUTPERFORMS": (("Model", "Method"), ("Model", "Method")),
    "COMPARED_WITH": (("Model", "Method"), ("Model", "Method")),
    "USED_FOR": (("Method", "Model"), ("Task",)),
    "VARIANT_OF": (("Model", "Method", "Dataset", "Metric", "Task"), ("Model", "Method", "Dataset", "Metric", "Task")),
    "CO_MENTIONED": (ENTITY_TYPES, ENTITY_TYPES),
    "HAS_CODE": (("Paper",), ("Repository",)),
}

FIELDS = ("title", "abstract", "text")


def stable_hash(*parts: str, length: int = 16) -> str:
    """Return a short hex digest over ``parts``; used for deterministic ids.

    The digest is SHA-1 over each part followed by U+001F, hashed as one string (the same bytes as one update per
    part, a third of the calls: evidence and mention IRIs call this millions of times at 100k papers).
    """
    text = "\x1f".join(parts) + "\x1f" if parts else ""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


class _Record:
    """Mixin: dict round-trip for dataclasses with nested records."""

    __slots__ = ()  # so that the records declared with slots=True hold no __dict__ either

    _nested: ClassVar[dict[str, type]] = {}

    def to_dict(self) -> dict[str, Any]:
        # dataclasses.asdict deep-copies recursively and dominated the time of writing large graphs
        out: dict[str, Any] = {}
        for name in _field_names(type(self)):
            v = getattr(self, name)
            if name in self._nested and v is not None:
                v = [x.to_dict() for x in v] if isinstance(v, list) else v.to_dict()
            elif isinstance(v, list):
                v = list(v)
            elif isinstance(v, dict):
                v = dict(v)
            out[name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        known = _field_names(cls)
        kwargs = {}
        for k, v in data.items():
            if k not in known:
                continue
            sub = cls._nested.get(k)
            if sub is not None and v is not None:
                v = [sub.from_dict(x) for x in v] if isinstance(v, list) else sub.from_dict(v)
            kwargs[k] = v
        return cls(**kwargs)


@dataclass
class Paper(_Record):
    """A paper as ingested: identity, bibliographic fields and provenance."""

    id: str
    title: str
    abstract: str = ""
    text: str | None = None  #: free text when the record has no title/abstract split
    year: int | None = None
    date: str | None = None  #: ISO date (YYYY-MM-DD or YYYY-MM or YYYY)
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    s2_id: str | None = None
    openalex_id: str | None = None
    categories: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  #: URLs found in the abstract
    sources: list[str] = field(default_factory=list)  #: "file:line" of every record merged into this paper
    record_id: str | None = None  #: the input record's own ``id`` as given (``kg extract`` echoes it)

    def field_text(self, name: str) -> str:
        return {"title": self.title, "abstract": self.abstract, "text": self.text or ""}[name]

    def content_key(self) -> str:
        """Hash of what extraction reads; keys the extraction cache."""
        return stable_hash(self.title or "", self.abstract or "", self.text or "")


@dataclass(slots=True)
class Mention(_Record):
    """A typed span in one field of one paper. ``start``/``end`` index the field as given."""

    paper: str
    field: str
    start: int
    end: int
    text: str
    type: str
    sent_start: int = 0  #: sentence span (same field) holding the mention
    sent_end: int = 0
    source: str = "ner"  #: component that produced it (ner, rule:dataset_pattern, abbreviation, ...)
    confidence: float = 1.0
    entity: str | None = None  #: canonical entity id, filled by kg.link


def mentions_by_paper(mentions: Iterable[Mention]) -> Iterator[list[Mention]]:
    """The mentions of each paper, papers in the order of their first mention, each paper's in list order.

    Whatever identifies a mention record starts with its paper, so deduplicating within each paper needs one small
    set at a time instead of a set of the whole corpus's records (about 0.5 GiB at 100k abstracts). Linking lists
    the mentions paper by paper, so this is the list's own order; mentions of a paper spread over the list are
    brought together.
    """
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        group = groups.get(m.paper)
        if group is None:
            group = groups[m.paper] = []
        group.append(m)
    for paper in list(groups):
        yield groups.pop(paper)


def mention_record_counts(mentions: Iterable[Mention]) -> dict[str, int]:
    """Per paper, its distinct mention records: distinct (field, start, end, type, source), the key the RDF face
    mints a mention node from (:meth:`kg.rdf.mapping.IriMinter.mention`), so every face counts the same nodes."""
    return {group[0].paper: len({(m.field, m.start, m.end, m.type, m.source) for m in group})
            for group in mentions_by_paper(mentions)}


@dataclass(slots=True)
class Evidence(_Record):
    """Where a statement comes from: a sentence span of one paper, and who said so."""

    paper: str
    field: str
    start: int  #: character span of the supporting text (usually the sentence) in that field
    end: int
    sentence: str
    extractor: str  #: rule or model name
    confidence: float = 1.0


@dataclass
class Entity(_Record):
    """One real-world thing of one type, with every surface form that names it."""

    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)  #: ids of papers mentioning it (sorted)
    mentions: int = 0  #: number of mentions over the corpus
    merges: list[dict[str, Any]] = field(default_factory=list)  #: why surface forms merged (explain-entity)


@dataclass(slots=True)
class Relation(_Record):
    """A typed edge between two node ids (papers, entities or repositories)."""

    _nested: ClassVar[dict[str, type]] = {"evidence": Evidence}

    id: str
    type: str
    source: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 1.0
    support: int = 1  #: number of distinct papers supporting it

    @staticmethod
    def make_id(type_: str, source: str, target: str) -> str:
        return "rel:" + stable_hash(type_, source, target)


@dataclass
class Result(_Record):
    """A leaderboard row: (model or method) on dataset, metric = value, as stated in a paper."""

    _nested: ClassVar[dict[str, type]] = {"evidence": Evidence}

    id: str
    paper: str
    model: str | None  #: entity id of the model or method
    dataset: str | None
    metric: str | None
    task: str | None
    value: float | None
    unit: str | None = None  #: "%" or None
    value_text: str = ""  #: the number as written
    surface: dict[str, str | None] = field(default_factory=dict)  #: method/dataset/metric/task as written
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Repository(_Record):
    """A code, data or project link found in a paper."""

    id: str
    url: str
    host: str
    kind: str = "code"  #: code | model | dataset | project
    papers: list[str] = field(default_factory=list)

    @staticmethod
    def make_id(url: str) -> str:
        return "repo:" + stable_hash(url.lower().rstrip("/"))


@dataclass
class KnowledgeGraph:
    """The whole graph: the one model that stores and exports are views of."""

    papers: dict[str, Paper] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    relations: dict[str, Relation] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)
    repositories: dict[str, Repository] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    # -- summaries -------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts in the shape of ``kg stats --format json``."""
        ents: dict[str, int] = {t: 0 for t in ENTITY_TYPES}
        for e in self.entities.values():
            ents[e.type] = ents.get(e.type, 0) + 1
        rels: dict[str, int] = {}
        for r in self.relations.values():
            rels[r.type] = rels.get(r.type, 0) + 1
        return {
            "papers": len(self.papers),
            "entities": ents,
            "relations": dict(sorted(rels.items())),
            "mentions": len(self.mentions),
            "results": len(self.results),
            "repositories": len(self.repositories),
        }

    def node_type(self, node_id: str) -> str:
        """``Paper``, ``Repository``, ``Result`` or the entity type of ``node_id``."""
        if node_id in self.papers:
            return "Paper"
        if node_id in self.entities:
            return self.entities[node_id].type
        if node_id in self.repositories:
            return "Repository"
        if node_id in self.results:
            return "Result"
        raise KeyError(node_id)

    def find_entities(self, name: str) -> list[Entity]:
        """Entities whose id, name or an alias equals ``name`` (case-insensitive)."""
        key = name.casefold().strip()
        return [
            e
            for e in self.entities.values()
            if e.id.casefold() == key or e.name.casefold() == key or any(a.casefold() == key for a in e.aliases)
        ]

    def relations_of(self, node_id: str) -> Iterable[Relation]:
        for r in self.relations.values():
            if r.source == node_id or r.target == node_id:
                yield r

    def sorted(self) -> "KnowledgeGraph":
        """A copy with every collection in canonical order (for byte-identical output)."""
        return KnowledgeGraph(
            papers=dict(sorted(self.papers.items())),
            entities=dict(sorted(self.entities.items())),
            mentions=sorted(self.mentions, key=lambda m: (m.paper, m.field, m.start, m.end, m.type)),
            relations=dict(sorted(self.relations.items())),
            results=dict(sorted(self.results.items())),
            repositories=dict(sorted(self.repositories.items())),
            meta=dict(self.meta),
        )
