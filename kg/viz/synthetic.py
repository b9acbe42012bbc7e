"""Hand-made graphs for tests, benchmarks and demos of the views: a small one full of hostile text, and large ones.

Nothing here is used by ``kg view`` itself.
"""

from __future__ import annotations

import random

from kg.graph.model import ENTITY_TYPES, Entity, Evidence, KnowledgeGraph, Paper, Relation, Repository, Result

#: Text that must stay text in every label, tooltip and menu.
XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_NAME = '"};alert(1);//'
SCRIPT_NAME = "</script><script>alert(2)</script>"
COMMENT_NAME = "<!-- x --><b>bold</b>"
#: 10k characters with a NUL, a lone surrogate, a right-to-left override and a line separator.
LONG_NAME = "Long\x00name \ud800 \u202e" + "<i>x</i>" * 1250 + "\u2028end"


def _rel(type_: str, source: str, target: str, evidence: list[Evidence], support: int | None = None) -> Relation:
    return Relation(
        id=Relation.make_id(type_, source, target), type=type_, source=source, target=target, evidence=evidence,
        support=support if support is not None else len({e.paper for e in evidence}) or 1,
    )


def hostile_graph() -> KnowledgeGraph:
    """A small graph whose titles, names, aliases and evidence hold markup, quotes, line separators and RTL marks."""
    g = KnowledgeGraph(meta={"base_iri": "https://w3id.org/mlkg/"})
    papers = [
        Paper(id="arxiv:2401.00001", title=XSS_TITLE, abstract="We propose BERT-X.", year=2024, authors=["A. <b>Author</b>"]),
        Paper(id="arxiv:2401.00002", title="Line\u2028separator \u2029 and \u202eRTL\u202c title", year=2024),
        Paper(id="arxiv:2401.00003", title="A plain paper on ImageNet", year=2023, authors=["B. Author", "C. Author"]),
    ]
    for p in papers:
        g.papers[p.id] = p
    ents = [
        Entity(id="model:bert-x", type="Model", name="BERT-X", aliases=["BERTX", XSS_NAME], papers=[papers[0].id, papers[2].id], mentions=5),
        Entity(id="dataset:imagenet", type="Dataset", name="ImageNet", aliases=["ILSVRC"], papers=[p.id for p in papers], mentions=9),
        Entity(id="metric:accuracy", type="Metric", name="accuracy", aliases=["acc."], papers=[papers[0].id, papers[2].id], mentions=4),
        Entity(id="method:evil", type="Method", name=XSS_NAME, aliases=[SCRIPT_NAME], papers=[papers[1].id], mentions=2),
        Entity(id="task:classification", type="Task", name="image classification", aliases=[COMMENT_NAME], papers=[papers[2].id], mentions=3),
        Entity(id="model:resnet", type="Model", name="ResNet-50", aliases=["ResNet50", "$x^2$ \\frac"], papers=[papers[2].id], mentions=3),
        Entity(id="metric:long", type="Metric", name=LONG_NAME, aliases=[LONG_NAME[::-1]], papers=[], mentions=1),
    ]
    for e in ents:
        g.entities[e.id] = e

    def ev(pid: str, sentence: str) -> Evidence:
        return Evidence(paper=pid, field="abstract", start=0, end=len(sentence), sentence=sentence, extractor="test")

    rels = [
        _rel("PROPOSES", papers[0].id, "model:bert-x", [ev(papers[0].id, "We propose BERT-X <script>alert(3)</script>.")]),
        _rel("EVALUATES_ON", papers[0].id, "dataset:imagenet", [ev(papers[0].id, "Evaluated on ImageNet.")]),
        _rel("REPORTS", papers[0].id, "metric:accuracy", [ev(papers[0].id, "Top-1 accuracy.")]),
        _rel("USES", papers[1].id, "method:evil", [ev(papers[1].id, XSS_TITLE)]),
        _rel("EVALUATES_ON", papers[2].id, "dataset:imagenet", [ev(papers[2].id, "ImageNet results.")]),
        _rel("ADDRESSES", papers[2].id, "task:classification", [ev(papers[2].id, "We address image classification.")]),
        _rel("USES", papers[2].id, "model:resnet", [ev(papers[2].id, "We use ResNet-50.")]),
        _rel("OUTPERFORMS", "model:bert-x", "model:resnet", [ev(papers[0].id, "BERT-X outperforms ResNet-50 \u2028 easily."), ev(papers[2].id, "BERT-X beats ResNet.")]),
        _rel("EVALUATED_ON", "model:bert-x", "dataset:imagenet", [ev(papers[0].id, "BERT-X on ImageNet.")]),
        _rel("CO_MENTIONED", "method:evil", "dataset:imagenet", [ev(papers[1].id, COMMENT_NAME)]),
    ]
    for r in rels:
        g.relations[r.id] = r
    res = Result(
        id="res:0000000000000001", paper=papers[0].id, model="model:bert-x", dataset="dataset:imagenet",
        metric="metric:accuracy", task=None, value=91.5, unit="%", value_text="91.5%",
        evidence=[ev(papers[0].id, "BERT-X reaches 91.5% top-1 accuracy on ImageNet.")],
    )
    g.results[res.id] = res
    url = "https://github.com/x/bert-x"
    repo = Repository(id=Repository.make_id(url), url=url, host="github.com", papers=[papers[0].id])
    g.repositories[repo.id] = repo
    r = _rel("HAS_CODE", papers[0].id, repo.id, [ev(papers[0].id, "Code: " + url)])
    g.relations[r.id] = r
    return g


def synthetic_graph(n_entities: int = 2000, n_papers: int = 400, *, seed: int = 1, extra_relations: float = 1.5) -> KnowledgeGraph:
    """A random but reproducible graph with ``n_entities`` entities and ``n_papers`` papers (preferential attachment)."""
    rnd = random.Random(seed)
    g = KnowledgeGraph(meta={"synthetic": True})
    for i in range(n_papers):
        pid = f"arxiv:2400.{i:05d}"
        g.papers[pid] = Paper(id=pid, title=f"Synthetic paper {i} on topic {i % 17}", year=2020 + i % 5)
    pids = sorted(g.papers)
    eids: list[str] = []
    weights: list[int] = []
    for i in range(n_entities):
        t = ENTITY_TYPES[i % len(ENTITY_TYPES)]
        eid = f"{t.lower()}:e{i:05d}"
        chosen = sorted(set(rnd.choices(pids, k=1 + rnd.randrange(4))))
        g.entities[eid] = Entity(id=eid, type=t, name=f"{t} {i}", aliases=[f"{t[:2].upper()}{i}"], papers=chosen, mentions=len(chosen) * 2)
        eids.append(eid)
        weights.append(1)
    ptype = {"Model": "USES", "Method": "USES", "Dataset": "EVALUATES_ON", "Metric": "REPORTS", "Task": "ADDRESSES"}
    for eid in eids:
        e = g.entities[eid]
        for pid in e.papers:
            r = _rel(ptype[e.type], pid, eid, [Evidence(pid, "abstract", 0, 10, f"{e.name} appears in {pid}.", "synthetic")])
            g.relations[r.id] = r
    # entity-entity co-mentions, preferring already connected entities so that degrees spread like real graphs
    for i, eid in enumerate(eids[1:], start=1):
        k = 1 + int(rnd.random() * extra_relations * 2)
        for other in sorted(set(rnd.choices(eids[:i], weights=weights[:i], k=k))):
            r = _rel("CO_MENTIONED", eid, other, [Evidence(g.entities[eid].papers[0], "abstract", 0, 10, "co-mentioned", "synthetic")],
                     support=1 + rnd.randrange(3))
            g.relations[r.id] = r
            weights[eids.index(other)] += 1
        weights[i] += 1
    return g
