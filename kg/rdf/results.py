"""SPARQL results as plain Python values, and their renderings (W3C JSON/XML, CSV, TSV, a text table).

Terms travel as small tuples so that they can cross a process boundary: ``("uri", iri)``, ``("bnode", id)``,
``("literal", lexical, datatype, language)`` and ``("triple", s, p, o)``; ``None`` is an unbound variable.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as xml_escape, quoteattr

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGERS = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "negativeInteger",
                               "nonPositiveInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
                               "unsignedShort", "unsignedByte")}
_FLOATS = {XSD + "decimal", XSD + "double", XSD + "float"}

Term = tuple  # see module docstring


def term_from_oxigraph(t: Any) -> Term | None:
    """A pyoxigraph term as a portable tuple."""
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    if t is None:
        return None
    if isinstance(t, NamedNode):
        return ("uri", t.value)
    if isinstance(t, BlankNode):
        return ("bnode", t.value)
    if isinstance(t, Literal):
        return ("literal", t.value, t.datatype.value, t.language)
    if isinstance(t, Triple):
        return ("triple", term_from_oxigraph(t.subject), term_from_oxigraph(t.predicate), term_from_oxigraph(t.object))
    raise TypeError(f"unexpected RDF term {t!r}")


def term_to_oxigraph(t: Term | None) -> Any:
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    if t is None:
        return None
    kind = t[0]
    if kind == "uri":
        return NamedNode(t[1])
    if kind == "bnode":
        return BlankNode(t[1])
    if kind == "literal":
        return Literal(t[1], language=t[3]) if t[3] else Literal(t[1], datatype=NamedNode(t[2]))
    return Triple(term_to_oxigraph(t[1]), term_to_oxigraph(t[2]), term_to_oxigraph(t[3]))


def to_python(t: Term | None) -> Any:
    """Plain Python value of a term: IRIs as ``str``, integers as ``int``, decimals/doubles as ``float``,
    booleans as ``bool``, other literals as their lexical ``str``, blank nodes as ``"_:id"``."""
    if t is None:
        return None
    kind = t[0]
    if kind == "uri":
        return t[1]
    if kind == "bnode":
        return "_:" + t[1]
    if kind == "triple":
        return tuple(to_python(x) for x in t[1:])
    lex, dt = t[1], t[2]
    try:
        if dt in _INTEGERS:
            return int(lex)
        if dt in _FLOATS:
            return float(lex)
        if dt == XSD + "boolean":
            return lex in ("true", "1")
    except ValueError:
        pass
    return lex


def term_to_ntriples(t: Term | None) -> str:
    """N-Triples/Turtle syntax of a term (the TSV results format uses it); ``""`` when unbound."""
    return "" if t is None else str(term_to_oxigraph(t))


def _json_term(t: Term) -> dict[str, Any]:
    kind = t[0]
    if kind == "uri":
        return {"type": "uri", "value": t[1]}
    if kind == "bnode":
        return {"type": "bnode", "value": t[1]}
    if kind == "triple":
        return {"type": "triple", "value": {"subject": _json_term(t[1]), "predicate": _json_term(t[2]),
                                            "object": _json_term(t[3])}}
    out: dict[str, Any] = {"type": "literal", "value": t[1]}
    if t[3]:
        out["xml:lang"] = t[3]
    elif t[2] != XSD + "string":
        out["datatype"] = t[2]
    return out


@dataclass
class SparqlResult:
    """The answer to one SPARQL query.

    Attributes:
        kind: ``"select"``, ``"ask"``, ``"graph"`` (CONSTRUCT/DESCRIBE) or ``"update"``.
        vars: the projected variables (``["subject", "predicate", "object"]`` for graphs).
        terms: rows of term tuples (see the module docstring); for graphs one row per triple.
        boolean: the answer of an ASK query.
        truncated: rows were cut at the caller's ``max_rows``.
        elapsed: seconds spent by the engine.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    terms: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False
    elapsed: float = 0.0

    @property
    def rows(self) -> list[list[Any]]:
        """Rows as plain Python values (see :func:`to_python`)."""
        return [[to_python(t) for t in row] for row in self.terms]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.vars, row)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.terms)

    # -- renderings ------------------------------------------------------------------------------
    def to_w3c_json(self) -> dict[str, Any]:
        """SPARQL 1.1 Query Results JSON (SELECT and ASK; graphs as subject/predicate/object bindings)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [{v: _json_term(t) for v, t in zip(self.vars, row) if t is not None} for row in self.terms]
        return {"head": {"vars": list(self.vars)}, "results": {"bindings": bindings}}

    def to_json(self) -> str:
        return json.dumps(self.to_w3c_json(), ensure_ascii=False, indent=2)

    def to_xml(self) -> str:
        """SPARQL Query Results XML Format."""
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        if self.kind == "ask":
            out += ["</head>", f"<boolean>{'true' if self.boolean else 'false'}</boolean>", "</sparql>"]
            return "\n".join(out) + "\n"
        out += [f"<variable name={quoteattr(v)}/>" for v in self.vars]
        out += ["</head>", "<results>"]
        for row in self.terms:
            out.append("<result>")
            for v, t in zip(self.vars, row):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out += ["</results>", "</sparql>"]
        return "\n".join(out) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (plain values; ASK gives one ``boolean`` column)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if self.kind == "ask":
            w.writerow(["boolean"])
            w.writerow(["true" if self.boolean else "false"])
            return buf.getvalue()
        w.writerow(self.vars)
        for row in self.terms:
            w.writerow(["" if t is None else ("_:" + t[1] if t[0] == "bnode" else
                                              term_to_ntriples(t) if t[0] == "triple" else t[1]) for t in row])
        return buf.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV (terms in Turtle/N-Triples syntax, so tabs and newlines stay escaped)."""
        if self.kind == "ask":
            return "?boolean\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join("?" + v for v in self.vars)]
        lines += ["\t".join(term_to_ntriples(t) for t in row) for row in self.terms]
        return "\n".join(lines) + "\n"

    def to_table(self, max_width: int = 60) -> str:
        """A fixed-width text table for terminals (values shortened to ``max_width``; control characters shown
        escaped so that no value can move the cursor or break the layout)."""
        if self.kind == "ask":
            return "true\n" if self.boolean else "false\n"

        def cell(v: Any) -> str:
            s = "" if v is None else str(v)
            s = s.encode("unicode_escape").decode("ascii") if not s.isprintable() else s
            return s if len(s) <= max_width else s[: max_width - 1] + "…"

        rows = [[cell(v) for v in row] for row in self.rows]
        widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(self.vars)]
        line = "  ".join(v.ljust(w) for v, w in zip(self.vars, widths)).rstrip()
        out = [line, "  ".join("-" * w for w in widths)]
        out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if self.truncated else ''})")
        return "\n".join(out) + "\n"

    def to_rdf(self, fmt: str = "ntriples") -> bytes:
        """The triples of a CONSTRUCT/DESCRIBE result serialised by pyoxigraph (turtle, ntriples, jsonld, rdfxml)."""
        from kg.rdf.export import rdf_format
        from pyoxigraph import Triple, serialize

        triples = [Triple(*(term_to_oxigraph(t) for t in row)) for row in self.terms]
        return serialize(triples, format=rdf_format(fmt)) or b""

    def render(self, fmt: str) -> str:
        """``table``, ``json``, ``csv``, ``tsv`` or ``xml``."""
        renderers = {"table": self.to_table, "json": self.to_json, "csv": self.to_csv, "tsv": self.to_tsv,
                     "xml": self.to_xml}
        if fmt not in renderers:
            from kg.errors import QueryError

            raise QueryError(f"Unknown result format {fmt!r}. Valid formats: {', '.join(renderers)}.")
        text = renderers[fmt]()
        return text if text.endswith("\n") else text + "\n"


def _xml_term(t: Term) -> str:
    kind = t[0]
    if kind == "uri":
        return f"<uri>{xml_escape(t[1])}</uri>"
    if kind == "bnode":
        return f"<bnode>{xml_escape(t[1])}</bnode>"
    if kind == "triple":
        return (f"<triple><subject>{_xml_term(t[1])}</subject><predicate>{_xml_term(t[2])}</predicate>"
                f"<object>{_xml_term(t[3])}</object></triple>")
    from kg.rdf.mapping import clean_text

    value = xml_escape(clean_text(t[1]))
    if t[3]:
        return f"<literal xml:lang={quoteattr(t[3])}>{value}</literal>"
    if t[2] != XSD + "string":
        return f"<literal datatype={quoteattr(t[2])}>{value}</literal>"
    return f"<literal>{value}</literal>"
