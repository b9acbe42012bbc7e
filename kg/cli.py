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
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes for extraction and linking (use your cores); with more than one, the two stores load side by side where memory allows."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help="Base IRI of the RDF face (default https://w3id.org/mlkg/)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Run extraction on a Dask cluster: scheduler address or 'local'."),
    no_stores: bool = typer.Option(False, "--no-stores", help="Write only the graph files, not the SPARQL and Cypher stores."),
    compact_store: bool = typer.Option(
        False, "--compact-store",
        help="Compact the SPARQL store after loading it (about 1 s per million triples): SPARQL that scans much of "
             "the graph runs up to 20% faster; the named queries gain nothing.",
    ),
    summary_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Ingest, extract, link and load INPUTS into the build directory OUT, then print a summary."""
    from kg.pipeline import build as run_build
    from kg.summary import render_summary

    try:
        report = run_build(
            inputs, out, format=fmt, strict=strict, workers=workers, base_iri=base_iri, dask=dask,
            stores=not no_stores, compact_store=compact_store, progress=True, return_report=True,
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

# ----------------------------------------------------------------------------------------------
# sparql (RDF and SPARQL: kg.rdf)
# ----------------------------------------------------------------------------------------------
@app.command("sparql")
def sparql_cmd(
    build_dir: Optional[Path] = typer.Argument(None, help="A build directory (not needed with --list)."),
    query: Optional[str] = typer.Argument(None, help="A SPARQL query; bind ?name variables with --param name=value."),
    file: Optional[Path] = typer.Option(None, "--file", help="Read the query from this file."),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Run a named query from queries/ (see --list)."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="Query parameter NAME=VALUE (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json (W3C SPARQL results JSON), csv, tsv or xml."),
    timeout: float = typer.Option(30.0, "--timeout", help="Stop the query after this many seconds."),
    allow_update: bool = typer.Option(False, "--allow-update", help="Allow SPARQL updates (INSERT/DELETE/LOAD/...) and SERVICE."),
    list_: bool = typer.Option(False, "--list", help="List the named SPARQL queries and exit."),
) -> None:
    """Ask the SPARQL store of a build directory; read-only unless --allow-update."""
    from kg.rdf.commands import list_sparql_queries, run_sparql_command

    try:
        if list_:
            out = list_sparql_queries().render("table" if fmt == "table" else fmt)
        else:
            if build_dir is None:
                raise typer.BadParameter("Give a build directory (or --list).")
            out = run_sparql_command(build_dir, query, file, name, parse_params(param), allow_update, timeout, fmt)
    except KGError as exc:
        _fail(exc)
    sys.stdout.write(out)


# ----------------------------------------------------------------------------------------------
# cypher / push (property graph and Cypher: kg.cypher)
# ----------------------------------------------------------------------------------------------
@app.command("cypher")
def cypher_cmd(
    build_dir: Optional[Path] = typer.Argument(None, help="A build directory (not needed with --list)."),
    query: Optional[str] = typer.Argument(None, help="A Cypher query; use $name for values and pass them with --param."),
    file: Optional[Path] = typer.Option(None, "--file", help="Read the query from this file."),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Run a named query from queries/ (see --list)."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="Query parameter NAME=VALUE (repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json (a list of row objects) or csv."),
    allow_write: bool = typer.Option(False, "--allow-write", help="Allow CREATE/MERGE/SET/DELETE/COPY/... (refused by default)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Stop the query after this many seconds."),
    list_: bool = typer.Option(False, "--list", help="List the named Cypher queries and exit."),
) -> None:
    """Ask the embedded Cypher store (LadybugDB) of a build directory; read-only unless --allow-write."""
    from kg.cypher.commands import list_queries, run_cypher_command
    from kg.cypher.render import FORMATS, render

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
    try:
        if list_:
            queries = list_queries()
            cols = ["name", "title", "params", "columns"]
            rows = [{**q, "params": ", ".join(f"{k}={json.dumps(v)}" for k, v in q["params"].items()),
                     "columns": ", ".join(q["columns"])} for q in queries]
        else:
            if build_dir is None:
                raise typer.BadParameter("Give a build directory (or --list).")
            cols, rows = run_cypher_command(build_dir, query, file, name, parse_params(param), allow_write, timeout)
    except KGError as exc:
        _fail(exc)
    out = render(rows, fmt, cols)
    if fmt == "table":
        stdout.print(out)
    else:
        sys.stdout.write(out)


@app.command("push")
def push_cmd(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    uri: str = typer.Option(..., "--uri", help="bolt://host:7687 or neo4j://... (Neo4j); falkordb://host:port (FalkorDB)."),
    user: str = typer.Option("neo4j", "--user", "-u", help="Neo4j user."),
    database: Optional[str] = typer.Option(None, "--database", "-d", help="Neo4j database (default: the server's)."),
    batch_size: int = typer.Option(2000, "--batch-size", min=1, help="Rows per UNWIND transaction."),
    summary_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Write the graph into Neo4j (idempotent MERGE); the password comes from $NEO4J_PASSWORD or a prompt."""
    from kg.cypher.push import push

    try:
        summary = push(build_dir, uri, user=user, database=database, batch_size=batch_size, progress=True)
    except KGError as exc:
        _fail(exc)
    if summary_json:
        _print_json(summary.to_dict())
        return
    t = Table(title=f"pushed {build_dir} to {summary.uri}")
    t.add_column("what")
    t.add_column("sent", justify="right")
    for k, v in summary.nodes.items():
        t.add_row(f"nodes: {k}", str(v))
    for k, v in summary.relationships.items():
        t.add_row(f"relationships: {k}", str(v))
    t.add_row("nodes created", str(summary.nodes_created))
    t.add_row("relationships created", str(summary.relationships_created))
    t.add_row("properties set", str(summary.properties_set))
    t.add_row("seconds", f"{summary.seconds:.1f}")
    stdout.print(t)


# ----------------------------------------------------------------------------------------------
# extract / evaluate / train (extraction: kg.extract)
# ----------------------------------------------------------------------------------------------
@app.command("extract")
def extract_cmd(
    inputs: list[Path] = typer.Argument(..., help="Input files or directories (any format kg.ingest reads)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Input format for every file (default: detected)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="JSONL file to write (default: stdout)."),
    workers: int = typer.Option(1, "--workers", "-w", help="Processes to use (0: all cores)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Documents per spaCy batch."),
) -> None:
    """Find models, datasets, methods, metrics and tasks in papers: JSONL, one object per paper."""
    from kg.extract.cli_commands import run_extract

    try:
        summary = run_extract(inputs, format=fmt, output=output, workers=workers, batch_size=batch_size)
    except KGError as exc:
        _fail(exc)
    stderr.print(f"extracted {summary['mentions']} mentions from {summary['papers']} papers", highlight=False)


@app.command("evaluate")
def evaluate_cmd(
    gold: Path = typer.Option(..., "--gold", help="Annotated documents: SciREX .jsonl or SciERC .json."),
    fmt: str = typer.Option(..., "--format", "-f", help="Gold format: scirex or scierc."),
    split: str = typer.Option("all", "--split", help="SciREX documents to score: all, dev (held out) or train."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    workers: int = typer.Option(1, "--workers", "-w", help="Processes to use."),
) -> None:
    """Precision, recall and F1 per type and overall, exact and overlapping spans."""
    from kg.extract.cli_commands import run_evaluate
    from kg.extract.evaluate import format_table

    if split not in ("all", "dev", "train"):
        raise typer.BadParameter(f"--split must be one of all, dev, train, got {split!r}.")
    try:
        result = run_evaluate(gold, fmt, split=split, workers=workers)
    except KGError as exc:
        _fail(exc)
    if as_json:
        _print_json(result)
    else:
        sys.stdout.write(format_table(result) + "\n")


@app.command("train")
def train_cmd(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Pipeline directory (default: kg/extract/model)."),
    config: Optional[Path] = typer.Option(None, "--config", help="spaCy config (default: kg/extract/config.cfg)."),
    datasets: Optional[Path] = typer.Option(None, "--datasets", help="Folder with scirex/ and scierc/ (default: ../shared/datasets)."),
    max_steps: Optional[int] = typer.Option(None, "--max-steps", help="Override training.max_steps (quick runs)."),
) -> None:
    """Rebuild the extraction pipeline from the shared annotated datasets (single process)."""
    from kg.extract.cli_commands import run_train

    try:
        path = run_train(output, config, datasets, max_steps=max_steps)
    except KGError as exc:
        _fail(exc)
    sys.stdout.write(f"{path}\n")



# ----------------------------------------------------------------------------------------------
# entities / explain-entity (linking: kg.link)
# ----------------------------------------------------------------------------------------------
@app.command("entities")
def entities_cmd(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    type_: Optional[str] = typer.Option(None, "--type", "-t", help="Only this type: Model, Dataset, Method, Metric or Task."),
    fmt: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table or json."),
) -> None:
    """List canonical entities (id, type, name, aliases, number of papers), most-cited first."""
    from kg.graph.io import load_graph
    from kg.link.explain import list_entities

    try:
        rows = list_entities(load_graph(build_dir), type_)
    except KGError as exc:
        _fail(exc)
    if fmt is OutFormat.json:
        _print_json(rows)
        return
    t = Table(title=f"entities in {build_dir}")
    for col, just in (("id", "left"), ("type", "left"), ("name", "left"), ("aliases", "left"), ("papers", "right")):
        t.add_column(col, justify=just, overflow="fold")
    for r in rows:
        t.add_row(r["id"], r["type"], r["name"], ", ".join(r["aliases"]), str(r["papers"]))
    stdout.print(t, markup=False, highlight=False)


@app.command("explain-entity")
def explain_entity_cmd(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    name: str = typer.Argument(..., help="Entity id, name, alias or any spelling of it."),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Show which surface forms merged into an entity, and why (rule and detail per form)."""
    from kg.graph.io import load_graph
    from kg.link.explain import explain_entity, format_explanation

    try:
        items = explain_entity(load_graph(build_dir), name)
    except KGError as exc:
        _fail(exc)
    if as_json:
        _print_json(items)
    else:
        sys.stdout.write(format_explanation(items) + "\n")



# ----------------------------------------------------------------------------------------------
# serve (HTTP endpoint and pages: kg.serve)
# ----------------------------------------------------------------------------------------------
@app.command()
def serve(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default; 0.0.0.0 exposes it)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    base_iri: Optional[str] = typer.Option(None, "--base-iri", help="Base IRI of the build's IRIs, e.g. http://127.0.0.1:8000/ (default: the build's own)."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Seconds after which a query is stopped (503)."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="At most this many rows or triples per answer."),
    max_request_bytes: int = typer.Option(1_000_000, "--max-request-bytes", min=1024, help="Larger requests are refused (413)."),
) -> None:
    """Serve DIR over HTTP: SPARQL 1.1 Protocol at /sparql, Cypher at /cypher, named queries, pages (read-only)."""
    from kg.serve import serve as run_server

    stderr.print(f"serving {build_dir} on http://{host}:{port}/ (read-only; Ctrl+C stops)", highlight=False)
    try:
        run_server(build_dir, host=host, port=port, base_iri=base_iri, timeout=timeout, max_rows=max_rows,
                   max_request_bytes=max_request_bytes)
    except KGError as exc:
        _fail(exc)

# ----------------------------------------------------------------------------------------------
# view (interactive graph views and static pictures: kg.viz)
# ----------------------------------------------------------------------------------------------
@app.command("view")
def view_cmd(
    build_dir: Path = typer.Argument(..., help="A build directory."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="HTML file to write (default: DIR/views/<view>.html)."),
    top: int = typer.Option(200, "--top", min=1, help="Most nodes to show (overview: the N most connected entities)."),
    entity: Optional[str] = typer.Option(None, "--entity", "-e", help="Ego network of this entity (id, name or any alias)."),
    depth: int = typer.Option(1, "--depth", min=1, max=2, help="Depth of the ego network: 1 or 2."),
    paper: Optional[str] = typer.Option(None, "--paper", help="A paper (id, arXiv id, DOI or title) with what it proposes, uses and reports."),
    types: Optional[str] = typer.Option(None, "--type", "-t", help="Only these node types, e.g. Dataset,Model (also Paper, Repository, Result)."),
    sparql: Optional[str] = typer.Option(None, "--sparql", help="Show the nodes a SPARQL SELECT returns (pairs in a row become edges)."),
    cypher: Optional[str] = typer.Option(None, "--cypher", help="Show the nodes a Cypher query returns (pairs in a row become edges)."),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Show the nodes a named query from queries/ returns."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="Query parameter NAME=VALUE (repeatable)."),
    png: Optional[Path] = typer.Option(None, "--png", help="Also draw a static picture (.png, .svg or .pdf)."),
) -> None:
    """Write an interactive, offline HTML view of the graph (overview, ego network, paper or query result)."""
    from kg.viz.render import default_view_path, render_view

    params = parse_params(param)
    try:
        path = out or default_view_path(build_dir, entity=entity, paper=paper, sparql=sparql, cypher=cypher, name=name)
        res = render_view(
            build_dir, path, top=top, entity=entity, depth=depth, paper=paper, types=types,
            sparql=sparql, cypher=cypher, name=name, png=png, params=params,
        )
    except KGError as exc:
        _fail(exc)
    stderr.print(f"wrote {res.path} ({res.nodes} nodes, {res.edges} edges)", highlight=False)
    if res.png:
        stderr.print(f"wrote {res.png}", highlight=False)
    sys.stdout.write(f"{res.path}\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
