"""Linking on hand-made extractions: canonical entities, ids, relations with evidence, results, repositories."""

from __future__ import annotations

import json
import logging
import random
import re

import pytest
from test_link_helpers import corpus, paper

from kg.graph.model import Mention
from kg.link import link
from kg.link.explain import explain_entity, find_duplicates, list_entities
from kg.link.normalize import match_key, variant_bases
from kg.link.output import annotate_record, link_extractions_for_output


def _by_name(g, name, type_=None):
    hits = [e for e in g.find_entities(name) if type_ is None or e.type == type_]
    assert len(hits) == 1, (name, [e.id for e in hits])
    return hits[0]


def _rels(g, type_, source=None, target=None):
    return [r for r in g.relations.values() if r.type == type_ and (source is None or r.source == source) and (target is None or r.target == target)]


@pytest.fixture(scope="module")
def gan_corpus():
    return corpus(
        paper("arxiv:1", "A survey of GANs",
              "We review [generative adversarial networks|Method] ([GANs|Method]) and [ResNet-50|Model]. "
              "[GAN-based|Method] synthesis is popular."),
        paper("arxiv:2", "Faster adversarial training",
              "The [GAN|Method] of Goodfellow is trained on [ImageNet|Dataset]. We use [Generative Adversarial Network|Method] losses "
              "and the [ImageNet dataset|Dataset] and [resnet 50|Model]'s features."),
        paper("arxiv:3", "Residual nets", "[ResNet|Model] and [ResNet's|Model] blocks; [GPT-3|Model] and [GPT-2|Model] differ; "
              "[RetroMAE v2|Model] extends [RetroMAE|Model]."),
    )


def test_surface_variants_collapse_into_one_entity(gan_corpus):
    g = link(*gan_corpus)
    gan = _by_name(g, "GANs")
    assert gan.type == "Method"
    assert {"GAN", "GANs", "GAN-based", "generative adversarial networks", "Generative Adversarial Network"} <= {gan.name, *gan.aliases}
    assert gan.papers == ["arxiv:1", "arxiv:2"]
    # 5 tagged + the title's "GANs", tagged by propagation from the abstract
    assert gan.mentions == 6
    assert [(m.field, m.text) for m in g.mentions if m.source == "link:propagated"] == [("title", "GANs")]
    assert _by_name(g, "ImageNet dataset").id == _by_name(g, "ImageNet").id
    r50 = _by_name(g, "ResNet-50")
    assert r50.id == "model:resnet-50" and "resnet 50" in r50.aliases
    assert _by_name(g, "ResNet's").id == _by_name(g, "ResNet").id
    # every mention is linked to an entity of its own type
    for m in g.mentions:
        assert m.entity in g.entities and g.entities[m.entity].type == m.type
    assert find_duplicates(g) == []


def test_versions_stay_distinct_but_linked(gan_corpus):
    g = link(*gan_corpus)
    gpt3, gpt2 = _by_name(g, "GPT-3"), _by_name(g, "GPT-2")
    assert gpt3.id != gpt2.id
    r50, resnet = _by_name(g, "ResNet-50"), _by_name(g, "ResNet")
    assert r50.id != resnet.id
    (v,) = _rels(g, "VARIANT_OF", r50.id)
    assert v.target == resnet.id and v.evidence and v.evidence[0].extractor == "rule:version_suffix"
    assert _rels(g, "VARIANT_OF", _by_name(g, "RetroMAE v2").id, _by_name(g, "RetroMAE").id)
    assert not _rels(g, "VARIANT_OF", gpt3.id, gpt2.id)


def test_normalisation_keys():
    assert match_key("GANs") == match_key("GAN") == match_key("GAN-based") == "gan"
    assert match_key("masked image modelling") == match_key("Masked-Image Modeling")
    assert match_key("the COCO benchmark", "Dataset") == match_key("COCO", "Dataset")
    assert match_key("BLEU score", "Metric") == "bleu"
    assert match_key("GPT-3") != match_key("GPT-2")
    assert match_key("analysis") == "analysis" and match_key("loss") == "loss"
    assert variant_bases("Qwen2.5-VL-7B")[0] == "Qwen2.5-VL"
    assert variant_bases("YOLOv8") == ["YOLO"] and variant_bases("T5") == [] and variant_bases("BERT-large") == ["BERT"]


def test_ambiguous_short_form_resolved_by_each_papers_definition():
    papers, exs = corpus(
        paper("p:a", "Vision pretraining", "We study [masked image modeling|Method] ([MIM|Method]). [MIM|Method] scales."),
        paper("p:b", "Representation learning", "[Mutual information maximization|Method] ([MIM|Method]) is old. [MIM|Method] helps."),
        paper("p:c", "Other", "[MIM|Method] is used without a definition."),
    )
    g = link(papers, exs)
    mim_a = {m.entity for m in g.mentions if m.paper == "p:a"}
    mim_b = {m.entity for m in g.mentions if m.paper == "p:b"}
    assert len(mim_a) == 1 and len(mim_b) == 1 and mim_a != mim_b
    assert g.entities[mim_a.pop()].name == "masked image modeling"
    # undefined and ambiguous across the corpus: its own entity, not silently one of the two
    (c,) = {m.entity for m in g.mentions if m.paper == "p:c"}
    assert g.entities[c].name == "MIM"
    assert find_duplicates(g) == []
    why = explain_entity(g, "masked image modeling")[0]["merges"]
    assert any(mg["surface"] == "MIM" and mg["rule"] == "abbreviation" and "p:a" in mg["detail"] for mg in why)


def test_unambiguous_short_form_resolved_through_the_corpus():
    papers, exs = corpus(
        paper("p:a", "X", "[Large language models|Model] ([LLMs|Model]) are big."),
        paper("p:b", "Y", "Many [LLMs|Model] hallucinate; an [LLM|Model] can be small."),
    )
    g = link(papers, exs)
    assert len({m.entity for m in g.mentions}) == 1
    (e,) = g.entities.values()
    assert e.papers == ["p:a", "p:b"]


def test_fuzzy_merges_only_descriptive_terms():
    papers, exs = corpus(
        paper("p:a", "T", "[semantic segmentation|Task] and [supervised learning|Method] with [EfficientNet|Model]."),
        paper("p:b", "T", "[semantic segmentaton|Task] and [unsupervised learning|Method] with [EfficientDet|Model]."),
    )
    g = link(papers, exs)
    seg = _by_name(g, "semantic segmentation")
    assert "semantic segmentaton" in seg.aliases
    assert any(mg["rule"] == "fuzzy" for mg in seg.merges)
    assert _by_name(g, "supervised learning").id != _by_name(g, "unsupervised learning").id
    assert _by_name(g, "EfficientNet").id != _by_name(g, "EfficientDet").id


def test_model_method_type_settled_by_majority():
    papers, exs = corpus(
        paper("p:a", "T", "[BERT|Model] is strong."),
        paper("p:b", "T", "[BERT|Model] again."),
        paper("p:c", "T", "[BERT|Method] once more."),
    )
    g = link(papers, exs)
    (e,) = g.entities.values()
    assert e.type == "Model" and e.mentions == 3
    assert all(m.type == "Model" for m in g.mentions)


def _dump(g) -> str:
    return json.dumps(
        {
            "entities": [e.to_dict() for e in g.entities.values()],
            "mentions": [m.to_dict() for m in g.mentions],
            "relations": [r.to_dict() for r in g.relations.values()],
            "results": [r.to_dict() for r in g.results.values()],
            "repos": [r.to_dict() for r in g.repositories.values()],
        },
        sort_keys=True,
    )


def test_deterministic_whatever_the_input_order(gan_corpus, rich_corpus):
    papers = {**gan_corpus[0], **rich_corpus[0]}
    exs = {**gan_corpus[1], **rich_corpus[1]}
    ref = _dump(link(papers, exs))
    rng = random.Random(7)
    for _ in range(3):
        keys = list(papers)
        rng.shuffle(keys)
        shuffled_ex = {}
        for k in reversed(keys):
            ex = exs[k]
            ms = list(ex.mentions)
            rng.shuffle(ms)
            shuffled_ex[k] = type(ex)(paper=ex.paper, mentions=ms, results=list(ex.results), links=list(ex.links))
        assert _dump(link({k: papers[k] for k in keys}, shuffled_ex)) == ref


def test_ids_stable_across_incremental_adds():
    base = [
        paper("p:1", "T", "[GANs|Method] are popular; [GAN|Method] again; we use [GANs|Method]."),
    ]
    g1 = link(*corpus(*base))
    (e1,) = g1.entities.values()
    assert e1.id == "method:gan"
    # a later paper defines the long form, which becomes the preferred name and the main key
    more = base + [
        paper("p:2", "T", "[Generative adversarial networks|Method] ([GANs|Method]) and [generative adversarial networks|Method] "
                          "and [generative adversarial network|Method] and [generative adversarial networks|Method]."),
    ]
    fresh = link(*corpus(*more))
    (ef,) = fresh.entities.values()
    assert ef.name.lower().startswith("generative adversarial network")
    kept = link(*corpus(*more), previous=g1)
    (ek,) = kept.entities.values()
    assert ek.id == e1.id and ek.name == ef.name
    assert all(m.entity == e1.id for m in kept.mentions)


@pytest.fixture(scope="module")
def rich_corpus():
    return corpus(
        paper(
            "arxiv:2411.1",
            "[SVTRv2|Model]: CTC Beats Encoder-Decoder Models in [Scene Text Recognition|Task]",
            "We propose [SVTRv2|Model], a CTC-based model for [scene text recognition|Task]. "
            "[SVTRv2|Model] outperforms [ABINet|Model] and [PARSeq|Model] on [Union14M|Dataset]. "
            "It achieves 71.8% [accuracy|Metric] on [Union14M|Dataset]. "
            "Compared with [ABINet|Model], our model is faster. "
            "Code is at https://github.com/Topdu/OpenOCR.",
            results=[{"value_text": "71.8%", "metric": "accuracy", "dataset": "Union14M"}],
        ),
        paper(
            "arxiv:2411.2",
            "Retrieval with masked auto-encoders",
            "In this paper, we introduce a new dataset called [RetroBench|Dataset] for [dense retrieval|Task]. "
            "[ABINet|Model] uses [beam search|Method] for [scene text recognition|Task]. "
            "Weights: https://huggingface.co/org/model and data at https://huggingface.co/datasets/org/data.",
        ),
    )


def test_relations_carry_evidence(rich_corpus):
    papers, exs = rich_corpus
    g = link(papers, exs)
    svtr, abinet, parseq = _by_name(g, "SVTRv2"), _by_name(g, "ABINet"), _by_name(g, "PARSeq")
    union, stр = _by_name(g, "Union14M"), _by_name(g, "scene text recognition")
    p1 = "arxiv:2411.1"
    props = _rels(g, "PROPOSES", p1)
    assert [r.target for r in props] == [svtr.id]
    assert {e.extractor for e in props[0].evidence} == {"rule:title_prefix", "rule:we_propose"}
    assert _rels(g, "PROPOSES", "arxiv:2411.2", _by_name(g, "RetroBench").id)
    assert _rels(g, "OUTPERFORMS", svtr.id, abinet.id) and _rels(g, "OUTPERFORMS", svtr.id, parseq.id)
    assert _rels(g, "COMPARED_WITH", svtr.id, abinet.id)
    assert _rels(g, "EVALUATES_ON", p1, union.id) and _rels(g, "ADDRESSES", p1, stр.id)
    assert _rels(g, "REPORTS", p1, _by_name(g, "accuracy").id)
    assert _rels(g, "EVALUATED_ON", svtr.id, union.id)
    assert _rels(g, "USED_FOR", svtr.id, stр.id)
    assert _rels(g, "USED_FOR", _by_name(g, "beam search").id, stр.id)
    assert _rels(g, "USES", "arxiv:2411.2", abinet.id) and not _rels(g, "USES", p1, svtr.id)
    co = _rels(g, "CO_MENTIONED", abinet.id, svtr.id) or _rels(g, "CO_MENTIONED", svtr.id, abinet.id)
    assert co and co[0].support == 1
    for r in g.relations.values():
        assert r.evidence, r
        assert r.support == len({e.paper for e in r.evidence}) or r.type in ("CO_MENTIONED", "VARIANT_OF")
        for ev in r.evidence:
            text = g.papers[ev.paper].field_text(ev.field)
            assert text[ev.start : ev.end] == ev.sentence
            assert ev.extractor.startswith("rule:") and 0 < ev.confidence <= 1
    # a relation never connects node kinds its type does not allow
    from kg.graph.model import RELATION_TYPES

    for r in g.relations.values():
        src_ok, tgt_ok = RELATION_TYPES[r.type]
        assert g.node_type(r.source) in src_ok and g.node_type(r.target) in tgt_ok, r


def test_results_and_repositories(rich_corpus):
    g = link(*rich_corpus)
    (res,) = g.results.values()
    assert res.model == _by_name(g, "SVTRv2").id  # not stated in the sentence: the paper's own proposal
    assert res.dataset == _by_name(g, "Union14M").id and res.metric == _by_name(g, "accuracy").id
    assert res.value == 71.8 and res.unit == "%" and res.value_text == "71.8%"
    assert res.surface == {"method": "SVTRv2", "dataset": "Union14M", "metric": "accuracy", "task": None}
    assert "71.8%" in res.evidence[0].sentence
    kinds = {r.url: r.kind for r in g.repositories.values()}
    assert kinds == {
        "https://github.com/Topdu/OpenOCR": "code",
        "https://huggingface.co/org/model": "model",
        "https://huggingface.co/datasets/org/data": "dataset",
    }
    has_code = _rels(g, "HAS_CODE", "arxiv:2411.1")
    assert len(has_code) == 1 and "github.com/Topdu" in has_code[0].evidence[0].sentence


def test_co_mentions_are_bounded_per_sentence():
    names = " ".join(f"[M{i}X|Model]" for i in range(40))
    g = link(*corpus(paper("p:x", "T", f"We compare {names} here.")))
    co = _rels(g, "CO_MENTIONED")
    assert 0 < len(co) <= 12 * 11 // 2


def test_bad_mention_offsets_are_dropped_loudly(caplog):
    papers, exs = corpus(paper("p:x", "T", "[BERT|Model] works."))
    exs["p:x"].mentions.append(Mention("p:x", "abstract", 0, 4, "XLNet", "Model"))
    with caplog.at_level(logging.WARNING, logger="kg.link.linker"):
        g = link(papers, exs)
    assert [e.name for e in g.entities.values()] == ["BERT"]
    assert "p:x" in caplog.text and "dropped" in caplog.text
    assert g.meta["link"]["mentions_dropped"] == 1


def test_extract_output_hook(rich_corpus):
    papers, exs = rich_corpus
    linked = link_extractions_for_output(papers, exs)
    rec = {"id": "arxiv:2411.1", "mentions": [m.to_dict() for m in exs["arxiv:2411.1"].mentions]}
    annotate_record(rec, linked["arxiv:2411.1"])
    assert all(m["entity"] and ":" in m["entity"] for m in rec["mentions"])
    assert {m["entity"] for m in rec["mentions"] if m["text"] == "SVTRv2"} == {"model:svtrv2"}
    (row,) = rec["results"]
    assert {k: row[k] for k in ("method", "dataset", "metric", "task", "value", "value_text")} == {
        "method": "SVTRv2", "dataset": "Union14M", "metric": "accuracy", "task": None, "value": 71.8, "value_text": "71.8%"}
    assert row["entities"]["method"] == "model:svtrv2"


def test_extract_json_hook_fills_entities_and_results(rich_corpus):
    from kg.link.output import extract_json_hook, register_extract_hook

    papers, exs = rich_corpus
    pid = "arxiv:2411.1"
    obj = {"id": pid, "mentions": [{"field": m.field, "start": m.start, "end": m.end, "text": m.text, "type": m.type}
                                   for m in exs[pid].mentions], "results": []}
    extract_json_hook(obj, exs[pid], papers[pid])
    assert all(m["entity"] for m in obj["mentions"])
    assert [r["value_text"] for r in obj["results"]] == ["71.8%"] and obj["results"][0]["method"] == "SVTRv2"
    from kg.extract.cli_commands import EXTRACT_JSON_HOOKS

    register_extract_hook()
    register_extract_hook()
    assert EXTRACT_JSON_HOOKS.count(extract_json_hook) == 1


def test_entities_listing_and_explain(gan_corpus):
    g = link(*gan_corpus)
    rows = list_entities(g, "method")
    assert rows and all(set(r) == {"id", "type", "name", "aliases", "papers"} and r["type"] == "Method" for r in rows)
    assert rows[0]["papers"] == 2
    with pytest.raises(Exception, match="Unknown entity type"):
        list_entities(g, "Gadget")
    ex = explain_entity(g, "generative-adversarial networks")
    assert ex[0]["id"] == _by_name(g, "GAN").id
    rules = {mg["surface"]: mg["rule"] for mg in ex[0]["merges"]}
    assert rules["GANs"] == "abbreviation"
    with pytest.raises(Exception, match="Closest names"):
        explain_entity(g, "Gadget-9000")


def test_duplicates_check_flags_split_entities(gan_corpus):
    g = link(*gan_corpus)
    # split one entity in two by hand: the check must notice
    import copy

    g2 = copy.deepcopy(g)
    r = _by_name(g2, "ResNet")
    clone = copy.deepcopy(r)
    clone.id, clone.name, clone.aliases = "model:resnet-dup", "resnets", []
    g2.entities[clone.id] = clone
    dups = find_duplicates(g2)
    assert [(d["a"], d["b"]) for d in dups] == [(r.id, clone.id)]


def test_type_repair_and_propagation():
    papers, exs = corpus(
        paper("p:a", "Few-shot learning", "We evaluate on [miniImageNet|Model] and [VOT-2018|Model], and the [AC|Model] dataset. "
                                          "Our [ProtoNet++|Model] beats ProtoNet++ variants."),
        paper("p:b", "Classification", "Results on [ImageNet|Dataset] with [ProtoNet++|Model]. ImageNet is large. "
                                       "The [encoder|Method] benchmark is new."),
    )
    g = link(papers, exs)
    typed = {(m.paper, m.text): m.type for m in g.mentions}
    assert typed[("p:a", "miniImageNet")] == "Dataset"  # built on a dataset name of the corpus
    assert typed[("p:a", "VOT-2018")] == "Dataset"  # a name with a year
    assert typed[("p:a", "AC")] == "Dataset"  # "the AC dataset"
    assert typed[("p:b", "encoder")] == "Method"  # a generic word is not a dataset because "benchmark" follows
    prop = sorted((m.paper, m.text, m.type) for m in g.mentions if m.source == "link:propagated")
    # untagged repeats: within the paper ("ProtoNet++" in p:a) and a name tagged elsewhere ("ImageNet" in p:b)
    assert prop == [("p:a", "ProtoNet++", "Model"), ("p:b", "ImageNet", "Dataset")]
    for m in g.mentions:
        assert g.papers[m.paper].field_text(m.field)[m.start : m.end] == m.text


def test_result_roles_repaired_from_the_sentence():
    papers, exs = corpus(
        paper(
            "p:r",
            "[DFN|Model]: discriminative features",
            "Based on our proposed [DFN|Model], we achieve 86.2% [mean IOU|Metric] on [PASCAL VOC 2012|Dataset] and 80.3% "
            "[mean IOU|Metric] on [Cityscapes|Dataset]. The proposed model achieves 41.6 [mAP|Metric] on [COCO|Dataset], "
            "which surpasses the state-of-the-art method, [Focal Loss|Method].",
            # the extractor attached the first dataset to both values and the baseline as the method of the last one
            results=[
                {"value_text": "86.2%", "method": "DFN", "dataset": "PASCAL VOC 2012", "metric": "mean IOU"},
                {"value_text": "80.3%", "method": "DFN", "dataset": "PASCAL VOC 2012", "metric": "mean IOU"},
                {"value_text": "41.6", "method": "Focal Loss", "dataset": "COCO", "metric": "mAP"},
            ],
        )
    )
    g = link(papers, exs)
    rows = {r.value_text: (r.surface["method"], r.surface["dataset"], r.surface["metric"]) for r in g.results.values()}
    assert rows == {
        "86.2%": ("DFN", "PASCAL VOC 2012", "mean IOU"),
        "80.3%": ("DFN", "Cityscapes", "mean IOU"),
        "41.6": ("DFN", "COCO", "mAP"),
    }


def test_title_name_proposal_and_improved_value():
    papers, exs = corpus(
        paper(
            "p:s",
            "[SVDNet|Model] for [Pedestrian Retrieval|Task]",
            "On the [Market-1501|Dataset] dataset, [rank-1 accuracy|Metric] is improved from 73.8% to 82.3% for [ResNet-50|Model]. "
            "We use a [1001-layer ResNet|Model] and [ResNet|Model].",
            results=[
                {"value_text": "73.8%", "method": "ResNet-50", "dataset": "Market-1501", "metric": "rank-1 accuracy"},
                {"value_text": "82.3%", "method": "ResNet-50", "dataset": "Market-1501", "metric": "rank-1 accuracy"},
            ],
        )
    )
    g = link(papers, exs)
    assert [r.target for r in _rels(g, "PROPOSES", "p:s")] == ["model:svdnet"]
    rows = {r.value_text: r.surface["method"] for r in g.results.values()}
    assert rows == {"73.8%": "ResNet-50", "82.3%": "SVDNet"}
    assert _rels(g, "VARIANT_OF", _by_name(g, "1001-layer ResNet").id, _by_name(g, "ResNet").id)


def test_generic_words_stay_unlinked_and_types_other_than_model_method_keep_theirs():
    papers, exs = corpus(
        paper("p:g", "T", "Our method beats the [SOTA|Model] and [state-of-the-art|Method] on [large language models|Task]. "
                          "[large language models|Method] ([LLMs|Method]) are big. [Large language models|Method] too."),
    )
    g = link(papers, exs)
    assert not [m for m in g.mentions if m.text in ("SOTA", "state-of-the-art")]
    assert g.meta["link"]["mentions_unlinked"] == 2
    assert all(m.entity in g.entities for m in g.mentions)
    task = [m for m in g.mentions if m.type == "Task"]
    assert len(task) == 1 and g.entities[task[0].entity].type == "Task"
    _check = [e for e in g.entities.values() if e.type == "Method"]
    assert len(_check) == 1 and _check[0].mentions == 3


def test_names_with_years_become_datasets_but_not_venues():
    g = link(*corpus(paper("p:y", "T", "We test on BRATS 2015 and WMT 2014, as published at ICLR 2024, with [U-Net|Model].")))
    ds = sorted((m.text, m.source) for m in g.mentions if m.type == "Dataset")
    assert ds == [("BRATS 2015", "link:name_year"), ("WMT 2014", "link:name_year")]


def test_dataset_cues_after_a_name():
    g = link(*corpus(paper("p:b", "T", "On [BRATS|Model] 2015 and the [BRATS|Model] test dataset, [U-Net|Model] 2 wins.")))
    assert [m.type for m in g.mentions if m.text == "BRATS"] == ["Dataset", "Dataset"]
    assert [m.type for m in g.mentions if m.text == "U-Net"] == ["Model"]


def test_method_spans_naming_datasets():
    papers, exs = corpus(
        paper("p:1", "T", "Results on [ILSVRC 2015 classification task|Task], [CoNLL-2005 SRL|Task] and on [image-based Market1501|Method]."),
        paper("p:2", "T", "We use [Market1501|Dataset] for [semantic role labeling|Task]."),
    )
    g = link(papers, exs)
    typed = {m.text: m.type for m in g.mentions}
    assert typed["ILSVRC 2015 classification task"] == "Task" and typed["image-based Market1501"] == "Dataset"
    assert typed["CoNLL-2005 SRL"] == "Dataset"
    assert typed["semantic role labeling"] == "Task"


def test_nasty_text_is_data():
    nasty = ["<script>alert(1)</script>", "GAN\x00s", "BERT\ud800", "\u202eRTL-Net", "x" * 10000, "C++", "日本語モデル", "'; DROP"]
    abstract = " and ".join(f"[{t}|Model]" for t in nasty) + ". See http://[::1 and https://github.com/a/b)."
    g = link(*corpus(paper("p:n", "T", abstract, links=["http://[::1", "http://[a.b/x", "https://github.com/a/b).", "javascript:alert(1)", "https://x.org/\x00"])))
    for e in g.entities.values():
        assert re.fullmatch(r"model:[a-z0-9\-]+", e.id), e.id
    assert len(g.entities) == len(nasty)
    assert [r.url for r in g.repositories.values()] == ["https://github.com/a/b"]


def test_results_extraction_missed_are_found_next_to_a_metric():
    papers, exs = corpus(
        paper(
            "p:f",
            "[FRRN|Model]: full-resolution residual networks",
            "Without pretraining, our approach achieves an [intersection-over-union score|Method] of 71.8% on the "
            "[Cityscapes|Dataset] dataset. [ResNet-50|Model] has 25 layers.",
        )
    )
    g = link(papers, exs)
    (r,) = g.results.values()
    assert (r.surface["method"], r.surface["dataset"], r.surface["metric"], r.value, r.unit) == (
        "FRRN", "Cityscapes", "intersection-over-union score", 71.8, "%")
    assert g.entities[r.metric].type == "Metric"


def test_tasks_tagged_in_several_papers_are_found_untagged_elsewhere():
    papers, exs = corpus(
        paper("p:1", "T", "We study [question answering|Task] and [gradient descent|Method]."),
        paper("p:2", "T", "Models for [question answering|Task] with [gradient descent|Method]."),
        paper("p:3", "T", "Synthetic question answering with gradient descent."),
    )
    g = link(papers, exs)
    assert sorted((m.text, m.type) for m in g.mentions if m.paper == "p:3") == [("question answering", "Task")]


def test_scores_and_errors_are_metrics():
    g = link(*corpus(paper("p:m", "T", "We report [2D and 3D errors|Task], [rank-1 identification|Task] rates and the "
                                       "[learning|Method] rate of [face recognition|Task].")))
    typed = {m.text: m.type for m in g.mentions}
    assert typed == {"2D and 3D errors": "Metric", "rank-1 identification": "Metric", "learning": "Method", "face recognition": "Task"}


def test_id_collisions_get_a_hash_suffix():
    g = link(*corpus(paper("p:c", "T", "[C++|Method], [Cplusplus|Method], [日本語モデル|Model] and [中文模型|Model].")))
    ids = sorted(g.entities)
    assert len(ids) == 4 and len(set(ids)) == 4
    assert "method:cplusplus" in ids and any(re.fullmatch(r"method:cplusplus-[0-9a-f]{6}", i) for i in ids)
    assert all(re.fullmatch(r"model:h-[0-9a-f]{10}", i) for i in ids if i.startswith("model:"))


def test_run_on_text_without_sentences_stays_linear():
    # 50k words, a mention every 10 words and no sentence end: pairwise rules must not go quadratic
    words, ms, pos = [], [], 0
    for i in range(50000):
        w = f"Net{(i // 10) % 300}" if i % 10 == 0 else ("outperforms", "on", "the", "compared", "with", "71.8%")[i % 6]
        if i % 10 == 0:
            ms.append(Mention("p:big", "abstract", pos, pos + len(w), w, "Model"))
        words.append(w)
        pos += len(w) + 1
    from kg.extract.document import PaperExtraction
    from kg.graph.model import Paper

    p = Paper(id="p:big", title="Big", abstract=" ".join(words))
    g = link({"p:big": p}, {"p:big": PaperExtraction(paper="p:big", mentions=ms)})
    assert len(g.entities) == 300 and len(g.mentions) == 5000
    assert not [r for r in g.relations.values() if r.type in ("OUTPERFORMS", "COMPARED_WITH")]
    assert len([r for r in g.relations.values() if r.type == "CO_MENTIONED"]) <= 66


def test_digit_counted_abbreviations_pair_up():
    g = link(*corpus(paper("p:i", "T", "We present [Input-Dependent Dynamic Depth|Model] ([I3D|Model]), [word2vec|Method] "
                                       "([W2V|Method]) and a [residual network|Method] ([R3D|Method]).")))
    ids = {m.text: m.entity for m in g.mentions}
    assert ids["I3D"] == ids["Input-Dependent Dynamic Depth"] and ids["W2V"] == ids["word2vec"]
    assert ids["R3D"] != ids["residual network"]  # three d's are not there
    assert find_duplicates(g) == []


def test_value_for_a_named_system():
    papers, exs = corpus(
        paper(
            "p:c",
            "[CornerNet-Lite|Model]: efficient keypoint detection",
            "[CornerNet-Squeeze|Model] improves on [YOLOv3|Model] (34.4% [AP|Metric] at 34ms for [CornerNet-Squeeze|Model] "
            "compared to 33.0% [AP|Metric] at 39ms for [YOLOv3|Model] on [COCO|Dataset]).",
            results=[
                {"value_text": "34.4%", "method": "YOLOv3", "dataset": "COCO", "metric": "AP"},
                {"value_text": "33.0%", "method": "YOLOv3", "dataset": "COCO", "metric": "AP"},
            ],
        )
    )
    g = link(papers, exs)
    rows = {r.value_text: (r.surface["method"], r.surface["dataset"]) for r in g.results.values()}
    assert rows == {"34.4%": ("CornerNet-Squeeze", "COCO"), "33.0%": ("YOLOv3", "COCO")}


def test_a_surface_takes_the_type_most_papers_give_it():
    papers, exs = corpus(
        paper("p:1", "A", "We fine-tune [RoBERTa|Model] for [natural language processing|Task] with [fine-tuning|Method]."),
        paper("p:2", "B", "[RoBERTa|Model] and [natural language processing|Task] again, with [fine-tuning|Method]."),
        paper("p:3", "C", "Distilled [RoBERTa|Model] helps [natural language processing|Task] and [fine-tuning|Task]."),
        # the minority readings: a slip (Dataset), a descriptive term (Method), a near-tie (fine-tuning 2:2)
        paper("p:4", "D", "We probe [RoBERTa|Dataset] with [Natural Language Processing|Method] and [fine-tuning|Task]."),
        # a short form this paper defines keeps the type its definition gives, whatever the corpus says
        paper("p:5", "E", "The [Multi-view Image Matching|Dataset] ([MIM|Dataset]) benchmark tests [ViT|Model]."),
        paper("p:6", "F", "The [MIM|Model] model [MIM|Model] is used."),
        paper("p:7", "G", "A [MIM|Model] baseline."),
        paper("p:8", "H", "The [MIM|Model] family."),
    )
    g = link(papers, exs)
    roberta = [e for e in g.entities.values() if match_key(e.name) == "roberta"]
    assert [(e.type, e.papers) for e in roberta] == [("Model", ["p:1", "p:2", "p:3", "p:4"])]
    nlp = [e for e in g.entities.values() if match_key(e.name) == "naturallanguageprocessing"]
    assert [(e.type, len(e.papers)) for e in nlp] == [("Task", 4)]
    retyped = sorted((m.paper, m.text, m.type) for m in g.mentions if m.source.endswith("+link:type_corpus"))
    assert retyped == [("p:4", "Natural Language Processing", "Task"), ("p:4", "RoBERTa", "Model")]
    assert g.meta["link"]["mentions_retyped_by_corpus"] == 2
    # near-tie: both readings stay
    assert sorted(e.type for e in g.entities.values() if match_key(e.name) == "finetuning") == ["Method", "Task"]
    # the defining paper's MIM stays its dataset; the other papers' MIM is the model
    mim = {m.paper: m.type for m in g.mentions if m.text == "MIM"}
    assert mim["p:5"] == "Dataset" and {mim[p] for p in ("p:6", "p:7", "p:8")} == {"Model"}


def test_corpus_type_needs_two_papers_and_a_clear_majority():
    # one paper against one: nothing changes
    g = link(*corpus(paper("p:1", "A", "[LoRA|Model] adapters."), paper("p:2", "B", "[LoRA|Dataset] splits.")))
    assert sorted(e.type for e in g.entities.values()) == ["Dataset", "Model"]
    assert g.meta["link"]["mentions_retyped_by_corpus"] == 0
