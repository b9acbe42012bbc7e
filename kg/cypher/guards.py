"""Checks run before a Cypher query reaches LadybugDB: parameter types and the size of ``range()`` lists.

LadybugDB converts parameters with pybind11, which lets a bare ``ValueError`` escape for a list mixing strings and
numbers, and it builds the whole list of a ``range()`` call in memory before the query timeout can act:
``UNWIND range(1, 3e9)`` ends in ``std::bad_alloc`` and ``range(1, 1e8)`` takes gigabytes.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

from kg.errors import QueryError, QueryRefusedError

#: Largest list a ``range()`` call may build (about 8 bytes per element in the engine, so ~80 MB at most).
MAX_RANGE = 10_000_000

_INT64 = (-(2**63), 2**63 - 1)
_NUMBER, _STRING, _BOOL = "number", "string", "boolean"

# Strings, back-quoted names and comments: nothing inside them is code.
_STRIP = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.S)
_RANGE = re.compile(r"(?<![\w.$])range\s*\(", re.I)


def _kind(value: Any, path: str) -> Any:
    """A comparable description of the LadybugDB type ``value`` converts to (None: any type)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise QueryError(
                f"The Cypher parameter {path} is {value}, outside the 64-bit integer range LadybugDB stores "
                f"({_INT64[0]} to {_INT64[1]}); pass it as a float or a string instead."
            )
        return _NUMBER
    if isinstance(value, float):
        return _NUMBER
    if isinstance(value, str):
        return _STRING
    if isinstance(value, (tuple, set, frozenset)):
        raise QueryError(
            f"The Cypher parameter {path} is a {type(value).__name__}, which LadybugDB does not accept; pass a list "
            "instead."
        )
    if isinstance(value, list):
        item: Any = None
        for i, v in enumerate(value):
            item = _merge(item, _kind(v, f"{path}[{i}]"), path)
        return ("list", item)
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, str):
                raise QueryError(
                    f"The Cypher parameter {path} is a map with the key {k!r}, which is not a string; map keys must be "
                    "strings."
                )
        return ("map", tuple(sorted((k, _kind(v, f"{path}.{k}")) for k, v in value.items())))
    return type(value).__name__  # dates, times, UUIDs, ...: left to LadybugDB


def _name(kind: Any) -> str:
    if isinstance(kind, tuple):
        return "a list" if kind[0] == "list" else "a map"
    return f"a {kind}"


def _merge(a: Any, b: Any, path: str) -> Any:
    """The one type that both ``a`` and ``b`` convert to, or a QueryError naming the list that mixes them."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "list":
            return ("list", _merge(a[1], b[1], path))
        keys = dict(a[1])
        for k, v in b[1]:
            keys[k] = _merge(keys.get(k), v, f"{path}[].{k}")
        return ("map", tuple(sorted(keys.items())))
    raise QueryError(
        f"The Cypher parameter {path} is a list mixing {_name(a)} and {_name(b)}; LadybugDB lists hold values of one "
        "type, so pass a list of strings only, of numbers only, of booleans only, or of lists/maps of one shape."
    )


def check_params(params: dict[str, Any]) -> None:
    """Refuse parameters LadybugDB cannot convert, with a sentence naming the parameter and the fix.

    Raises:
        QueryError: a non-string parameter name, a list mixing types, an integer beyond 64 bits, a tuple or set.
    """
    for name, value in params.items():
        if not isinstance(name, str):
            raise QueryError(f"The Cypher parameter name {name!r} is not a string; parameter names are strings.")
        _kind(value, f"${name}")


def _args(code: str, start: int) -> tuple[list[str], int]:
    """The top-level comma-separated arguments of the call whose ``(`` is at ``start``, and the index after ``)``."""
    depth, args, cur = 0, [], start + 1
    for i in range(start, len(code)):
        ch = code[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append(code[cur:i])
                return args, i + 1
        elif ch == "," and depth == 1:
            args.append(code[cur:i])
            cur = i + 1
    return args, len(code)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}


def _constant(text: str, params: dict[str, Any]) -> float | None:
    """The value of an argument made of numbers, parameters and arithmetic only; None when it depends on data."""
    expr = re.sub(r"\$(\w+)", r"__p_\1", text.strip())
    if not expr or "**" in expr:
        return None
    expr = expr.replace("^", "**")  # Cypher's power operator
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return None

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name) and node.id.startswith("__p_"):
            v = params.get(node.id[4:])
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return v
            raise ValueError
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 64:
                return math.inf
            return _OPS[type(node.op)](left, right)
        raise ValueError

    try:
        value = ev(tree.body)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return float(value)


def range_sizes(query: str, params: dict[str, Any] | None = None) -> list[float]:
    """Sizes of the lists built by the ``range()`` calls of ``query`` whose bounds are constants or parameters."""
    code = _STRIP.sub(" ", query)
    out = []
    for m in _RANGE.finditer(code):
        args, _ = _args(code, m.end() - 1)
        if len(args) not in (2, 3):
            continue
        values = [_constant(a, params or {}) for a in args]
        if any(v is None for v in values):
            continue  # bounded by the data; the query timeout still applies
        start, end = values[0], values[1]
        step = values[2] if len(values) == 3 else 1.0
        if step == 0 or math.isnan(start + end + step):
            continue  # LadybugDB rejects these itself
        out.append(max(0.0, math.floor((end - start) / step) + 1))
    return out


def check_ranges(query: str, params: dict[str, Any] | None = None, limit: int = MAX_RANGE) -> None:
    """Refuse a query whose ``range()`` would build a list of more than ``limit`` elements.

    Raises:
        QueryRefusedError: naming the size, the limit and how to ask for less.
    """
    for size in range_sizes(query, params):
        if size > limit:
            raise QueryRefusedError(
                f"The query calls range() for {size:,.0f} values, more than the {limit:,} one query may build "
                "(LadybugDB holds the whole list in memory before the timeout can stop it); ask for a smaller range "
                "or page through it with several queries."
            )


_WORD = re.compile(r"\b(UNION|RETURN|LIMIT)\b", re.I)


def with_row_limit(query: str, max_rows: int) -> str:
    """``query`` with ``LIMIT max_rows`` appended when it ends in a ``RETURN`` that has no ``LIMIT``.

    The engine materialises a whole result before the first row is read, so a cap in the reader alone does not
    bound memory. Queries where an appended LIMIT would change the meaning (``UNION``: it would bind to the last
    part only; a trailing ``;``) are returned unchanged and rely on the reader's cap, the timeout and the memory cap.
    """
    code = _STRIP.sub(" ", query)
    words = [m.group(1).upper() for m in _WORD.finditer(code)]
    if "UNION" in words or not words or words[-1] != "RETURN" or code.rstrip().endswith(";"):
        return query
    tail = code[[m.start() for m in _WORD.finditer(code)][-1]:]
    if tail.count("}") > tail.count("{"):  # the last RETURN closes a subquery
        return query
    return f"{query.rstrip()}\nLIMIT {int(max_rows)}"
