"""The fast paths of ``kg extract`` give the same output as the plain one: any number of workers, any task sizes.

Behaviour only (speed figures live in ``benchmarks/bench_extract.py``).
"""

from __future__ import annotations

import pytest

from kg.extract import pipeline as P
from kg.extract.cli_commands import run_extract


@pytest.mark.parametrize("total,workers,batch", [(0, 2, 64), (1, 2, 64), (7, 2, 64), (1017, 2, 64), (300, 3, 16), (50, 2, 8)])
def test_task_sizes_cover_every_paper_once(total, workers, batch):
    sizes = list(P._task_sizes(total, workers, batch))
    assert sum(sizes) == total
    assert all(0 < n <= batch for n in sizes)
    # tasks never grow towards the end: the tail is made of the small ones
    assert sizes == sorted(sizes, reverse=True)


def test_task_sizes_of_an_unknown_total_are_half_batches():
    gen = P._task_sizes(None, 2, 64)
    assert [next(gen) for _ in range(3)] == [32, 32, 32]


@pytest.fixture(scope="module")
def serial_output(tmp_path_factory, sample_corpus):
    out = tmp_path_factory.mktemp("serial") / "one.jsonl"
    run_extract([sample_corpus], output=out, workers=1)
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("batch_size", [8, 64])
def test_two_workers_and_any_task_size_write_identical_lines(tmp_path, sample_corpus, serial_output, batch_size):
    out = tmp_path / "two.jsonl"
    summary = run_extract([sample_corpus], output=out, workers=2, batch_size=batch_size)
    text = out.read_text(encoding="utf-8")
    assert text == serial_output
    assert summary["papers"] == text.count("\n") > 0


def test_allocator_tuning_is_idempotent():
    P._tune_allocator()
    P._tune_allocator()
    assert P._ALLOCATOR_TUNED


def test_shipped_pipeline_multiplies_with_numpy_and_predicts_as_with_blis(sample_corpus):
    """The NER's thinc models use NumPy's gemm (kg.extract.blas); thinc's blis default gives the same entities."""
    from thinc.api import NumpyOps

    from kg.extract import load_pipeline
    from kg.ingest import read_papers

    nlp = load_pipeline()
    ner = nlp.get_pipe("ner")
    nodes = list(ner.model.walk())
    assert nodes and all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)
    texts = [f"{p.title}\n\n{p.abstract}" for p in read_papers([sample_corpus])]
    assert len(texts) >= 20

    def entities():
        return [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in ner.pipe(nlp.make_doc(t) for t in texts)]

    with P.single_blas_thread():
        with_numpy = entities()
        blis = NumpyOps()  # thinc's default: blis
        for n in nodes:
            n.ops = blis
        try:
            with_blis = entities()
        finally:
            P.use_numpy_gemm(nlp)
    assert sum(map(len, with_numpy)) > 100
    assert with_numpy == with_blis


def test_extraction_holds_blas_at_one_thread_and_restores_it():
    from threadpoolctl import threadpool_info, threadpool_limits

    from kg.graph.model import Paper

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    # two threads before, whatever the environment set, so that both the limit and its restoring can be seen
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        assert before and set(before) == {2}, before
        seen = []
        papers = [Paper(id=f"p{i}", title="BERT", abstract="We fine-tune BERT on SQuAD with 91.2 F1.") for i in range(3)]
        for _ex in P.extract_papers(papers):
            seen.append(blas_threads())
        assert seen and all(set(s) == {1} for s in seen)
        assert blas_threads() == before
