"""End-to-end builds: the pipeline, the build directory contract and the CLI's build/stats/export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import BuildError, BuildLockedError, InputError
from kg.graph.io import load_graph
from kg.graph.model import ENTITY_TYPES
from kg.pipeline import LOCK_NAME, build

runner = CliRunner()


def _graph_bytes(build_dir: Path) -> dict[str, bytes]:
    g = build_dir / "graph"
    return {p.name: p.read_bytes() for p in sorted(g.iterdir())}


def test_sample_build_holds_papers_entities_relations(sample_graph_dir):
    g = load_graph(sample_graph_dir)
    s = g.stats()
    assert s["papers"] == 40
    assert sum(s["entities"].values()) > 40
    assert set(s["entities"]) >= set(ENTITY_TYPES)
    assert s["relations"], "a build of 40 abstracts has relations"
    # every mention points at an entity of the graph and at its own text
    for m in g.mentions:
        assert m.entity in g.entities
        assert g.papers[m.paper].field_text(m.field)[m.start : m.end] == m.text
    for r in g.relations.values():
        assert r.evidence, r
        for ev in r.evidence:
            assert ev.paper in g.papers


def test_python_api_returns_graph(tmp_path, sample_corpus):
    graph = kg.build([sample_corpus], tmp_path / "b", stores=False)
    assert len(graph.papers) == 40
    assert kg.load(tmp_path / "b").stats() == graph.stats()
    import gc

    assert gc.isenabled()  # paused while linking and writing, back on for the caller


def test_rebuild_is_byte_identical_and_uses_cache(tmp_path, sample_corpus):
    out = tmp_path / "b"
    build([sample_corpus], out, stores=False)
    first = _graph_bytes(out)
    rep = build([sample_corpus], out, stores=False, return_report=True)
    assert rep.extracted == 0 and rep.cached == 40
    assert _graph_bytes(out) == first


def test_incremental_add_extracts_only_new_papers(tmp_path, sample_corpus):
    new = tmp_path / "new.jsonl"
    new.write_text(
        json.dumps({"id": "2401.00001", "title": "FooNet: A Test", "abstract": "We propose FooNet and evaluate it on ImageNet."})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "b"
    build([sample_corpus], out, stores=False)
    rep = build([new], out, stores=False, return_report=True)
    assert rep.papers_before == 40
    assert rep.extracted == 1 and rep.cached == 40
    assert len(rep.graph.papers) == 41
    # the same result as building both at once
    both = build([sample_corpus, new], tmp_path / "both", stores=False)
    assert both.stats() == rep.graph.stats()
    assert sorted(both.entities) == sorted(rep.graph.entities)


def test_missing_input_fails_before_work(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        build([tmp_path / "nope.jsonl"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unwritable_output_fails_before_work(tmp_path, sample_corpus):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(BuildError, match="not a directory"):
        build([sample_corpus], f)
    if os.geteuid() != 0:  # root can write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(BuildError, match="cannot be written"):
            build([sample_corpus], ro / "out")


def test_locked_build_dir_refuses_a_second_build(tmp_path, sample_corpus):
    from filelock import FileLock

    out = tmp_path / "b"
    out.mkdir()
    with FileLock(str(out / LOCK_NAME)):
        with pytest.raises(BuildLockedError, match="Another kg build is running"):
            build([sample_corpus], out, stores=False)


def test_killed_build_leaves_previous_graph_readable_and_rerun_completes(tmp_path, sample_corpus):
    out = tmp_path / "b"
    build([sample_corpus], out, stores=False)
    before = load_graph(out).stats()
    code = (
        "import os, kg.graph.io as io\n"
        "orig = io.write_jsonl\n"
        "calls = []\n"
        "def dying(path, rows, *rest):\n"
        "    calls.append(path)\n"
        "    if len(calls) == 3: os._exit(9)\n"  # die in the middle of writing the new graph
        "    return orig(path, rows, *rest)\n"
        "io.write_jsonl = dying\n"
        "from kg.pipeline import build\n"
        f"build([{str(sample_corpus)!r}], {str(out)!r}, stores=False, fresh=True)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code])
    assert proc.returncode == 9
    assert load_graph(out).stats() == before
    again = build([sample_corpus], out, stores=False)
    assert again.stats() == before


def test_cli_build_stats_json_shape(tmp_path, sample_corpus):
    out = tmp_path / "b"
    res = runner.invoke(app, ["build", str(sample_corpus), "-o", str(out), "--no-stores"])
    assert res.exit_code == 0, res.output
    assert "papers in the graph" in res.output
    res = runner.invoke(app, ["stats", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert isinstance(data["papers"], int) and data["papers"] == 40
    assert all(isinstance(v, int) for v in data["entities"].values())
    assert all(isinstance(v, int) for v in data["relations"].values())


def test_cli_build_with_a_compacted_store(tmp_path, sample_corpus):
    from kg.rdf import run_named_query

    out = tmp_path / "b"
    res = runner.invoke(app, ["build", str(sample_corpus), "-o", str(out), "--compact-store", "--json"])
    assert res.exit_code == 0, res.output
    counts = {(k, t): n for k, t, n in run_named_query(out, "graph_counts", timeout=None).rows}
    assert counts[("papers", "Paper")] == json.loads(res.stdout)["stats"]["papers"] == 40


def test_cli_reports_errors_as_sentences(tmp_path):
    res = runner.invoke(app, ["build", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "does not exist" in res.output
    res = runner.invoke(app, ["stats", str(tmp_path)])
    assert res.exit_code == 1 and "not a kg build directory" in res.output


def test_python_m_kg_runs():
    proc = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "build" in proc.stdout


@pytest.mark.slow
def test_shared_corpus_builds_339_papers_and_rebuild_changes_nothing(shared_graph_dir, shared_dir):
    g = load_graph(shared_graph_dir)
    assert len(g.papers) == 339
    first = _graph_bytes(shared_graph_dir)
    rep = build([shared_dir / "corpus" / "hf-daily-papers"], shared_graph_dir, stores=False, return_report=True)
    assert rep.ingest["read"] == 398
    assert rep.extracted == 0
    assert _graph_bytes(shared_graph_dir) == first


def test_cli_reference_is_current():
    from kg.docs import cli_reference

    committed = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference(), "docs/cli.md is stale: run `make docs`"
