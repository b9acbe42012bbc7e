"""The ``kg`` command line: each command is a thin wrapper around a plain function of the package.

Data goes to stdout; progress bars and logs go to stderr. Errors of kg (:class:`kg.errors.KGError`) are printed
as one readable message and exit with status 1 (2 for usage errors, as typer does).
"""

from __future__ import annotations

import json
import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from kg.errors import KGError

app = typer.Typer(
    name="kg",
    help="Build and query knowledge graphs of machine-learning literature.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True)
stdout = Console()
log = logging.getLogger("kg")


@app.callback()
def _root(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output on stderr (-v info, -vv debug)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr."),
) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=stderr, show_time=False, show_path=False, markup=False)],
        force=True,
    )


def _fail(exc: Exception) -> None:
    stderr.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


class OutFormat(str, Enum):
    table = "table"
    json = "json"


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` -> ``{"k": "v"}`` (values stay strings; queries coerce them to their defaults' types)."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--param takes NAME=VALUE, got {item!r}.")
        out[key.strip()] = value
    return out


# ----------------------------------------------------------------------------------------------
# build / stats / export (lead)
# ----------------------------------------------------------------------------------------------
@app.command()
def build(
    inputs: list[Path] = typer.Argument(..., help="Input files or directories (formats are detected; .gz is read)."),
    out: Path = typer.Option(..., "--out", "-o", help="Build directory to create or update."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Input format for all inputs (default: detect each)."),
    strict: bool = typer.Option(False, "--strict", help="Fail on the first malformed record instead of skipping it."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes for extraction (use your cores)."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help="Base IRI of the RDF face (default https://w3id.org/mlkg/)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Run extraction on a Dask cluster: scheduler address or 'local'."),
    no_stores: bool = typer.Option(False, "--no-stores", help="Write only the graph files, not the SPARQL and Cypher stores."),
    summary_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Ingest, extract, link and load INPUTS into the build directory OUT, then print a summary."""
    from kg.pipeline import build as run_build
    from kg.summary import render_summary

    try:
        report = run_build(
            inputs, out, format=fmt, strict=strict, workers=workers, base_iri=base_iri, dask=dask,
            stores=not no_stores, progress=True, return_report=True,
        )
    except KGError as exc:
        _fail(exc)
    if summary_json:
        _print_json(report.to_dict())
    else:
        render_summary(report, stdout)


@app.command()
def stats(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """Show what a build holds: papers, entities by type, relations by type."""
    from kg.graph.io import load_graph

    try:
        s = load_graph(build_dir).stats()
    except KGError as exc:
        _fail(exc)
    if fmt is OutFormat.json:
        _print_json(s)
        return
    t = Table(title=f"kg build {build_dir}")
    t.add_column("what")
    t.add_column("count", justify="right")
    t.add_row("papers", str(s["papers"]))
    for k, v in s["entities"].items():
        t.add_row(f"entities: {k}", str(v))
    for k, v in s["relations"].items():
        t.add_row(f"relations: {k}", str(v))
    for k in ("mentions", "results", "repositories"):
        t.add_row(k, str(s[k]))
    stdout.print(t)


@app.command()
def export(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    fmt: str = typer.Option(..., "--format", "-f", help="turtle, ntriples, nquads, jsonld, rdfxml, neo4j-csv, cypher, graphml or gexf."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (or folder for neo4j-csv); default under exports/."),
) -> None:
    """Export the graph for other tools (RDF stores, Neo4j, Gephi, Cytoscape)."""
    from kg.exporting import export_graph

    try:
        path = export_graph(build_dir, fmt, out)
    except KGError as exc:
        _fail(exc)
    stderr.print(f"wrote {path}", highlight=False)
    sys.stdout.write(f"{path}\n")


# ----------------------------------------------------------------------------------------------
# Sections of other areas go below, one commented block each.
# ----------------------------------------------------------------------------------------------


def main() -> None:
    app()


if __name__ == "__main__":
    main()
