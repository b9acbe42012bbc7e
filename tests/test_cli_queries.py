"""The query commands treat a named-query file given with --file like the named query itself."""

from __future__ import annotations

from pathlib import Path

import pytest
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


def test_cypher_file_with_header_gets_its_defaults(sample_graph_dir):
    by_name = runner.invoke(app, ["cypher", str(sample_graph_dir), "--name", "most_used_datasets", "-f", "csv"])
    by_file = runner.invoke(
        app, ["cypher", str(sample_graph_dir), "--file", str(QUERIES / "most_used_datasets.cypher"), "-f", "csv"]
    )
    assert by_name.exit_code == 0 and by_file.exit_code == 0, by_file.output
    assert by_file.stdout == by_name.stdout
    assert len(by_name.stdout.splitlines()) > 1


@pytest.mark.parametrize("command", ["sparql", "cypher"])
def test_query_commands_page_named_queries(sample_graph_dir, command):
    def rows(*params: str) -> list[str]:
        args = [command, str(sample_graph_dir), "--name", "entity_aliases", "-f", "csv"]
        for p in params:
            args += ["--param", p]
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        return res.stdout.splitlines()[1:]

    whole = rows("limit=1000")
    assert len(whole) > 100, "the sample has more aliases than one default page"
    assert rows() == whole[:100]
    assert rows("limit=5", "offset=3") == whole[3:8]
    res = runner.invoke(app, [command, str(sample_graph_dir), "--name", "entity_aliases", "--param", "limit=-1"])
    assert res.exit_code == 1 and "non-negative integer" in res.output
