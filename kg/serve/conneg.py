"""HTTP content negotiation: pick the best of the media types a resource offers for an ``Accept`` header."""

from __future__ import annotations

from typing import Sequence


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """``Accept`` -> ``[(media range, q, specificity)]``; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    out = []
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        if media == "*":  # some clients send a bare "*"
            media = "*/*"
        q = 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        spec = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((media, q, spec))
    return out or [("*/*", 1.0, 0)]


def _matches(media_range: str, offered: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return offered.split("/")[0] == media_range[:-2]
    return media_range == offered


def quality(accept: list[tuple[str, float, int]], offered: str) -> float:
    """The q-value ``accept`` gives ``offered``: that of the most specific matching range (0 when none matches)."""
    best_spec, best_q = -1, 0.0
    for media, q, spec in accept:
        if _matches(media, offered) and spec > best_spec:
            best_spec, best_q = spec, q
    return best_q


def best_match(header: str | None, offered: Sequence[str], *, exact_bonus: bool = True) -> str | None:
    """The offered media type the client prefers, ties going to the earlier one in ``offered``; None when the client
    accepts none of them.

    With ``exact_bonus`` a type named explicitly beats one matched only by a wildcard of the same q (clients that
    send ``application/rdf+xml, */*`` mean RDF/XML, not the server's first choice).
    """
    accept = parse_accept(header)
    best, best_key = None, (0.0, -1, 0)
    for i, media in enumerate(offered):
        q = quality(accept, media)
        if q <= 0:
            continue
        explicit = 1 if exact_bonus and any(m == media for m, _, _ in accept) else 0
        key = (q, explicit, -i)
        if best is None or key > best_key:
            best, best_key = media, key
    return best
