"""Synthetic :class:`KnowledgeGraph` objects for tests and benchmarks of the RDF face.

Deterministic for a given seed. ``hostile=True`` puts text into titles, names, aliases and sentences that breaks
naive serialisers: quotes, backslashes, newlines, ``<script>``, ``>``, RTL marks, zero-width joiners, emoji, lone
surrogates, NUL and a 10k-character string.
"""

from __future__ import annotations

import random

from kg.graph.model import (
    ENTITY_TYPES,
    Entity,
    Evidence,
    KnowledgeGraph,
    Mention,
    Paper,
    Relation,
    Repository,
    Result,
)

HOSTILE_TEXTS: tuple[str, ...] = (
    'He said "hi" \\ and \'bye\'',
    "line one\nline two\r\nline three\rend",
    "<script>alert('x')</script> > < &amp;",
    "\u202eRTL override\u202c and \u200fmark\u200f",
    "zero\u200dwidth\u200cjoiners 👩\u200d💻 emoji 🚀",
    "lone \ud800 surrogate and \udfff other",
    "NUL\x00byte and \x01\x1f controls and \x7f del",
    "x" * 10_000,
    '""" triple quotes \'\'\' and # not a comment ?var $var } { . ;',
    "} } DROP ALL ; INSERT DATA { <http://evil> <http://evil> <http://evil> } #",
    "tab\there and form\x0cfeed and \ufffe\uffff noncharacters",
)

_DATASETS = ["ImageNet", "COCO", "MMLU", "GSM8K", "HumanEval", "SQuAD", "GLUE", "CIFAR-10"]
_MODELS = ["BERT", "GPT-4", "LLaMA", "ViT", "CLIP", "ResNet", "T5", "Mistral"]
_METHODS = ["Transformer", "LoRA", "diffusion", "contrastive learning", "attention", "distillation"]
_METRICS = ["accuracy", "F1", "BLEU", "top-1 accuracy", "pass@1", "FID"]
_TASKS = ["image classification", "question answering", "machine translation", "code generation", "object detection"]
_SEEDS = {"Dataset": _DATASETS, "Model": _MODELS, "Method": _METHODS, "Metric": _METRICS, "Task": _TASKS}


def synthetic_graph(n_papers: int = 200, *, seed: int = 0, hostile: bool = False, mentions_per_paper: int = 3,
                    base_iri: str | None = None) -> KnowledgeGraph:
    """A random but plausible graph of ``n_papers`` papers (about n/5 entities, 8 relations and 1 result a paper)."""
    rnd = random.Random(seed)
    g = KnowledgeGraph()
    g.meta = {
        "base_iri": base_iri or "https://w3id.org/mlkg/",
        "created": "2026-01-01T00:00:00Z",
        "modified": "2026-01-01T00:00:00Z",
        "inputs": ["synthetic"],
        "kg_version": "test",
    }
    n_ent = max(len(ENTITY_TYPES) * 4, n_papers // 5)
    by_type: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
    for i in range(n_ent):
        t = ENTITY_TYPES[i % len(ENTITY_TYPES)]
        seeds = _SEEDS[t]
        k = len(by_type[t])
        name = seeds[k] if k < len(seeds) else f"{seeds[k % len(seeds)]}-{k}"
        aliases = [name, name.upper(), f"{name} v{k % 3}"]
        if hostile and i % 3 == 0:
            name = f"{name} {HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)]}"
            aliases.append(HOSTILE_TEXTS[(i + 1) % len(HOSTILE_TEXTS)])
        eid = f"{t.lower()}:{k}" + (" <évil> \"id\" \n\x00" if hostile and i % 7 == 0 else "")
        by_type[t].append(eid)
        g.entities[eid] = Entity(id=eid, type=t, name=name, aliases=sorted(set(aliases)), mentions=rnd.randint(1, 50))

    def pick(t: str) -> str:
        ids = by_type[t]
        # a few popular entities, a long tail: like real corpora
        return ids[min(int(rnd.paretovariate(1.2)) - 1, len(ids) - 1)]

    ev_papers: dict[str, set[str]] = {}

    def add_rel(type_: str, src: str, dst: str, paper: str, sentence: str) -> None:
        rid = Relation.make_id(type_, src, dst)
        ev = Evidence(paper=paper, field="abstract", start=0, end=len(sentence), sentence=sentence,
                      extractor="rule:synthetic", confidence=round(rnd.uniform(0.5, 1.0), 3))
        r = g.relations.get(rid)
        if r is None:
            g.relations[rid] = Relation(id=rid, type=type_, source=src, target=dst, evidence=[ev],
                                        confidence=ev.confidence, support=1)
            ev_papers[rid] = {paper}
        elif paper not in ev_papers[rid]:
            ev_papers[rid].add(paper)
            r.evidence.append(ev)
            r.support = len(ev_papers[rid])

    for i in range(n_papers):
        pid = f"arxiv:{2000 + i // 10000:04d}.{i % 10000:05d}"
        if hostile and i % 5 == 0:
            pid = f"title:{i:016x}" + (" /../ ?#<>\"{}|\\^` \u200f" if i % 10 == 0 else "")
        title = f"Paper {i} on {rnd.choice(_TASKS)}"
        if hostile and i % 2 == 0:
            title = f"{title} {HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)]}"
        abstract = f"We study {title}. " + (HOSTILE_TEXTS[(i + 3) % len(HOSTILE_TEXTS)] if hostile else "Results improve.")
        year = 2015 + i % 11
        g.papers[pid] = Paper(
            id=pid, title=title, abstract=abstract, year=year, date=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            authors=[f"Author {i % 97}", f"Author {(i * 7) % 101}"], url=f"https://arxiv.org/abs/{i}",
            arxiv_id=pid.split(":", 1)[1] if pid.startswith("arxiv:") else None, categories=["cs.LG"],
            links=[f"https://example.org/{i}?q=\"<x>\" y", HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)][:200]] if hostile else [],
            sources=[f"synthetic.txt:{2 * i + 1}"],
        )
        ds, model, method, metric, task = pick("Dataset"), pick("Model"), pick("Method"), pick("Metric"), pick("Task")
        sent = f"We evaluate {g.entities[model].name} on {g.entities[ds].name}."
        for e in (ds, model, method, metric, task):
            ent = g.entities[e]
            if not ent.papers or ent.papers[-1] != pid:
                ent.papers.append(pid)
        add_rel("EVALUATES_ON", pid, ds, pid, sent)
        add_rel("USES", pid, method, pid, sent)
        add_rel("ADDRESSES", pid, task, pid, sent)
        add_rel("REPORTS", pid, metric, pid, sent)
        add_rel("EVALUATED_ON", model, ds, pid, sent)
        add_rel("USED_FOR", method, task, pid, sent)
        if i % 3 == 0:
            add_rel("PROPOSES", pid, model, pid, sent)
        if i % 4 == 0:
            other = pick("Model")
            if other != model:
                add_rel("OUTPERFORMS", model, other, pid, sent)
        value = round(rnd.uniform(10, 99), 2)
        res_id = "res:" + f"{i:016x}"
        g.results[res_id] = Result(
            id=res_id, paper=pid, model=model, dataset=ds, metric=metric, task=task, value=value, unit="%",
            value_text=f"{value}%", surface={"model": g.entities[model].name, "dataset": g.entities[ds].name,
                                             "metric": g.entities[metric].name, "task": None},
            evidence=[Evidence(paper=pid, field="abstract", start=0, end=len(sent), sentence=sent,
                               extractor="rule:result", confidence=0.9)],
        )
        if i % 4 == 1:
            url = f"https://github.com/org{i % 50}/repo{i}"
            rid = Repository.make_id(url)
            g.repositories[rid] = Repository(id=rid, url=url, host="github.com", kind="code", papers=[pid])
            add_rel("HAS_CODE", pid, rid, pid, f"Code: {url}")
        pos = 0
        for k, e in enumerate((ds, model, method)[:mentions_per_paper]):
            ent = g.entities[e]
            g.mentions.append(Mention(paper=pid, field="abstract", start=pos, end=pos + len(ent.name), text=ent.name,
                                      type=ent.type, sent_start=0, sent_end=len(abstract), source="ner",
                                      confidence=0.8, entity=e))
            pos += len(ent.name) + 1
    for e in g.entities.values():
        e.papers.sort()
    return g
