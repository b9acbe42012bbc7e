"""Extraction on a Dask cluster (``kg build --dask ADDRESS`` or ``--dask local``).

The input is cut into partitions; each Dask task extracts one partition with the pipeline loaded once per worker
process, writes its results as a JSON Lines partition file under ``work_dir`` and returns the path. The driver then
reads the partitions back in order, so linking and loading see exactly what a single-process build sees.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterator, Sequence

from kg.errors import BuildError
from kg.graph.io import read_jsonl, write_jsonl
from kg.graph.model import Paper

log = logging.getLogger(__name__)

_WORKER_NLP = None  # one pipeline per worker process, loaded by the first task that needs it


def _extract_partition(index: int, rows: list[dict], work_dir: str) -> str:
    """Dask task: extract one partition of papers and write it to ``work_dir/part-NNNNN.jsonl``."""
    global _WORKER_NLP
    from kg.extract import extract_paper, load_pipeline

    if _WORKER_NLP is None:
        _WORKER_NLP = load_pipeline()
    path = Path(work_dir) / f"part-{index:05d}.jsonl"
    write_jsonl(path, (extract_paper(_WORKER_NLP, Paper.from_dict(r)).to_dict() for r in rows))
    return str(path)


def partition(papers: Sequence[Paper], size: int) -> list[list[Paper]]:
    return [list(papers[i : i + size]) for i in range(0, len(papers), size)]


def extract_on_dask(
    papers: Sequence[Paper], scheduler: str, *, work_dir: Path, partition_size: int = 256, n_workers: int | None = None
) -> Iterator["PaperExtraction"]:  # noqa: F821
    """Extract ``papers`` on the Dask cluster at ``scheduler`` (or a local one for ``"local"``), in input order.

    Raises:
        BuildError: dask is not installed or the scheduler cannot be reached.
    """
    from kg.extract.document import PaperExtraction

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BuildError("--dask needs the dask extra: pip install 'mlkg[dask]'.") from exc
    if not papers:
        return
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    for old in work_dir.glob("part-*.jsonl"):
        old.unlink()
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, host="127.0.0.1",
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise BuildError(f"Cannot reach the Dask scheduler at {scheduler!r} ({exc}). Start it, or use --dask local.") from exc
    try:
        parts = partition(papers, partition_size)
        log.info("extracting %d papers in %d partitions on %s", len(papers), len(parts), client)
        futures = [
            client.submit(_extract_partition, i, [p.to_dict() for p in part], str(work_dir), pure=False)
            for i, part in enumerate(parts)
        ]
        for fut in futures:  # in partition order: the output order does not depend on the cluster
            for row in read_jsonl(Path(fut.result())):
                yield PaperExtraction.from_dict(row)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
