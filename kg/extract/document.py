"""What extraction hands to linking: per-paper mentions, sentences, abbreviations, result candidates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from kg.graph.model import Mention, _Record


@dataclass
class Abbreviation(_Record):
    """A short form defined in the text, e.g. ``generative adversarial networks (GANs)``."""

    paper: str
    field: str
    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


@dataclass
class ResultCandidate(_Record):
    """A numeric result stated in one sentence, with the surface strings as written."""

    paper: str
    field: str
    sent_start: int
    sent_end: int
    value: float | None
    value_text: str  #: the number as written, e.g. "71.8%"
    unit: str | None = None
    value_start: int = 0
    value_end: int = 0
    method: str | None = None  #: surface strings (may be None when not stated)
    dataset: str | None = None
    metric: str | None = None
    task: str | None = None
    spans: dict[str, list[int]] = field(default_factory=dict)  #: role -> [start, end] in the field


@dataclass
class PaperExtraction(_Record):
    """Everything the extraction pipeline found in one paper."""

    _nested: ClassVar[dict[str, type]] = {
        "mentions": Mention,
        "abbreviations": Abbreviation,
        "results": ResultCandidate,
    }

    paper: str
    mentions: list[Mention] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    sentences: dict[str, list[list[int]]] = field(default_factory=dict)  #: field -> [[start, end], ...]
    results: list[ResultCandidate] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  #: URLs (code/data/project) found in the text
    pipeline_version: str = ""
