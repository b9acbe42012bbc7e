"""Reading and writing the canonical graph in a build directory.

Layout (see README "Build directory"): ``DIR/graph/{papers,entities,mentions,relations,results,repositories}.jsonl``
and ``DIR/graph/meta.json``. Every file is written atomically and in canonical order, so two builds of the same
input give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

from kg.errors import BuildDirError
from kg.graph.model import Entity, KnowledgeGraph, Mention, Paper, Relation, Repository, Result

GRAPH_SUBDIR = "graph"
_COLLECTIONS = {
    "papers": Paper,
    "entities": Entity,
    "mentions": Mention,
    "relations": Relation,
    "results": Result,
    "repositories": Repository,
}


def dumps(obj: Any) -> str:
    """One-line JSON with sorted keys, UTF-8 kept (and lone surrogates, which the files keep with
    ``surrogatepass``)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[Any]:
    """Write ``path`` through a temporary file in the same directory, renamed into place on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {"encoding": "utf-8", "errors": "surrogatepass"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _line(row: Any) -> str:
    """One JSON line of a dict (keys sorted) or of a graph record (fields in declaration order).

    orjson writes a record straight from its dataclass fields, without the dict copy ``to_dict`` makes. What it
    refuses (a lone surrogate, which UTF-8 cannot hold; an integer beyond 64 bits) goes through :func:`dumps`, and
    so does a result whose value is not finite (a number of 400 digits in an abstract), which orjson would write as
    ``null``: :func:`read_jsonl` reads both.
    """
    try:
        if isinstance(row, dict):
            return orjson.dumps(row, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        if type(row) is Result and row.value is not None and not math.isfinite(row.value):
            return dumps(row.to_dict())
        # sorted keys apply to the dicts inside a record (a result's surface forms); fields keep their order
        return orjson.dumps(row, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:
        return dumps(row if isinstance(row, dict) else row.to_dict())


def write_jsonl(path: Path, rows: Iterable[Any], digest: Any = None) -> int:
    """Atomically write ``rows`` (dicts or graph records) as JSON Lines; return the number of rows.

    ``digest`` (a hashlib object), when given, is updated with every line written.
    """
    n = 0
    with atomic_write(path) as fh:
        for row in rows:
            line = _line(row) + "\n"
            fh.write(line)
            if digest is not None:
                digest.update(line.encode("utf-8", "surrogatepass"))
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            if line.strip():
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError:  # a lone surrogate or NaN, which only the json module reads
                    yield json.loads(line)


def save_graph(
    graph: KnowledgeGraph,
    build_dir: str | os.PathLike[str],
    meta: Callable[[str], dict[str, Any]] | None = None,
) -> Path:
    """Write ``graph`` into ``build_dir/graph/`` in canonical order; return that directory.

    The files go into a fresh ``graph-XXXX`` folder and the ``graph`` symlink is then swapped onto it in one
    atomic rename, so a reader (or a build killed half-way) always sees one whole graph, old or new.

    Args:
        graph: the graph to write.
        build_dir: the build directory.
        meta: called with the SHA-1 of the written collections; what it returns becomes ``graph.meta``
            (so the metadata can depend on the content without serialising the graph twice).
    """
    g = graph.sorted()
    root = Path(build_dir)
    root.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f"{GRAPH_SUBDIR}-", dir=root))
    os.chmod(new, 0o755)
    digest = hashlib.sha1()
    for name in _COLLECTIONS:
        coll = getattr(g, name)
        items = coll.values() if isinstance(coll, dict) else coll
        write_jsonl(new / f"{name}.jsonl", items, digest)
    if meta is not None:
        graph.meta = g.meta = meta(digest.hexdigest())
    with atomic_write(new / "meta.json") as fh:
        fh.write(json.dumps(g.meta, ensure_ascii=False, sort_keys=True, indent=2))
    link = root / GRAPH_SUBDIR
    tmp_link = root / f".{GRAPH_SUBDIR}-link-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(new.name, tmp_link)
    os.replace(tmp_link, link)
    for old in root.glob(f"{GRAPH_SUBDIR}-*"):
        if old != new and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return link


def _record(cls: type, data: dict[str, Any]) -> Any:
    """``cls.from_dict(data)``, without its per-key checks when the row holds exactly the fields this version writes."""
    try:
        obj = cls(**data)
    except TypeError:  # a field another version wrote, or one missing: the careful path
        return cls.from_dict(data)
    for name, sub in cls._nested.items():
        v = getattr(obj, name)
        if v is not None:
            try:
                setattr(obj, name, [sub(**x) for x in v] if isinstance(v, list) else sub(**v))
            except TypeError:
                return cls.from_dict(data)
    return obj


def is_build_dir(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / GRAPH_SUBDIR / "meta.json").is_file()


def load_graph(build_dir: str | os.PathLike[str]) -> KnowledgeGraph:
    """Read the graph saved by :func:`save_graph`.

    Raises:
        BuildDirError: ``build_dir`` holds no graph.
    """
    root = Path(build_dir) / GRAPH_SUBDIR
    if not (root / "meta.json").is_file():
        raise BuildDirError(
            f"{build_dir} is not a kg build directory (no {GRAPH_SUBDIR}/meta.json). "
            f"Build one first with `kg build INPUT -o {build_dir}`."
        )
    g = KnowledgeGraph()
    one = {}.setdefault
    for name, cls in _COLLECTIONS.items():
        path = root / f"{name}.jsonl"
        rows = [_share_strings(_record(cls, d), one) for d in read_jsonl(path)] if path.exists() else []
        if name == "mentions":
            g.mentions = rows
        else:
            setattr(g, name, {r.id: r for r in rows})
    g.meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    return g


def _share_strings(r: Any, one: Callable[[Any, Any], Any]) -> Any:
    """``r`` with equal values of the fields that repeat made one string object (``one`` is a pool's setdefault).

    Every row read from JSON gets its own copy of each string: a sentence that supports twenty statements was
    twenty strings, the same paper id tens of thousands. Sharing them as each row is read (so the copies are freed
    and their memory reused at once) keeps the graph smaller in memory, which is what bounds the size of a build on
    one machine.
    """
    if isinstance(r, Mention):
        r.paper, r.field, r.type, r.entity, r.source = (
            one(r.paper, r.paper), one(r.field, r.field), one(r.type, r.type), one(r.entity, r.entity), one(r.source, r.source)
        )
        return r
    if isinstance(r, Relation):
        r.type, r.source, r.target = one(r.type, r.type), one(r.source, r.source), one(r.target, r.target)
    for ev in getattr(r, "evidence", None) or ():
        ev.paper, ev.field, ev.extractor, ev.sentence = (
            one(ev.paper, ev.paper), one(ev.field, ev.field), one(ev.extractor, ev.extractor), one(ev.sentence, ev.sentence)
        )
    return r
