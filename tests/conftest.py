"""Fixtures shared by the whole suite.

``shared_dir`` points at ``../shared`` (the project's data) and skips the test with a clear message where it is
absent; ``sample_graph_dir`` is one build of the bundled sample corpus, made once per test session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "kg" / "data" / "sample" / "hf-daily-papers-sample.txt"
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus" / "hf-daily-papers").is_dir():
        pytest.skip(f"the shared data folder {SHARED} is absent (set KG_SHARED_DIR); this test needs it")
    return SHARED


@pytest.fixture(scope="session")
def sample_graph_dir(tmp_path_factory) -> Path:
    """A build directory of the bundled sample corpus (built once per session, with every store)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("sample-build")
    build([SAMPLE], out, progress=False)
    return out


@pytest.fixture(scope="session")
def shared_graph_dir(tmp_path_factory, shared_dir) -> Path:
    """A build directory of the whole shared HF daily-papers corpus (built once per session)."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("shared-build")
    build([shared_dir / "corpus" / "hf-daily-papers"], out, progress=False)
    return out


def graph_files(build_dir: Path) -> dict[str, bytes]:
    """The graph files of a build directory by name, meta.json (timestamps, inputs) left out: equal for equal graphs."""
    return {p.name: p.read_bytes() for p in sorted((build_dir / "graph").iterdir()) if p.name != "meta.json"}


@pytest.fixture(scope="session")
def graph_files_of():
    """:func:`graph_files`, for tests that compare the graphs of two builds byte for byte."""
    return graph_files
