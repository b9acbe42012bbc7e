"""``gc_paused()``: the cyclic garbage collector off while a stage builds many long-lived objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable Python's cyclic garbage collector for the ``with`` block; re-enable it (if it was on) after.

    Linking and the stores allocate hundreds of thousands of objects that live until the build ends (mentions,
    relations, evidence, the stores' rows) and make few reference cycles. With the collector on, its passes keep
    walking that growing heap: about 30 % of ``link()`` on 8,000 texts, and more per text the larger the corpus
    (``benchmarks/bench_link_scale.py``). Reference counting still frees everything that is not in a cycle; the
    few cycles made meanwhile are collected once the collector is back on.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
