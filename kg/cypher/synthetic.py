"""Synthetic knowledge graphs of any size, for benchmarks and store tests.

The graph is random but deterministic for a seed and obeys the model's contract (relation endpoints typed as
``RELATION_TYPES`` allows, results pointing at entities of the right type), so every store accepts it.
"""

from __future__ import annotations

import random

from kg.graph.model import (
    ENTITY_TYPES,
    RELATION_TYPES,
    Entity,
    Evidence,
    KnowledgeGraph,
    Mention,
    Paper,
    Relation,
    Repository,
    Result,
    stable_hash,
)

#: Text that tries to break out of every quoting scheme a store or export uses.
HOSTILE_STRINGS: tuple[str, ...] = (
    "It's a \"quoted\" title with a backslash \\ and \\\" and \\' in it",
    '"};alert(1);//',
    "'}) DETACH DELETE n //",
    "line one\nline two\r\nline three\ttabbed",
    "<script>alert('x')</script> & </graphml>",
    "RTL \u202emark\u202c, zero\u200dwidth, emoji \U0001f600, accents \u00e9\u00e8, CJK \u4e2d\u6587",
    "x" * 10_000,
    "semi;colon|pipe,comma",
    "$param {id: 1} `backtick`",
)


def synthetic_graph(n_papers: int = 100, seed: int = 0, hostile: bool = False) -> KnowledgeGraph:
    """A random graph of ``n_papers`` papers with entities, relations, mentions, results and repositories.

    Args:
        n_papers: number of papers; entities grow as ``n_papers / 4`` per type (at least 3).
        seed: random seed; the same seed gives the same graph.
        hostile: put :data:`HOSTILE_STRINGS` into titles, names, aliases, sentences and authors.
    """
    rnd = random.Random(seed)
    g = KnowledgeGraph(meta={"synthetic": True, "seed": seed, "n_papers": n_papers})
    hostile_cycle = list(HOSTILE_STRINGS)

    def text(i: int, base: str) -> str:
        if hostile and i % 3 == 0:
            return hostile_cycle[(i // 3) % len(hostile_cycle)]
        return base

    papers = []
    for i in range(n_papers):
        pid = f"arxiv:{2000 + i // 10000:04d}.{i % 10000:05d}"
        year = 2015 + i % 11
        p = Paper(
            id=pid,
            title=text(i, f"Paper {i} on learning"),
            abstract=f"We study problem {i}. " + ("Abstract with \"quotes\" and \\ slashes.\n" if hostile else "") * 2,
            year=year if i % 17 else None,
            date=f"{year}-0{1 + i % 9}-1{i % 10}" if i % 17 else None,
            authors=[text(i + 1, f"Author {i % 97}"), f"Author {(i * 7) % 101}"],
            url=f"https://arxiv.org/abs/{pid[6:]}",
            arxiv_id=pid[6:],
            categories=["cs.LG"] if i % 2 else ["cs.CL", "cs.AI"],
            sources=[f"corpus.txt:{2 * i + 1}"],
        )
        g.papers[pid] = p
        papers.append(pid)

    n_ent = max(3, n_papers // 4)
    by_type: dict[str, list[str]] = {}
    for t in ENTITY_TYPES:
        ids = []
        for j in range(n_ent):
            eid = f"{t.lower()}:{t.lower()}-{j}"
            name = text(j, f"{t}-{j}")
            aliases = [f"{t[:2].upper()}{j}"] + ([text(j + 3, "alias")] if hostile else [])
            g.entities[eid] = Entity(id=eid, type=t, name=name, aliases=sorted(set(aliases)))
            ids.append(eid)
        by_type[t] = ids

    def pick(types: tuple[str, ...]) -> str:
        t = rnd.choice(types)
        if t == "Paper":
            return rnd.choice(papers)
        return rnd.choice(by_type[t])

    def evidence(pid: str, k: int) -> Evidence:
        sent = text(k, f"Sentence {k} of {pid} supports this.")
        return Evidence(paper=pid, field="abstract", start=0, end=len(sent), sentence=sent, extractor="rule:synthetic",
                        confidence=round(rnd.uniform(0.5, 1.0), 3))

    rel_types = list(RELATION_TYPES)
    for i, pid in enumerate(papers):
        # mentions: each paper mentions a few entities
        ents = set()
        for _ in range(rnd.randint(2, 6)):
            eid = pick(ENTITY_TYPES)
            ents.add(eid)
            e = g.entities[eid]
            g.mentions.append(Mention(paper=pid, field="abstract", start=0, end=len(e.name), text=e.name, type=e.type,
                                      entity=eid, confidence=0.9))
        for eid in ents:
            g.entities[eid].papers.append(pid)
        # relations
        for k in range(rnd.randint(1, 4)):
            rtype = rel_types[(i + k) % len(rel_types)]
            src_t, dst_t = RELATION_TYPES[rtype]
            if rtype == "HAS_CODE":
                url = f"https://github.com/org{i % 50}/repo{i}"
                rid = Repository.make_id(url)
                repo = g.repositories.get(rid) or Repository(id=rid, url=url, host="github.com")
                repo.papers = sorted(set(repo.papers) | {pid})
                g.repositories[rid] = repo
                src, dst = pid, rid
            else:
                src = pid if src_t == ("Paper",) else pick(src_t)
                dst = pick(dst_t)
                if src == dst:
                    continue
            rel_id = Relation.make_id(rtype, src, dst)
            ev = evidence(pid, i + k)
            if rel_id in g.relations:
                r = g.relations[rel_id]
                r.evidence.append(ev)
                r.support = len({e.paper for e in r.evidence})
            else:
                g.relations[rel_id] = Relation(id=rel_id, type=rtype, source=src, target=dst, evidence=[ev],
                                               confidence=ev.confidence, support=1)
        # results
        if i % 3 == 0:
            model, dataset, metric = pick(("Model", "Method")), pick(("Dataset",)), pick(("Metric",))
            task = pick(("Task",)) if i % 2 else None
            value = round(rnd.uniform(10, 99), 2)
            res_id = "res:" + stable_hash(pid, model, dataset, metric, str(value))
            g.results[res_id] = Result(id=res_id, paper=pid, model=model, dataset=dataset, metric=metric, task=task,
                                       value=value, unit="%", value_text=f"{value}%",
                                       surface={"model": g.entities[model].name, "dataset": None},
                                       evidence=[evidence(pid, i)])
    counts: dict[str, int] = {}
    for m in g.mentions:
        counts[m.entity or ""] = counts.get(m.entity or "", 0) + 1
    for e in g.entities.values():
        e.papers = sorted(set(e.papers))
        e.mentions = counts.get(e.id, 0)
    return g
