"""Linking: canonical entities, relations with evidence, results and repositories (see docs/linking.md).

The build calls :func:`link`; the CLI uses :mod:`kg.link.explain` (``kg entities``, ``kg explain-entity``) and
``kg extract`` uses :func:`link_extractions_for_output` to add canonical ids and results to its JSONL.
"""

from kg.link.linker import link

__all__ = ["link", "link_extractions_for_output"]


def link_extractions_for_output(papers, extractions):
    """See :func:`kg.link.output.link_extractions_for_output` (imported lazily)."""
    from kg.link.output import link_extractions_for_output as _impl

    return _impl(papers, extractions)
