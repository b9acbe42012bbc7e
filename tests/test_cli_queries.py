"""The query commands treat a named-query file given with --file like the named query itself."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

QUERIES = Path(__file__).resolve().parent.parent / "queries"
runner = CliRunner()


def test_sparql_file_with_header_gets_its_defaults(sample_graph_dir):
    by_name = runner.invoke(app, ["sparql", str(sample_graph_dir), "--name", "most_used_datasets", "-f", "csv"])
    by_file = runner.invoke(
        app, ["sparql", str(sample_graph_dir), "--file", str(QUERIES / "most_used_datasets.rq"), "-f", "csv"]
    )
    assert by_name.exit_code == 0 and by_file.exit_code == 0, by_file.output
    assert by_file.stdout == by_name.stdout
    assert len(by_name.stdout.splitlines()) > 1


def test_sparql_file_rejects_a_parameter_its_header_does_not_declare(sample_graph_dir):
    res = runner.invoke(
        app, ["sparql", str(sample_graph_dir), "--file", str(QUERIES / "most_used_datasets.rq"), "-p", "nope=1"]
    )
    assert res.exit_code == 1
    assert "has no parameter 'nope'" in res.output
