"""Matrix products of the NER at inference time: NumPy's BLAS, one thread per process.

thinc multiplies matrices with the ``blis`` package by default. On the machines this project runs on (2-core AMD
EPYC VMs) blis reaches about 22 GFLOPS on the NER's shapes against about 85 for NumPy's OpenBLAS on one thread
(``(6000 x 256) @ (256 x 192)``: 26 ms against 7 ms), and the tok2vec and the parser's precomputed hidden layer are
mostly such products. :func:`use_numpy_gemm` points the pipeline's thinc models at ``NumpyOps(use_blis=False)``,
whose ``gemm`` is ``numpy.dot``; predictions are the same up to float rounding (identical entities on every
record of the shared corpus). ``kg train`` trains with the same ops (:mod:`kg.extract.training`).

OpenBLAS would start one thread per core for each product; with one extraction process per core that
oversubscribes the machine, so :func:`single_blas_thread` holds BLAS at one thread while extraction runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from spacy.language import Language
from thinc.api import NumpyOps

_NUMPY_GEMM = NumpyOps(use_blis=False)


def use_numpy_gemm(nlp: Language) -> Language:
    """Make every thinc model of ``nlp``'s components multiply with NumPy (in place; returns ``nlp``)."""
    for _name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if isinstance(node.ops, NumpyOps):
                node.ops = _NUMPY_GEMM
    return nlp


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit the BLAS libraries loaded in this process to one thread (restored on exit); forked children inherit it."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def hold_one_blas_thread() -> None:
    """Limit the BLAS libraries to one thread for the rest of this process (an extraction worker's start)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
