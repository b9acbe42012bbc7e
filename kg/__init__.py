"""kg: knowledge graphs of machine-learning literature.

The Python API mirrors the CLI::

    import kg
    graph = kg.build(["papers.jsonl"], "out/")      # -> kg.graph.model.KnowledgeGraph
    graph = kg.load("out/")                          # reopen a build directory
    graph.stats()                                    # what `kg stats --format json` prints
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "build", "load"]


def build(inputs, out_dir, **kwargs):
    """Build a knowledge graph; see :func:`kg.pipeline.build` for the arguments."""
    from kg.pipeline import build as _build

    return _build(inputs, out_dir, **kwargs)


def load(build_dir):
    """Open the graph of a build directory (:func:`kg.graph.io.load_graph`)."""
    from kg.graph.io import load_graph

    return load_graph(build_dir)
