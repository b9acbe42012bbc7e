"""Work handed to forked processes, which inherit the parent's objects instead of receiving them through a pipe.

:func:`map_shares` spreads per-paper linking steps over the cores in contiguous shares of the corpus;
:func:`forked_call` runs one job beside the caller (``kg build --workers N`` loads the Cypher store that way while
it loads the SPARQL store itself).

Most of :func:`kg.link.link` reads one paper at a time against corpus-wide tables built just before (the
propagation lexicon, the canonical entities). With ``workers > 1`` those loops run in ``workers`` shares at once:
the parent forks ``workers - 1`` processes, which inherit the tables and the papers without copying them through a
pipe, computes the first share itself, and receives the other shares' results (pickled) in corpus order. Callers
merge the shares in that order, so the graph is identical to a one-process link.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: below this many items a share, forking and pickling cost more than the share's work saves
MIN_ITEMS_PER_SHARE = 128

#: locks held while this module forks (see :func:`fork_guard`)
_GUARDS: list[Any] = []


@contextlib.contextmanager
def fork_guard(lock: Any) -> Iterator[None]:
    """Hold ``lock`` whenever this module forks while the block runs.

    A forked child gets a copy of every lock as it was at the fork. A thread of the parent that writes to a stream
    under a lock (a progress display on stderr) must not be caught mid-write, or the child would block on that
    stream for ever: the build passes that thread's lock here, so no fork happens while it is held.
    """
    _GUARDS.append(lock)
    try:
        yield
    finally:
        _GUARDS.remove(lock)


def _fork_pool(ctx: Any, processes: int) -> Any:
    """``ctx.Pool(processes)`` (the fork happens here) with the guards held."""
    with contextlib.ExitStack() as held:
        for lock in _GUARDS:
            held.enter_context(lock)
        return ctx.Pool(processes)


#: (function, items) of the running map: set before the fork, so the children read it from their copy of memory
_JOB: tuple[Callable[[Sequence[Any]], Any], Sequence[Any]] | None = None


def _run_share(bounds: tuple[int, int]) -> Any:
    assert _JOB is not None, "a share ran outside map_shares"
    fn, items = _JOB
    return fn(items[bounds[0] : bounds[1]])


def share_bounds(n: int, workers: int, min_items: int | None = None) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` ranges covering ``range(n)``: ``workers`` of them at most, none under
    ``min_items`` items (one range when ``n`` is small)."""
    min_items = MIN_ITEMS_PER_SHARE if min_items is None else min_items
    k = max(1, min(workers, n // max(1, min_items)))
    cuts = [round(i * n / k) for i in range(k + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(k)]


def map_shares(fn: Callable[[Sequence[T]], R], items: Sequence[T], workers: int = 1) -> list[R]:
    """``[fn(share) for share in shares of items]``, the shares in order, the later ones in forked processes.

    ``fn`` may be a closure: nothing but the share bounds and ``fn``'s results crosses a process boundary, so its
    results must pickle. It must not rely on changes it makes to shared objects (a child's changes stay in the
    child); it returns what the caller merges. Without ``fork`` (not on Linux), or for a small input, every share
    runs here: same results, one process.
    """
    global _JOB
    bounds = share_bounds(len(items), workers)
    if len(bounds) == 1:
        return [fn(items)]
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return [fn(items[lo:hi]) for lo, hi in bounds]
    if _JOB is not None:  # pragma: no cover - a nested map would overwrite the running one's job
        raise RuntimeError("map_shares is not re-entrant")
    _JOB = (fn, items)
    try:
        with _fork_pool(ctx, len(bounds) - 1) as pool:
            pending = pool.map_async(_run_share, bounds[1:], chunksize=1)
            first = fn(items[bounds[0][0] : bounds[0][1]])
            rest = pending.get()
    finally:
        _JOB = None
    log.debug("ran %d items in %d shares", len(items), len(bounds))
    return [first, *rest]


#: the function of the running :func:`forked_call`, read by its child from its copy of memory
_CALL: Callable[[], Any] | None = None


def _run_call() -> Any:
    assert _CALL is not None, "a forked call ran outside forked_call"
    return _CALL()


class ForkedCall:
    """Handle of a :func:`forked_call`: :meth:`result` waits for the child and returns what ``fn`` returned."""

    def __init__(self, pending: Any) -> None:
        self._pending = pending

    def result(self) -> Any:
        return self._pending.get()


@contextlib.contextmanager
def forked_call(fn: Callable[[], R]) -> Iterator[ForkedCall]:
    """Run ``fn()`` in a forked process while the ``with`` block runs; ``handle.result()`` gives its result.

    The child sees the parent's objects as they are at the fork (a snapshot: later changes on either side stay on
    that side), and ``fn``'s result must pickle. Its exceptions are raised by ``result()``. Leaving the block
    without calling ``result()`` stops the child. Without ``fork``, ``fn`` runs at once, here.
    """
    global _CALL
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork

        class _Done:
            def __init__(self, value: Any) -> None:
                self.value = value

            def get(self) -> Any:
                return self.value

        yield ForkedCall(_Done(fn()))
        return
    if _CALL is not None:  # pragma: no cover
        raise RuntimeError("forked_call is not re-entrant")
    _CALL = fn
    try:
        pool = _fork_pool(ctx, 1)  # the fork: the child holds fn from here on
    finally:
        _CALL = None
    with pool:
        pending = pool.apply_async(_run_call)
        # the child exits once fn returns instead of idling until the block ends with all fn took (the Cypher store's
        # process held 12 GiB for minutes of a 100k build after its store was written)
        pool.close()
        yield ForkedCall(pending)
