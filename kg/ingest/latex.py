"""Turn the LaTeX remnants of arXiv metadata (titles and abstracts) into plain text.

Only the arXiv snapshot reader uses this. It is deliberately a small set of targeted rewrites rather than a
LaTeX parser: full converters treat a bare ``%`` as a comment and drop the rest of the line, and arXiv
abstracts hold plenty of bare ``%`` ("improves accuracy by 5%") that must survive.
"""

from __future__ import annotations

import re
import unicodedata

from kg.ingest.text import clean_whitespace

_SYMBOLS = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators and relations
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "propto": "∝", "infty": "∞", "partial": "∂",
    "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "rightarrow": "→", "to": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "leftrightarrow": "↔", "mapsto": "↦", "ell": "ℓ", "circ": "∘",
    "ldots": "…", "dots": "…", "cdots": "⋯", "log": "log", "exp": "exp", "max": "max", "min": "min",
    "lim": "lim", "sin": "sin", "cos": "cos", "top": "⊤", "star": "⋆", "ast": "∗", "dagger": "†",
    "textasciitilde": "~", "textbackslash": "\\", "LaTeX": "LaTeX", "TeX": "TeX",
    # spacing
    "quad": " ", "qquad": " ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
}
_ESCAPES = {"%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}"}
_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "r": "\u030a"}
# Commands whose brace argument is the text to keep.
_KEEP_ARG = ("emph", "textit", "textbf", "texttt", "textsc", "textsf", "textrm", "textnormal", "text",
             "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "boldsymbol",
             "bm", "operatorname", "underline", "mbox", "hbox", "textup", "textmd", "url", "emph")

_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_KEEP = re.compile(r"\\(?:%s)\s*\{([^{}]*)\}" % "|".join(sorted(set(_KEEP_ARG), key=len, reverse=True)))
_FONT_GROUP = re.compile(r"\{\\(?:it|bf|em|tt|sc|rm|sf)\s+([^{}]*)\}")
_ACCENT = re.compile(r"\\([\'`\"^~=.])\s*\{?([A-Za-z])\}?|\\([cvuHr])\s*\{([A-Za-z])\}")
_ESC = re.compile(r"\\([%&_#${}])")
_CMD = re.compile(r"\\([A-Za-z]+|[,;:! ])")
_MATH = re.compile(r"(?<!\\)\$\$?(.+?)(?<!\\)\$\$?", re.S)
_SCRIPT = re.compile(r"([\^_])\{([^{}]*)\}")
_QUOTES = re.compile(r"``|''")
_BRACE = re.compile(r"(?<!\\)[{}]")
_TILDE = re.compile(r"(?<!\S)~|~(?!\S)|(?<=\w)~(?=\w)")


def _accent(m: re.Match) -> str:
    mark, letter = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return unicodedata.normalize("NFC", letter + _ACCENTS[mark])


def _command(m: re.Match) -> str:
    name = m.group(1)
    # An unknown command (\cite, \textcolor, ...) is markup, not text: drop it, keep its argument.
    return _SYMBOLS.get(name, "")


def _math(m: re.Match) -> str:
    body = _SCRIPT.sub(lambda s: s.group(1) + s.group(2), m.group(1))
    body = _KEEP.sub(r"\1", body)
    body = _CMD.sub(_command, body)
    return _BRACE.sub("", body)


def clean_latex(text: str) -> str:
    """Plain text from an arXiv title or abstract: line breaks joined, LaTeX remnants rewritten.

    ``\\emph{x}`` -> ``x``, ``$\\alpha$-div`` -> ``α-div``, ``--`` -> en dash, ``---`` -> em dash, ``\\%`` -> ``%``,
    ``\\"o`` -> ``ö``, ``\\href{u}{t}`` -> ``t (u)``, ```` ``x'' ```` -> ``"x"``.

    Args:
        text: the field as stored in the snapshot.

    Returns:
        The cleaned text (single-spaced, stripped).
    """
    if not text:
        return ""
    t = clean_whitespace(text)
    if "\\" not in t and "$" not in t and "--" not in t and "`" not in t and "~" not in t:
        return t
    if "\\" in t:
        t = _HREF.sub(r"\2 (\1)", t)
        for _ in range(3):  # nested \emph{\textbf{x}}
            t2 = _KEEP.sub(r"\1", _FONT_GROUP.sub(r"\1", t))
            if t2 == t:
                break
            t = t2
        t = _ACCENT.sub(_accent, t)
    if "$" in t:
        t = _MATH.sub(_math, t)
    if "`" in t:
        t = _QUOTES.sub('"', t)
    if "--" in t:
        t = t.replace("---", "\u2014").replace("--", "\u2013")
    if "\\" in t:
        t = _CMD.sub(_command, t)
    if "{" in t or "}" in t:
        t = _BRACE.sub("", t)
    if "\\" in t:
        t = _ESC.sub(lambda m: _ESCAPES[m.group(1)], t)
    if "~" in t:
        t = _TILDE.sub(" ", t)  # ~ is a non-breaking space in LaTeX
    return clean_whitespace(t)
