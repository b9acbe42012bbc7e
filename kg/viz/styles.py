"""Colours and shapes of node kinds, shared by the interactive page and the static picture."""

from __future__ import annotations

from dataclasses import dataclass

from kg.graph.model import ENTITY_TYPES


@dataclass(frozen=True)
class NodeStyle:
    color: str  #: fill colour (hex)
    border: str  #: border colour (hex)
    shape: str  #: vis-network shape (labels drawn under the shape)
    marker: str  #: matplotlib marker of the same shape


# Colour-blind-safe palette (Okabe-Ito) so that types stay distinguishable for most readers.
STYLES: dict[str, NodeStyle] = {
    "Model": NodeStyle("#0072B2", "#004c77", "dot", "o"),
    "Dataset": NodeStyle("#E69F00", "#9a6a00", "square", "s"),
    "Method": NodeStyle("#009E73", "#006a4d", "diamond", "D"),
    "Metric": NodeStyle("#CC79A7", "#8a4f70", "triangle", "^"),
    "Task": NodeStyle("#D55E00", "#8f3f00", "star", "*"),
    "Paper": NodeStyle("#9aa5b1", "#56606b", "square", "s"),
    "Repository": NodeStyle("#56B4E9", "#2b7aa8", "triangleDown", "v"),
    "Result": NodeStyle("#F0E442", "#a39a1c", "hexagon", "h"),
}
UNKNOWN = NodeStyle("#bbbbbb", "#777777", "dot", "o")

#: Node kinds a view can show, in legend order; ``--type`` accepts these names.
NODE_KINDS: tuple[str, ...] = (*ENTITY_TYPES, "Paper", "Repository", "Result")


def style_of(kind: str) -> NodeStyle:
    return STYLES.get(kind, UNKNOWN)
