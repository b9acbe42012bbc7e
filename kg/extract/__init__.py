"""Extraction: a trained spaCy pipeline for models, datasets, methods, metrics and tasks, plus rules.

Public API (imported lazily so that ``kg.extract.document`` stays light)::

    from kg.extract import load_pipeline, extract_paper, extract_papers, PIPELINE_VERSION, extraction_to_json
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_pipeline", "extract_paper", "extract_papers", "PIPELINE_VERSION", "extraction_to_json"]


def __getattr__(name: str) -> Any:
    if name in ("load_pipeline", "extract_paper", "extract_papers", "PIPELINE_VERSION"):
        from kg.extract import pipeline

        return getattr(pipeline, name)
    if name == "extraction_to_json":
        from kg.extract import cli_commands

        return cli_commands.extraction_to_json
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
