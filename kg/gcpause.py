"""``gc_paused()``: the cyclic garbage collector off while a stage builds many long-lived objects; ``release_free_memory()``."""

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


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``); False where there is no glibc.

    Freed Python objects that were allocated through ``malloc`` (list and dict tables, long strings) stay in the
    process's heap, reusable by it but counted in its RSS and not in the machine's available memory. A build frees
    its extraction results once they are linked, just before it decides from the available memory whether the two
    stores can load side by side and before it forks the Cypher store's process; trimming then took the driver of a
    10k-abstract rebuild from 1,190 to 955 MiB.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return False
    if trim is None:
        return False
    trim(0)
    return True
