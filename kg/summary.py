"""The human-readable summary printed at the end of a build."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kg.pipeline import BuildReport


def render_summary(report: BuildReport, console: Console) -> None:
    """Print what a build read, kept, skipped and made, and where its outputs are."""
    ing = report.ingest
    skipped = ing.get("skipped", {})
    t = Table(title=f"kg build: {report.build_dir}", show_header=False, title_justify="left")
    t.add_column("what", style="bold")
    t.add_column("count", justify="right")
    t.add_row("records read", str(ing.get("read", 0)))
    t.add_row("  kept as papers", str(ing.get("kept", 0)))
    t.add_row("  merged as duplicates", str(ing.get("duplicates", 0)))
    t.add_row("  skipped", str(sum(skipped.values())))
    for reason, n in sorted(skipped.items()):
        t.add_row(f"    {reason}", str(n))
    if report.papers_before:
        t.add_row("papers already in the build", str(report.papers_before))
        t.add_row("  new papers added", str(report.papers_added))
        t.add_row("  new records of papers already there", str(report.papers_merged_existing))
    st = report.stats
    t.add_row("papers in the graph", str(st.get("papers", 0)))
    t.add_row("extracted now / from cache", f"{report.extracted} / {report.cached}")
    t.add_row("entities", str(sum(st.get("entities", {}).values())))
    for k, v in st.get("entities", {}).items():
        t.add_row(f"  {k}", str(v))
    t.add_row("relations", str(sum(st.get("relations", {}).values())))
    for k, v in st.get("relations", {}).items():
        t.add_row(f"  {k}", str(v))
    t.add_row("results (leaderboard rows)", str(st.get("results", 0)))
    t.add_row("code/data links", str(st.get("repositories", 0)))
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in report.stages.items())
    t.add_row("elapsed", f"{report.elapsed:.1f} s ({stages})")
    console.print(t)
    problems = ing.get("problems", [])
    if problems:
        console.print(f"[yellow]{len(problems)} input problem(s)[/], first ones:")
        for p in problems[:10]:
            line = p.get("line")
            where = f"{p.get('file')}:{line}" if line is not None else str(p.get("file"))
            console.print(f"  {where}: {p.get('reason')}: {p.get('message', '')}", highlight=False)
        console.print(f"  (all of them are in {report.build_dir / 'build-report.json'})", highlight=False)
    console.print("[bold]outputs[/]")
    for k, v in report.outputs.items():
        console.print(f"  {k}: {v}", highlight=False)
