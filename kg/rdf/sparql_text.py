"""Looking at SPARQL text without running it: what kind of operation it is, whether it federates, and binding
parameters as RDF terms in an inline ``VALUES`` block.

The scanner knows SPARQL's lexical rules for comments, strings (all four quote styles), IRIs, variables and
prefixed names, so a keyword inside a string, an IRI or a comment is never mistaken for one in the query. Bare
words stop at '.', because the parser splits ``true.SERVICE`` into ``true`` ``.`` ``SERVICE``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryError, QueryRefusedError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\U0010ffff]+)
  | (?P<word>(?:[A-Za-z_\u00c0-\U0010ffff][A-Za-z0-9_\-.\u00b7-\U0010ffff]*)?:[^\s{}()\[\];,<>"'=!|&+*/^]*
            |[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
    """,
    re.X | re.S,
)

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokenize(query: str) -> list[Token]:
    """Significant tokens of ``query`` (whitespace and comments dropped)."""
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def operation_kind(tokens: list[Token]) -> str:
    """``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE`` for queries, the first keyword for updates.

    Raises:
        QueryError: the text has no query or update keyword after its prologue.
    """
    i = 0
    while i < len(tokens):
        t = tokens[i]
        up = t.text.upper() if t.kind == "word" else ""
        if up == "BASE":
            i += 2
            continue
        if up == "PREFIX":
            i += 3
            continue
        if up in QUERY_FORMS or up in UPDATE_FORMS:
            return up
        break
    raise QueryError(
        "The text is not a SPARQL query: after its PREFIX/BASE declarations it must start with SELECT, ASK, "
        "CONSTRUCT or DESCRIBE."
    )


def uses_service(tokens: list[Token]) -> bool:
    """Whether the query federates (a ``SERVICE`` keyword outside strings, IRIs and comments)."""
    return any(t.kind == "word" and t.text.upper() == "SERVICE" for t in tokens)


def check_read_only(query: str, allow_update: bool = False) -> str:
    """Classify ``query`` and refuse what would write, load or reach outside the store.

    Returns:
        The operation keyword (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or an update keyword when allowed).

    Raises:
        QueryRefusedError: an update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD, WITH) or a
            federated ``SERVICE`` call without ``allow_update``.
        QueryError: the text is not a SPARQL operation.
    """
    tokens = tokenize(query)
    kind = operation_kind(tokens)
    if allow_update:
        return kind
    if kind in UPDATE_FORMS:
        raise QueryRefusedError(
            f"The query is a SPARQL update ({kind}) and was refused: queries are read-only. "
            "Pass --allow-update (allow_update=True) if you really mean to change the store."
        )
    if uses_service(tokens):
        raise QueryRefusedError(
            "The query calls SERVICE (a federated query to another endpoint) and was refused: queries may not reach "
            "the network. Pass --allow-update (allow_update=True) to allow it explicitly."
        )
    return kind


# -- parameters ------------------------------------------------------------------------------------
def param_term(value: Any) -> str:
    """``value`` as a SPARQL term in N-Triples syntax (escaped by pyoxigraph, so any text stays one literal)."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    from kg.rdf.mapping import clean_text

    xsd = "http://www.w3.org/2001/XMLSchema#"
    if value is None:
        return "UNDEF"
    if isinstance(value, (NamedNode, Literal)):
        return str(value)
    if isinstance(value, BlankNode):
        raise QueryError("A blank node cannot be a query parameter; use an IRI or a literal.")
    if isinstance(value, bool):
        return str(Literal("true" if value else "false", datatype=NamedNode(xsd + "boolean")))
    if isinstance(value, int):
        return str(Literal(str(value), datatype=NamedNode(xsd + "integer")))
    if isinstance(value, float):
        lex = "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF") if math.isinf(value) else repr(value)
        return str(Literal(lex, datatype=NamedNode(xsd + "double")))
    if isinstance(value, str):
        return str(Literal(clean_text(value)))
    try:  # rdflib terms
        from rdflib import Literal as RLiteral, URIRef

        if isinstance(value, URIRef):
            return str(NamedNode(str(value)))
        if isinstance(value, RLiteral):
            if value.language:
                return str(Literal(clean_text(str(value)), language=value.language))
            dt = value.datatype or (xsd + "string")
            return str(Literal(clean_text(str(value)), datatype=NamedNode(str(dt))))
    except ValueError as exc:
        raise QueryError(f"The parameter value {value!r} is not a valid RDF term: {exc}.") from exc
    raise QueryError(
        f"A query parameter must be a string, number, boolean, None or RDF term, got {type(value).__name__}."
    )


def _matching_brace(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == "{":
            depth += 1
        elif tokens[j].text == "}":
            depth -= 1
            if depth == 0:
                return j
    raise QueryError("The query has an unbalanced '{'; check its braces.")


#: Parameters that set the query's solution modifiers (``LIMIT``/``OFFSET``) rather than bind a variable.
PAGING_PARAMS = ("limit", "offset")
_INTEGER = re.compile(r"\s*([0-9]+)")


def _page_value(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():  # not "²", which int() refuses
            return int(value.strip())
        raise QueryError(f"The parameter {name!r} must be a non-negative integer, got {value!r}.")
    if value < 0:
        raise QueryError(f"The parameter {name!r} must be a non-negative integer, got {value}.")
    return value


def bind_paging(query: str, limit: Any = None, offset: Any = None) -> str:
    """``query`` with its top-level ``LIMIT``/``OFFSET`` set to ``limit``/``offset`` (added when absent).

    SPARQL has no variables in solution modifiers, so paging is the one place where a value enters the text: it
    must be a non-negative integer (an ``int`` or a string of digits) and is written back as digits, so it cannot
    change the query's structure. Only the modifiers of the outer query change (sub-selects keep theirs).

    Raises:
        QueryError: a value is not a non-negative integer.
    """
    values = {k: _page_value(k, v) for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    if not values:
        return query
    tokens = tokenize(query)
    depth, found = 0, {}
    for t in tokens:
        if t.kind == "punct" and t.text in "{}":
            depth += 1 if t.text == "{" else -1
        elif depth == 0 and t.kind == "word" and t.text.lower() in values:
            m = _INTEGER.match(query, t.end)
            if m:
                found[t.text.lower()] = m.span(1)
    # replace from the end so earlier spans stay valid
    for name, (a, b) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        query = query[:a] + str(values[name]) + query[b:]
    missing = [k for k in ("limit", "offset") if k in values and k not in found]
    if missing:
        query = query.rstrip() + "\n" + " ".join(f"{k.upper()} {values[k]}" for k in missing)
    return query


def bind_params(query: str, params: dict[str, Any] | None) -> str:
    """Bind ``params`` by inserting ``VALUES (?a ?b) { (term term) }`` at the start of the query's WHERE pattern.

    Values become RDF terms (strings are escaped literals, numbers typed literals), so no value can change the
    query's structure. ``limit`` and ``offset``, when the query has no such variable, set its ``LIMIT`` and
    ``OFFSET`` instead (:func:`bind_paging`). Each parameter must be a variable of the query, ``?NAME`` or ``?NAME_key``: a string
    parameter also binds ``?NAME_key`` to its lookup key (lower-cased, as in ``mlkg:lookupKey``) when the query
    uses that variable.

    Raises:
        QueryError: a parameter name is invalid or is not a variable of the query, or the query has no WHERE
            pattern to bind into.
    """
    if not params:
        return query
    tokens = tokenize(query)
    variables = {t.text[1:] for t in tokens if t.kind == "var"}
    paging = {k: params[k] for k in PAGING_PARAMS if k in params and k not in variables}
    if paging:
        query = bind_paging(query, **paging)
        params = {k: v for k, v in params.items() if k not in paging}
        if not params:
            return query
        tokens = tokenize(query)
    for name in params:
        if not _PARAM_NAME.match(name):
            raise QueryError(f"{name!r} is not a valid parameter name (letters, digits and _ only).")
        if name not in variables and f"{name}_key" not in variables:
            raise QueryError(
                f"The query has no variable ?{name} to bind the parameter {name!r} to. "
                f"Its variables are: {', '.join(sorted(variables)) or 'none'}."
            )
    # Convention of the named queries: a string parameter NAME also binds ?NAME_key, its lookup key (as in
    # mlkg:lookupKey), when the query uses that variable. A key bound in VALUES is an index lookup for Oxigraph,
    # where BIND(LCASE(?NAME) AS ?NAME_key) would make it scan every key.
    from kg.rdf.mapping import lookup_key

    params = dict(params)
    for name, value in list(params.items()):
        key_var = f"{name}_key"
        if isinstance(value, str) and key_var in variables and key_var not in params:
            params[key_var] = lookup_key(value)
        if name not in variables:  # only its key is used
            del params[name]
    kind = operation_kind(tokens)
    # The WHERE pattern: the '{' after a top-level WHERE keyword; without WHERE, the first (SELECT/ASK/DESCRIBE)
    # or second (CONSTRUCT: the first is the template) top-level '{'.
    depth_paren, depth_brace, top_braces, where_at = 0, 0, [], None
    for i, t in enumerate(tokens):
        if t.kind == "punct":
            if t.text == "(":
                depth_paren += 1
            elif t.text == ")":
                depth_paren -= 1
            elif t.text == "{":
                if depth_brace == 0 and depth_paren == 0:
                    top_braces.append(i)
                depth_brace += 1
            elif t.text == "}":
                depth_brace -= 1
        elif t.kind == "word" and t.text.upper() == "WHERE" and depth_brace == 0 and depth_paren == 0 and where_at is None:
            where_at = i
    if where_at is not None:
        opens = [i for i in top_braces if i > where_at]
    else:
        opens = top_braces[1:] if kind == "CONSTRUCT" else top_braces
    if not opens:
        raise QueryError("The query has no WHERE pattern to bind parameters into.")
    at = opens[0]
    names = sorted(params)
    values = (
        " VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(param_term(params[n]) for n in names) + ") } "
    )
    pos = tokens[at].end
    nxt = tokens[at + 1] if at + 1 < len(tokens) else None
    if nxt is not None and nxt.kind == "word" and nxt.text.upper() == "SELECT":
        # '{ SELECT ... }' is a sub-select, which cannot share its group with VALUES: wrap it in its own group.
        close = tokens[_matching_brace(tokens, at)].start
        return query[:pos] + values + "{" + query[pos:close] + "}" + query[close:]
    return query[:pos] + values + query[pos:]
