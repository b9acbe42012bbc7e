"""Result rows (value + metric + dataset + system): the sentence patterns of extraction's ``kg_results`` component
and of linking's result resolution, on made-up sentences (hand-made mentions, so the NER model plays no part)."""

from __future__ import annotations

import pytest
import spacy
from test_link_helpers import corpus, paper

from kg.extract.result_sentences import _metric_for_value, _respectively, _unit_metrics
from kg.extract.document import ResultCandidate
from kg.link import link
from kg.link.results import is_condition, is_delta, is_not_score, is_starting_value, is_table_like


def _rows(g):
    return {r.value_text: (r.surface["method"], r.surface["dataset"], r.surface["metric"]) for r in g.results.values()}


def _with_spans(ex, text, roles_by_value):
    """Give the hand-made candidates the role spans extraction would have set."""
    for rc in ex.results:
        for role, surface in roles_by_value.get(rc.value_text, {}).items():
            s = text.index(surface, rc.sent_start)
            rc.spans[role] = [s, s + len(surface)]
            setattr(rc, role, surface)


# -- linking: whose result, which dataset ------------------------------------------------------------
def test_from_a_to_b_starting_value_is_a_baseline_and_generic_method_is_the_papers_system():
    papers, exs = corpus(
        paper(
            "p:xl",
            "[FooFormer|Model]: long context language models",
            "We improve the state-of-the-art ([SoTA|Method]) results of [bpc|Metric] from 1.06 to 0.99 on "
            "[enwik9|Dataset], and from 20.5 to 18.3 on [WikiText-9|Dataset].",
            results=[{"value_text": v, "method": "SoTA", "metric": "bpc"} for v in ("1.06", "0.99", "20.5", "18.3")],
        )
    )
    # "SoTA" is dropped as generic noise by linking: the candidate's surface has no entity behind it
    g = link(papers, exs)
    rows = _rows(g)
    assert rows["0.99"] == ("FooFormer", "enwik9", "bpc")
    assert rows["18.3"] == ("FooFormer", "WikiText-9", "bpc")
    # the starting values belong to the previous state of the art, which the sentence does not name
    assert rows["1.06"][0] is None and rows["20.5"][0] is None
    assert rows["1.06"][1] == "enwik9"


def test_changes_are_not_result_rows():
    papers, exs = corpus(
        paper(
            "p:d",
            "[BarNet|Model]: better translation",
            "[BarNet|Model] obtains 30.1 [BLEU|Metric] on [WMT-X|Dataset], improving [BLEU|Metric] by 2.3 points. "
            "It reaches 80.1% [top-1 accuracy|Metric] on [ImageNet-Z|Dataset], a 1.5% absolute improvement.",
            results=[
                {"value_text": "30.1", "metric": "BLEU"},
                {"value_text": "2.3", "metric": "BLEU"},
                {"value_text": "80.1%", "metric": "top-1 accuracy"},
                {"value_text": "1.5%", "metric": "top-1 accuracy"},
            ],
        )
    )
    g = link(papers, exs)
    assert set(_rows(g)) == {"30.1", "80.1%"}


@pytest.mark.parametrize(
    ("text", "start_word", "delta"),
    [
        ("improves mAP by 2.3 points", "2.3", True),
        ("improves mAP by over 2 BLEU", "2", True),
        ("a +1.8% gain", "1.8", True),
        ("an improvement of 3.1% over X", "3.1", True),
        ("gives an 8.7% improvement in NDCG", "8.7", True),
        ("is 4.2 points higher than X", "4.2", True),
        ("achieves 71.8% mIoU", "71.8", False),
        ("a top-1 accuracy of 71.8%", "71.8", False),
        ("mAP = 41.2 on COCO", "41.2", False),
    ],
)
def test_is_delta(text, start_word, delta):
    s = text.index(start_word)
    assert is_delta(text, s, s + len(start_word)) is delta


def test_is_starting_value():
    text = "improved from 73.8% to 82.3% on X"
    assert is_starting_value(text, text.index("73.8"), text.index("73.8") + 5)
    assert not is_starting_value(text, text.index("82.3"), text.index("82.3") + 5)
    text = "rose from 2 layers to 71.8 mAP"
    assert not is_starting_value(text, text.index("71.8"), text.index("71.8") + 4)


def test_respectively_keeps_the_datasets_extraction_paired_in_order():
    abstract = ("[BazDet|Model] achieves 41.2, 35.1 and 20.3 [mAP|Metric] on [COCO-Q|Dataset], [VOC-Q|Dataset] and "
                "[LVIS-Q|Dataset], respectively.")
    papers, exs = corpus(
        paper("p:r", "[BazDet|Model]: detection", abstract,
              results=[{"value_text": v, "method": "BazDet", "metric": "mAP"} for v in ("41.2", "35.1", "20.3")])
    )
    text = papers["p:r"].abstract
    _with_spans(exs["p:r"], text, {"41.2": {"dataset": "COCO-Q"}, "35.1": {"dataset": "VOC-Q"}, "20.3": {"dataset": "LVIS-Q"}})
    g = link(papers, exs)
    assert {v: d for v, (_m, d, _mt) in _rows(g).items()} == {"41.2": "COCO-Q", "35.1": "VOC-Q", "20.3": "LVIS-Q"}


def test_title_named_model_owns_our_results_over_a_generic_proposal():
    papers, exs = corpus(
        paper(
            "p:t",
            "[Full-Width Residual Nets|Model] for [Street Segmentation|Task]",
            "We propose a novel [ResNet-like architecture|Model] for segmentation. Our approach achieves an "
            "[intersection-over-union score|Metric] of 71.8% on the [CityLanes|Dataset] dataset.",
            results=[{"value_text": "71.8%", "metric": "intersection-over-union score", "dataset": "CityLanes"}],
        )
    )
    g = link(papers, exs)
    assert _rows(g)["71.8%"] == ("Full-Width Residual Nets", "CityLanes", "intersection-over-union score")


def test_backbone_after_with_is_not_the_system_when_we_are_the_subject():
    papers, exs = corpus(
        paper(
            "p:b",
            "[QuuxGrain|Model]: unified embeddings",
            "We obtain 79.4% [top-1 accuracy|Metric] with a [ResNet-50|Model] learned on [ImageNet|Dataset].",
            results=[{"value_text": "79.4%", "method": "ResNet-50", "metric": "top-1 accuracy", "dataset": "ImageNet"}],
        ),
        paper(
            "p:c",
            "[Corner-Lite|Model]: fast detection",
            "[Corner-Lite|Model] is fast (34.4% [AP|Metric] at 34ms for [Corner-Squeeze|Model] on [COCO|Dataset]).",
            results=[{"value_text": "34.4%", "method": "Corner-Lite", "metric": "AP", "dataset": "COCO"}],
        ),
    )
    g = link(papers, exs)
    by_paper = {r.paper: r.surface["method"] for r in g.results.values()}
    assert by_paper == {"p:b": "QuuxGrain", "p:c": "Corner-Squeeze"}


# -- extraction helpers on blank spaCy docs ----------------------------------------------------------
@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def test_unit_metrics_tags_scores_written_with_their_metric(blank):
    doc = blank("We reach 1.27 bits/char on text8, 28.4 BLEU and 3.1 bpc, in 12 days.")
    _unit_metrics(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("bits/char", "Metric"), ("BLEU", "Metric"), ("bpc", "Metric")]


def test_unit_metrics_leaves_existing_entities(blank):
    doc = blank("It gets 40.1 AP on COCO.")
    doc.ents = [doc.char_span(13, 15, label="Method")]
    _unit_metrics(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("AP", "Method")]


def _row(doc, value, metric):
    s = doc.text.index(value)
    m = doc.text.index(metric, s)
    return {"value_span": (s, s + len(value)), "metric": doc.char_span(m, m + len(metric), label="Metric"), "dataset": None}


@pytest.mark.parametrize(
    "text",
    [
        "Ours gets 41.2, 35.1 and 20.3 mAP on COCO, VOC and LVIS, respectively.",
        "Ours gets 41.2 / 35.1 / 20.3 mAP on COCO, VOC and LVIS, respectively.",
        "On COCO, VOC and LVIS, ours gets 41.2, 35.1 and 20.3 mAP, respectively.",
    ],
)
def test_respectively_pairs_a_value_list_with_datasets_in_order(blank, text):
    doc = blank(text)
    doc.ents = [doc.char_span(doc.text.index(n), doc.text.index(n) + len(n), label="Dataset") for n in ("COCO", "VOC", "LVIS")]
    rows = [_row(doc, v, "mAP") for v in ("41.2", "35.1", "20.3")]
    _respectively(rows, list(doc.ents), doc.text)
    assert [r["dataset"].text for r in rows] == ["COCO", "VOC", "LVIS"]


@pytest.mark.parametrize(
    ("quantity", "value"),
    [("over the past 20 years", "20"), ("on 1.5 million architectures", "1.5"), ("with 175B parameters", "175"),
     ("with 12 layers", "12"), ("on 16 GPUs", "16"), ("over 40 languages", "40")],
)
def test_numbers_that_count_things_or_span_years_are_not_results(blank, quantity, value):
    from kg.extract.result_sentences import make_results

    text = f"ZorbNet reaches 71.8 accuracy on ImageNet-Z {quantity}, and 3.5 hours of training time."
    doc = blank(text)
    doc.ents = [doc.char_span(text.index(n), text.index(n) + len(n), label=lab)
                for n, lab in (("ZorbNet", "Model"), ("accuracy", "Metric"), ("ImageNet-Z", "Dataset"), ("training time", "Metric"))]
    make_results(blank, "kg_results", max_distance=120)(doc)
    values = [r["value_text"] for r in doc.user_data["kg_results"]]
    assert "71.8" in values and "3.5" in values  # a score, and a duration that is one (training time)
    assert value not in values, values


@pytest.mark.parametrize(("before", "kept"), [("with Llama", False), ("in Table", False), ("Section", False),
                                               ("Accuracy", True), ("on ImageNet-Z", True)])
def test_a_number_after_a_capitalised_word_is_a_version_unless_the_word_is_a_metric_or_dataset(blank, before, kept):
    from kg.extract.result_sentences import make_results

    text = f"ZorbNet reaches 71.8% accuracy on ImageNet-Z, and 40.2 {before} 3.2 accuracy too."
    doc = blank(text)
    ents = [("ZorbNet", "Model", 0), ("accuracy", "Metric", 0), ("accuracy", "Metric", 1), ("ImageNet-Z", "Dataset", 0)]
    if before == "Accuracy":
        ents.append(("Accuracy", "Metric", 0))
    if before == "on ImageNet-Z":
        ents.append(("ImageNet-Z", "Dataset", 1))
    spans = []
    for n, lab, nth in ents:
        at = text.index(n) if nth == 0 else text.index(n, text.index(n) + 1)
        spans.append(doc.char_span(at, at + len(n), label=lab))
    doc.ents = spans
    make_results(blank, "kg_results", max_distance=120)(doc)
    values = [r["value_text"] for r in doc.user_data["kg_results"]]
    assert "71.8%" in values and "40.2" in values, values
    assert ("3.2" in values) is kept, values


def test_respectively_needs_a_list_of_values(blank):
    doc = blank("Ours gets 41.2 mAP on COCO with 10 layers and 35.1 mAP on VOC, respectively.")
    doc.ents = [doc.char_span(doc.text.index(n), doc.text.index(n) + len(n), label="Dataset") for n in ("COCO", "VOC")]
    rows = [_row(doc, "41.2", "mAP"), _row(doc, "35.1", "mAP")]
    _respectively(rows, list(doc.ents), doc.text)
    assert [r["dataset"] for r in rows] == [None, None]


@pytest.mark.parametrize(
    ("text", "start_word", "delta"),
    [
        ("achieving 5% top-1 accuracy improvement on X", "5", True),
        ("over 1% BLEU improvement absolute", "1", True),
        ("a higher controllability by ~33.5% over prior methods", "33.5", True),
        ("while using 10% fewer FLOPs", "10", True),
        ("reaches 71.8% accuracy with less compute", "71.8", False),
        ("reaches 71.8% mIoU and more robust boundaries", "71.8", False),
    ],
)
def test_is_delta_with_metric_words_between(text, start_word, delta):
    s = text.index(start_word)
    assert is_delta(text, s, s + len(start_word)) is delta


def test_change_lists_and_citations_are_not_result_rows():
    papers, exs = corpus(
        paper(
            "p:g",
            "[SumNet|Model]: summaries",
            "[SumNet|Model] reaches 21.3 [ROUGE-2 F1|Metric] on [NewsSum|Dataset], with [ROUGE-2 F1|Metric] gains of 0.88, "
            "2.01 and 0.38 over baselines. We tune it with [cross entropy|Metric] optimization [17].",
            results=[{"value_text": v, "metric": "ROUGE-2 F1"} for v in ("21.3", "0.88", "2.01", "0.38")]
            + [{"value_text": "17", "metric": "cross entropy"}],
        )
    )
    g = link(papers, exs)
    assert set(_rows(g)) == {"21.3"}


def test_system_named_before_the_value_owns_it_over_one_after_with():
    papers, exs = corpus(
        paper(
            "p:w",
            "[Spiny|Model]: detection backbones",
            "[SpinyNet-190|Model] achieves 52.5% [AP|Metric] with a [MaskR-CNN detector|Method] on [COCO|Dataset].",
            results=[{"value_text": "52.5%", "metric": "AP", "dataset": "COCO"}],
        )
    )
    text = papers["p:w"].abstract
    _with_spans(exs["p:w"], text, {"52.5%": {"method": "MaskR-CNN detector"}})
    g = link(papers, exs)
    assert _rows(g)["52.5%"] == ("SpinyNet-190", "COCO", "AP")


def _metric_ents(doc, names):
    return [doc.char_span(doc.text.index(n), doc.text.index(n) + len(n), label="Metric") for n in names]


@pytest.mark.parametrize(
    ("value", "want"),
    [(0.99, "bpc"), (1.08, "bpc"), (18.3, "perplexity"), (54.5, "perplexity")],
)
def test_metrics_written_as_alternatives_go_to_the_values_they_can_score(blank, value, want):
    doc = blank("We improve bpc/perplexity from 1.06 to 0.99 on A, from 1.13 to 1.08 on B and from 20.5 to 18.3 on C.")
    ms = _metric_ents(doc, ["bpc", "perplexity"])
    nearest = ms[1]
    assert _metric_for_value(nearest, ms, doc.text, value).text == want


def test_alternatives_the_ranges_cannot_tell_apart_keep_the_nearest_metric(blank):
    doc = blank("It reaches BLEU / METEOR scores of 30.1 and 25.2.")
    ms = _metric_ents(doc, ["BLEU", "METEOR"])
    assert _metric_for_value(ms[1], ms, doc.text, 30.1) is ms[1]
    # metrics that are not written as alternatives are left alone, whatever the value
    doc = blank("Perplexity drops and it reaches 0.9 on A.")
    ms = _metric_ents(doc, ["Perplexity"])
    assert _metric_for_value(ms[0], ms, doc.text, 0.9) is ms[0]


@pytest.mark.parametrize(
    ("text", "word", "not_score"),
    [
        ("achieves a 1.7x speedup", "1.7x", True),
        ("is 2.91 times faster", "2.91", True),
        ("with a 20-fold reduction in data", "20", True),
        ("an MS-MLP with 85 million parameters", "85", True),
        ("with only 0.4M parameters", "0.4", True),
        ("from 1,594 distinct segments", "1,594", True),
        ("state of the art on 10 out of 11 benchmarks", "10", True),
        ("state of the art on 10 out of 11 benchmarks", "11", True),
        ("on a single 1080Ti GPU", "1080", True),
        ("for k > 10, our approach", "10", True),
        ("up to 19.1% out of 2,604 segments", "19.1%", False),
        ("reaching 41 images/s on one GPU", "41", False),
        ("achieves 71.8% mIoU on Cityscapes", "71.8%", False),
        ("a BLEU score of 28.4 on WMT", "28.4", False),
        ("while retaining 95.4% of the original performance", "95.4%", True),
        ("while using only ~30% of the parameters", "30%", True),
        ("correctly classifies 95% of the images", "95%", False),
        ("CoCoSoDa outperforms 14 baselines", "14", True),
        ("the constraint of real inputs in Subsection 2.1", "2.1", True),
        ("as shown in Table 3", "3", True),
        ("using 10-20% fewer FLOPs", "10", False),
        ("across 11 different VQ-VAE training paradigms", "11", True),
        ("with numerous distinct layers (e.g., 50+)", "50", True),
        ("on 16-frame 128p video reconstruction", "16", True),
        ("can identify, from 3s of MEG signals,", "3s", True),
        ("while maintaining 99% and 96% performance respectively", "99%", True),
        ("while maintaining 75.2% top-1 accuracy", "75.2%", False),
    ],
)
def test_is_not_score(text, word, not_score):
    s = text.index(word)
    assert is_not_score(text, s, s + len(word)) is not_score


def test_is_condition():
    text = "It gets 34.4% AP at 34ms and 77.4% mIoU at 102 FPS, at 5% of the cost."
    for word, want in (("34ms", True), ("102 FPS", True), ("34.4%", False), ("77.4%", False)):
        s = text.index(word)
        assert is_condition(text, s, s + len(word)) is want


def test_operating_points_are_rows_only_with_their_own_metric():
    text = "[FastNet|Model] gets 34.4% [AP|Metric] at 34ms and 77.4% [mIoU|Metric] at 102 [FPS|Metric] on [CityX|Dataset]."
    papers, exs = corpus(paper("p:op", "[FastNet|Model]: fast segmentation", text))
    a, ex = papers["p:op"].abstract, exs["p:op"]
    for vt, metric in (("34.4%", "AP"), ("34ms", "AP"), ("77.4%", "mIoU"), ("102 FPS", "FPS")):
        vs = a.index(vt)
        ms = a.rindex(metric, 0, vs) if vt == "34ms" else a.index(metric, vs)
        ex.results.append(ResultCandidate("p:op", "abstract", 0, len(a), float(vt.split()[0].rstrip("%ms")), vt, None,
                                          vs, vs + len(vt), metric=metric, spans={"metric": [ms, ms + len(metric)]}))
    rows = _rows(link(papers, exs))
    assert set(rows) == {"34.4%", "77.4%", "102 FPS"}
    assert rows["102 FPS"] == ("FastNet", "CityX", "FPS")
    assert rows["34.4%"] == ("FastNet", "CityX", "AP")


def test_a_paper_that_proposes_nothing_gets_the_system_we_work_with():
    papers, exs = corpus(
        paper(
            "p:we",
            "Greedy search for face features",
            "Earlier work compared against [BaseNet|Model]. We select a subset of features using [forward feature selection|Method]. "
            "The chosen subset delivers 88.7% [accuracy|Metric] on [FaceSet|Dataset].",
            results=[{"value_text": "88.7%", "metric": "accuracy"}],
        ),
        paper(
            "p:none",
            "A study of face features",
            "Earlier work compared against [BaseNet|Model]. The chosen subset delivers 80.1% [accuracy|Metric] on [FaceSet|Dataset].",
            results=[{"value_text": "80.1%", "metric": "accuracy"}],
        ),
    )
    rows = _rows(link(papers, exs))
    assert rows["88.7%"] == ("forward feature selection", "FaceSet", "accuracy")
    # nothing "we" work with: the result keeps no system rather than a baseline's name
    assert rows["80.1%"][0] is None


def test_a_range_of_changes_is_no_result():
    papers, exs = corpus(
        paper(
            "p:rng",
            "[EdNMT|Model]: translation systems",
            "We see improvements of 4.3–11.2 [BLEU|Metric] over our baselines and reach 30.2 [BLEU|Metric] on [NewsX|Dataset].",
            results=[{"value_text": v, "metric": "BLEU"} for v in ("4.3", "11.2", "30.2")],
        )
    )
    assert set(_rows(link(papers, exs))) == {"30.2"}



@pytest.mark.parametrize(
    ("text", "word", "delta"),
    [
        ("LaPE improves 0.94% accuracy for ViT-Lite", "0.94%", True),
        ("saving up to 45% of development time", "45%", True),
        ("with 33\\% speed up on generation", "33\\%", True),
        ("improves the accuracy to 80.1% on X", "80.1%", False),
        ("by 0.3%/1.1% accuracy with 35%/52% fewer parameters", "35%", True),
        ("we also show an improvement of more than 2.5 F1", "2.5", True),
        ("while using 10-20% fewer FLOPs", "10", True),
        ("an overall improvement in mAP score of about 12%", "12%", True),
        ("beat our closest competitors by 8 and 9.5 absolute percentage points", "9.5", True),
        ("leading to an {\\bf 8.2\\%} perplexity improvement", "8.2\\%", True),
        ("reduces the error rate from 7.1 to 5.2", "5.2", False),
    ],
)
def test_is_delta_with_verbs_of_change(text, word, delta):
    s = text.index(word)
    assert is_delta(text, s, s + len(word)) is delta


def test_the_previous_best_is_a_baselines_value():
    text = "CMD achieves an FVD score of 212.7 on WebVid, better than the previous state-of-the-art of 292.4."
    for word, want in (("292.4", True), ("212.7", False)):
        s = text.index(word)
        assert is_starting_value(text, s, s + len(word)) is want


def test_what_our_system_is_built_on_does_not_own_the_result():
    papers, exs = corpus(
        paper(
            "p:built",
            "Learning from captions",
            "Our best model, utilizing [DINOv2|Model] and [RoBERTa-L|Model], achieves 76% [accuracy|Metric] on [ImageNet-Q|Dataset].",
            results=[{"value_text": "76%", "method": "RoBERTa-L", "metric": "accuracy"}],
        )
    )
    ex = exs["p:built"]
    _with_spans(ex, papers["p:built"].abstract, {"76%": {"method": "RoBERTa-L"}})
    # the paper proposes nothing the extractor found: no system rather than a component's name
    assert _rows(link(papers, exs))["76%"] == (None, "ImageNet-Q", "accuracy")


def test_the_subject_owns_values_stated_with_several_instruments():
    text = ("[SpinyNet-190|Model] achieves 52.5% [AP|Metric] with a [MaskNet|Model] detector and achieves 52.1% [AP|Metric] "
            "with a [RetinaZ|Model] detector on [COCO-Q|Dataset].")
    papers, exs = corpus(
        paper("p:subj", "[SpinyNet|Model]: scale-permuted backbones", text,
              results=[{"value_text": "52.5%", "metric": "AP"}, {"value_text": "52.1%", "metric": "AP"}])
    )
    ex = exs["p:subj"]
    _with_spans(ex, papers["p:subj"].abstract, {"52.5%": {"method": "SpinyNet-190"}, "52.1%": {"method": "RetinaZ"}})
    rows = _rows(link(papers, exs))
    assert rows["52.1%"][0] == "SpinyNet-190" and rows["52.5%"][0] == "SpinyNet-190"


def test_latex_percent_signs_stay_with_their_value():
    from kg.extract.result_sentences import _NUMBER

    assert [m.group(0) for m in _NUMBER.finditer(r"such as 83.8 \% top-1 accuracy and 49.9\% mIoU")] == [r"83.8 \%", r"49.9\%"]


def test_hyperparameters_are_no_results():
    papers, exs = corpus(
        paper(
            "p:hp",
            "[TinyNet|Model]: small and fast",
            "We train [TinyNet|Model] with a [learning rate|Metric] of 0.1 and reach 71.2% [accuracy|Metric] on [ImgSet|Dataset].",
            results=[{"value_text": "0.1", "metric": "learning rate"}, {"value_text": "71.2%", "metric": "accuracy"}],
        )
    )
    assert set(_rows(link(papers, exs))) == {"71.2%"}


def test_a_dataset_after_for_gives_way_to_the_one_after_on():
    papers, exs = corpus(
        paper(
            "p:for",
            "[SVDx|Model] for pedestrian retrieval",
            "On the [Market-X|Dataset] dataset, rank-1 [accuracy|Metric] is improved from 73.8% to 82.3% for [CafNet|Dataset].",
            results=[{"value_text": "82.3%", "dataset": "CafNet", "metric": "accuracy"}],
        ),
        paper(
            "p:for2",
            "[GECx|Model]: grammar correction",
            "[GECx|Model] reaches human-level [GLEU|Metric] (72.58 for [CoNLL-X|Dataset] and 62.37 for [JFLEG-X|Dataset]).",
            results=[{"value_text": "62.37", "dataset": "JFLEG-X", "metric": "GLEU"}],
        ),
    )
    _with_spans(exs["p:for"], papers["p:for"].abstract, {"82.3%": {"dataset": "CafNet"}})
    _with_spans(exs["p:for2"], papers["p:for2"].abstract, {"62.37": {"dataset": "JFLEG-X"}})
    rows = _rows(link(papers, exs))
    assert rows["82.3%"][1] == "Market-X"
    # with no dataset after "on", "for" does introduce the dataset
    assert rows["62.37"][1] == "JFLEG-X"



def test_a_list_of_changes_continues_after_or_over():
    papers, exs = corpus(
        paper(
            "p:or",
            "[CodecZ|Model]: fast decoding",
            "[CodecZ|Model] reaches 30.1 [PSNR|Metric], while reducing the [decoding complexity|Metric] by 80 %, or over 90 % for the decoder alone.",
            results=[{"value_text": "30.1", "metric": "PSNR"}, {"value_text": "80 %", "metric": "decoding complexity"},
                     {"value_text": "90 %", "metric": "decoding complexity"}],
        )
    )
    assert set(_rows(link(papers, exs))) == {"30.1"}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("at 256x256 resolution", []),
        ("out of 1,594 segments", ["1,594"]),
        ("in 3s and 16 s, at 34ms", ["3s", "16 s", "34ms"]),
        ("28.4 BLEU and 10 points higher", ["28.4 BLEU", "10 points"]),
    ],
)
def test_numbers_are_read_whole_and_units_end_at_a_word_boundary(text, values):
    from kg.extract.result_sentences import _NUMBER

    assert [m.group(0) for m in _NUMBER.finditer(text)] == values



def test_tables_flattened_into_text_are_table_like():
    assert is_table_like("Method CIFAR-10 CIFAR-100 Maxout 11.68% 38.57% Network-in-network 10.41% 35.68% Spectral pooling 8.6% 31.6%")
    assert not is_table_like("These settings allow us to attain classification rates of 8.6% on CIFAR-10 and 31.6% on CIFAR-100.")
    assert not is_table_like("We reach 41.2, 35.1, 20.3, 18.0, 55.2 and 60.1 mAP on the six benchmarks of the suite, respectively, "
                             "which is better than every previous detector we could compare against on these benchmarks.")


def test_a_coordinated_change_of_one_metric_is_a_change_too():
    papers, exs = corpus(
        paper(
            "p:coord",
            "[LISAx|Model]: semantic role labeling",
            "[LISAx|Model] out-performs the state of the art by nearly 1.0 [F1|Metric] on news and more than 2.0 [F1|Metric] "
            "on [OutDom|Dataset], and reaches 86.1 [F1|Metric] on [NewsY|Dataset].",
            results=[{"value_text": v, "metric": "F1"} for v in ("1.0", "2.0", "86.1")],
        )
    )
    ex = exs["p:coord"]
    a = papers["p:coord"].abstract
    for rc in ex.results:
        m = a.index("F1", rc.value_end)
        rc.spans["metric"] = [m, m + 2]
    assert set(_rows(link(papers, exs))) == {"86.1"}


def test_a_rank_is_no_system():
    papers, exs = corpus(
        paper(
            "p:rank",
            "[Transformy|Model]: attention only",
            "We propose the [Transformy|Model]. Our model establishes a new [single-model state-of-the-art|Method] "
            "[BLEU score|Metric] of 41.8 on [WMT-Q|Dataset].",
            results=[{"value_text": "41.8", "method": "single-model state-of-the-art", "metric": "BLEU score"}],
        )
    )
    _with_spans(exs["p:rank"], papers["p:rank"].abstract, {"41.8": {"method": "single-model state-of-the-art"}})
    assert _rows(link(papers, exs))["41.8"][0] == "Transformy"



def test_versions_inside_names_and_changes_named_as_metrics_are_no_results():
    papers, exs = corpus(
        paper(
            "p:ver",
            "[AuthNet|Model]: who wrote this code",
            "[AuthNet|Model] reaches 95.4% [accuracy|Metric] among five LLMs (Gemini 2.5 Flash, Claude 3.5 Haiku and Llama 3.3). "
            "Removing it costs a severe [accuracy loss|Metric] (>10%). It scores [BLEU|Metric] 28.4, on [CodeX|Dataset].",
            results=[{"value_text": "95.4%", "metric": "accuracy"}, {"value_text": "2.5", "metric": "accuracy"},
                     {"value_text": "3.5", "metric": "accuracy"}, {"value_text": "3.3", "metric": "accuracy"},
                     {"value_text": "10%", "metric": "accuracy loss"}, {"value_text": "28.4", "metric": "BLEU"}],
        )
    )
    assert set(_rows(link(papers, exs))) == {"95.4%", "28.4"}


def test_an_elliptical_change_in_a_list_keeps_being_a_change():
    papers, exs = corpus(
        paper(
            "p:ell",
            "[LaPEx|Method]: position embeddings",
            "[LaPEx|Method] improves 0.94% [accuracy|Metric] for [ViT-L|Model] on [C10|Dataset], 0.98% for [CCTx|Model] on "
            "[C100|Dataset], and reaches 81.2% [accuracy|Metric] on [INet|Dataset].",
            results=[{"value_text": v, "metric": "accuracy"} for v in ("0.94%", "0.98%", "81.2%")],
        )
    )
    ex = exs["p:ell"]
    _with_spans(ex, papers["p:ell"].abstract, {"81.2%": {"metric": "accuracy"}})
    assert set(_rows(link(papers, exs))) == {"81.2%"}


def test_a_value_in_brackets_after_a_system_is_that_systems():
    text = ("[FooNet|Model] achieves 71.8% [mIoU|Metric] on [CityQ|Dataset], a speedup over [BarNet|Model] (69.0% [mIoU|Metric]). "
            "It beats [BazNet|Model] (34.4% [AP|Metric] at 34ms for [FooNet-S|Model] compared to 33.0% [AP|Metric] for [BazNet|Model]). "
            "[FooNet|Model] is better than [QuxNet|Model] (3.1 vs. 2.6 [SARI|Metric]).")
    papers, exs = corpus(
        paper("p:br", "[FooNet|Model]: fast segmentation", text,
              results=[{"value_text": "71.8%", "metric": "mIoU"}, {"value_text": "69.0%", "method": "BarNet", "metric": "mIoU"},
                       {"value_text": "34.4%", "metric": "AP"}, {"value_text": "3.1", "method": "QuxNet", "metric": "SARI"}])
    )
    _with_spans(exs["p:br"], papers["p:br"].abstract, {"69.0%": {"method": "BarNet"}, "3.1": {"method": "QuxNet"}})
    rows = _rows(link(papers, exs))
    assert rows["71.8%"][0] == "FooNet" and rows["69.0%"][0] == "BarNet"
    # the bracket names its own system, or compares two values: no owner from before the bracket
    assert rows["34.4%"][0] == "FooNet-S"
    assert rows["3.1"][0] != "QuxNet"


def test_compared_values_are_baselines_and_hardware_is_no_system():
    text = ("We introduce [MathTuner|Model]. Our model obtains 78.2% [accuracy|Metric] on [GSM-Q|Dataset], compared with "
            "70.1% and 38.2% for [LlamaQ|Model]. It reaches more than 90% [accuracy|Metric] on [Easy-Q|Dataset]. "
            "It runs at 30 [FPS|Metric] on a single [A100|Model] GPU.")
    papers, exs = corpus(
        paper("p:cmp", "[MathTuner|Model]: small reasoners", text,
              results=[{"value_text": v, "metric": "accuracy"} for v in ("78.2%", "70.1%", "38.2%", "90%")]
              + [{"value_text": "30", "method": "A100", "metric": "FPS"}])
    )
    _with_spans(exs["p:cmp"], papers["p:cmp"].abstract, {"30": {"method": "A100", "metric": "FPS"}})
    rows = _rows(link(papers, exs))
    assert rows["78.2%"][0] == "MathTuner" and rows["90%"][0] == "MathTuner"
    assert rows["70.1%"][0] == "LlamaQ" and rows["38.2%"][0] == "LlamaQ"
    assert rows["30"][0] == "MathTuner"


def test_respectively_pairs_every_list_of_the_sentence(blank):
    doc = blank("On GSM and MATH, ours gets 78.2% and 45.6%, respectively, compared with 70.1% and 38.2% for Llama.")
    doc.ents = [doc.char_span(doc.text.index(n), doc.text.index(n) + len(n), label="Dataset") for n in ("GSM", "MATH")]
    m = doc.char_span(0, 2, label="Metric")
    rows = []
    for v in ("78.2%", "45.6%", "70.1%", "38.2%"):
        s = doc.text.index(v)
        rows.append({"value_span": (s, s + len(v)), "metric": None, "dataset": None})
    assert m is not None
    _respectively(rows, list(doc.ents), doc.text)
    assert [r["dataset"].text for r in rows] == ["GSM", "MATH", "GSM", "MATH"]


def test_long_runs_of_numbers_are_read_in_linear_time():
    # a run of digits and spaces once split every possible way: 15 numbers took 13 s, 40 would never end
    from kg.link.results import _COMPARED_BEFORE, _VALUES_THEN_SYSTEM

    assert _COMPARED_BEFORE.search("versus " + "1 " * 40 + "x") is None
    assert _COMPARED_BEFORE.search("compared with 70.1% and 38.2% ") is not None
    assert _VALUES_THEN_SYSTEM.match(" 1" * 40 + " x") is None
    assert _VALUES_THEN_SYSTEM.match(" and 38.2% for ") is not None


def test_what_a_result_is_reached_without_is_not_its_system():
    text = ("We select a subset of gestures using [backward gesture elimination|Method]. The subset classifies gestures in "
            "the [HandSet|Dataset] dataset and delivered 91.2% [recognition accuracy|Metric] without using any "
            "[depth-based features|Method].")
    papers, exs = corpus(
        paper("p:wo", "Greedy search for gesture features", text,
              results=[{"value_text": "91.2%", "method": "depth-based features", "metric": "recognition accuracy"}])
    )
    _with_spans(exs["p:wo"], papers["p:wo"].abstract, {"91.2%": {"method": "depth-based features"}})
    assert _rows(link(papers, exs))["91.2%"] == ("backward gesture elimination", "HandSet", "recognition accuracy")


def test_a_name_before_our_model_as_subject_is_not_the_system():
    # the sentence splitter missed a boundary ("... and QwenQ-1.5B. In binary ..."): one "sentence" holds a baseline
    # list and then our model's result
    text = ("We evaluate [BaseA|Model] and [QwenQ-1.5B|Model]; in binary classification, our model achieves 97.5% "
            "[accuracy|Metric] on [CodeSet|Dataset].")
    papers, exs = corpus(
        paper("p:os", "[ByteClassifier|Model]: telling code apart", text,
              results=[{"value_text": "97.5%", "method": "QwenQ-1.5B", "metric": "accuracy"}])
    )
    _with_spans(exs["p:os"], papers["p:os"].abstract, {"97.5%": {"method": "QwenQ-1.5B"}})
    assert _rows(link(papers, exs))["97.5%"] == ("ByteClassifier", "CodeSet", "accuracy")


def test_hardware_with_a_model_number_and_signed_shares_are_no_systems_or_rows():
    text = ("[SpeedGen|Model] reaches 41.5 [FPS|Metric] on a single [NVIDIA|Model] 4090 GPU. With a minor "
            "[accuracy|Metric] drop, i.e., -1.5%, it halves the training time.")
    papers, exs = corpus(
        paper("p:hw", "[SpeedGen|Model]: fast generation", text,
              results=[{"value_text": "41.5", "method": "NVIDIA", "metric": "FPS"},
                       {"value_text": "-1.5%", "metric": "accuracy"}])
    )
    _with_spans(exs["p:hw"], papers["p:hw"].abstract, {"41.5": {"method": "NVIDIA"}})
    rows = _rows(link(papers, exs))
    assert set(rows) == {"41.5"}
    assert rows["41.5"][0] == "SpeedGen"


def test_a_title_method_echoed_only_by_the_papers_own_citation_is_not_the_system():
    text = ("We select a subset of features using [forward feature selection|Method]. The chosen subset delivers 88.7% "
            "[accuracy|Metric] on [FaceSet|Dataset]. Copyright (c) 2020 the authors. A. Doe, "
            "'[Greedy search|Method] for compact face features,' in Proc. Conf., 2020.")
    papers, exs = corpus(
        paper("p:cite", "[Greedy Search|Method] for Compact Face Features", text,
              results=[{"value_text": "88.7%", "metric": "accuracy"}])
    )
    assert _rows(link(papers, exs))["88.7%"] == ("forward feature selection", "FaceSet", "accuracy")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("bits/char", "BPC", True),
        ("bits per character", "bpc", True),
        ("intersection-over-union score", "IoU", True),
        ("mean IoU", "mIoU", True),
        ("exact match", "EM", True),
        ("Fréchet Inception Distance", "FID score", True),
        ("word error rates", "WER", True),
        # distinct metrics stay distinct
        ("mean average precision", "AP", False),
        ("mIoU", "IoU", False),
        ("bits per byte", "BPC", False),
    ],
)
def test_well_known_metric_aliases_share_a_key(a, b, same):
    from kg.link.normalize import match_key

    assert (match_key(a, "Metric") == match_key(b, "Metric")) is same
    # only metrics: a method's key is untouched
    assert match_key("exact match", "Method") != match_key("EM", "Method")


def test_a_metric_written_out_links_to_the_entity_of_its_short_form():
    papers, exs = corpus(
        paper("p:long", "[CharNet|Model]: character models",
              "[CharNet|Model] reaches 1.21 [bits/char|Metric] on [WikiChars|Dataset].",
              results=[{"value_text": "1.21", "metric": "bits/char"}]),
        paper("p:short", "[ByteNetQ|Model]: byte models",
              "[ByteNetQ|Model] reaches 1.30 [BPC|Metric] on [WikiChars|Dataset].",
              results=[{"value_text": "1.30", "metric": "BPC"}]),
    )
    g = link(papers, exs)
    metrics = {r.value_text: r.metric for r in g.results.values()}
    assert metrics["1.21"] == metrics["1.30"] is not None
    assert len([e for e in g.entities.values() if e.type == "Metric"]) == 1


def test_a_measure_typed_as_a_system_is_not_the_results_system():
    text = ("Our model, [PixFormer|Model], achieves an [ImageNet|Dataset] [Top-1|Model] [classification accuracy|Metric] "
            "of 77.3%. The final model needs 50.6 [GFLOPS|Model] and reaches 78.5% [mIoU|Metric] on [StreetSet|Dataset].")
    papers, exs = corpus(
        paper("p:ms", "[PixFormer|Model]: bytes are all you need", text,
              results=[{"value_text": "77.3%", "method": "Top-1", "metric": "classification accuracy"},
                       {"value_text": "78.5%", "method": "GFLOPS", "metric": "mIoU"}])
    )
    _with_spans(exs["p:ms"], papers["p:ms"].abstract, {"77.3%": {"method": "Top-1"}, "78.5%": {"method": "GFLOPS"}})
    rows = _rows(link(papers, exs))
    assert rows["77.3%"][0] == "PixFormer" and rows["78.5%"][0] == "PixFormer"


def test_a_value_with_its_own_rate_unit_or_a_share_of_parameters_is_no_row():
    text = ("[FastGen|Model] reaches 41 images/s at 256x256 resolution, while preserving a [FID|Metric] of 2.27. "
            "It matches [BaseGen|Model] in [FID|Metric] with 59% number of parameters less.")
    papers, exs = corpus(
        paper("p:rate", "[FastGen|Model]: fast generation", text,
              results=[{"value_text": v, "metric": "FID"} for v in ("41", "2.27", "59%")])
    )
    assert set(_rows(link(papers, exs))) == {"2.27"}


def test_a_result_owned_by_the_papers_system_unnamed_in_its_sentence_says_so():
    text = ("We propose [RoadNet|Model], a residual network. Our approach achieves 71.8% [mIoU|Metric] on [CityLanes|Dataset]. "
            "[RoadNet|Model] reaches 60.2% [mIoU|Metric] on [NightLanes|Dataset].")
    papers, exs = corpus(
        paper("p:inf", "Residual networks for street scenes", text,
              results=[{"value_text": "71.8%", "metric": "mIoU"}, {"value_text": "60.2%", "metric": "mIoU"}])
    )
    g = link(papers, exs)
    ev = {r.value_text: (r.surface["method"], r.evidence[0].extractor, r.evidence[0].confidence) for r in g.results.values()}
    assert ev["71.8%"] == ("RoadNet", "rule:result_paper_system", 0.6)
    assert ev["60.2%"] == ("RoadNet", "rule:result", 0.8)


def test_our_model_named_in_apposition_is_the_papers_system():
    text = ("Our model, [ByteNetX|Model], achieves an [accuracy|Metric] of 77.3% on [PixSet|Dataset] when reading raw "
            "bytes with a backbone similar to [DeiT-Q|Model] (72.2% [accuracy|Metric] on RGB images). It reaches 95.4% "
            "[accuracy|Metric] on [WavSet|Dataset].")
    papers, exs = corpus(
        paper("p:app", "Bytes are all you need", text,
              results=[{"value_text": v, "metric": "accuracy"} for v in ("77.3%", "72.2%", "95.4%")])
    )
    g = link(papers, exs)
    rows = _rows(g)
    assert rows["77.3%"][0] == "ByteNetX" and rows["95.4%"][0] == "ByteNetX"
    assert rows["72.2%"][0] == "DeiT-Q"
    assert any(r.type == "PROPOSES" and g.entities[r.target].name == "ByteNetX" for r in g.relations.values())


@pytest.mark.parametrize(
    ("text", "word", "baseline"),
    [
        ("reaches 95.4% accuracy (compared to state-of-the-art accuracy of 98.7%)", "98.7", True),
        ("which is lower than the baseline's BLEU of 26.1 on X", "26.1", True),
        ("compared to prior work, our model achieves an accuracy of 90.2% on X", "90.2", False),
        ("achieves a new state-of-the-art accuracy of 90.2% on X", "90.2", False),
        ("with more than 12 layers of 90.2", "90.2", False),
    ],
)
def test_a_measure_compared_against_is_a_baselines_value(text, word, baseline):
    s = text.index(word)
    assert is_starting_value(text, s, s + len(word)) is baseline


def test_a_name_in_the_object_of_our_clause_is_not_the_system_but_a_subject_of_its_own_is():
    text = ("Our model achieves 97.5% [accuracy|Metric] on programs written by models such as [GPT-Q|Model], and 95.4% "
            "[accuracy|Metric] for attribution. Our model achieves 80.1% [accuracy|Metric] and [BaseQ|Model] gets 70.2% "
            "[accuracy|Metric]. Evaluated across models ([NetA|Model], [NetB|Model]), the method achieves 99.4% "
            "[accuracy|Metric].")
    papers, exs = corpus(
        paper("p:obj", "[AuthorNet|Model]: who wrote this code", text,
              results=[{"value_text": "95.4%", "method": "GPT-Q", "metric": "accuracy"},
                       {"value_text": "70.2%", "method": "BaseQ", "metric": "accuracy"},
                       {"value_text": "99.4%", "method": "NetB", "metric": "accuracy"}])
    )
    _with_spans(exs["p:obj"], papers["p:obj"].abstract,
                {"95.4%": {"method": "GPT-Q"}, "70.2%": {"method": "BaseQ"}, "99.4%": {"method": "NetB"}})
    rows = _rows(link(papers, exs))
    assert rows["95.4%"][0] == "AuthorNet" and rows["99.4%"][0] == "AuthorNet"
    assert rows["70.2%"][0] == "BaseQ"


def test_values_stated_for_systems_in_general_have_no_system():
    text = ("While both architectures reached a similar [Dice score|Metric] of 70%, the [LungNet|Model] was more accurate "
            "with an [F1-score|Metric] of up to 88%. Using light-weight designs ([two-pathway|Method]), recent methods "
            "realize fast parsing, running at more than 100 [FPS|Metric] on a single GPU.")
    papers, exs = corpus(
        paper("p:gen", "[LungNet|Model]: lobe segmentation", text,
              results=[{"value_text": "70%", "method": "LungNet", "metric": "Dice score"},
                       {"value_text": "88%", "method": "LungNet", "metric": "F1-score"},
                       {"value_text": "100", "method": "two-pathway", "metric": "FPS"}])
    )
    _with_spans(exs["p:gen"], papers["p:gen"].abstract,
                {"70%": {"method": "LungNet"}, "88%": {"method": "LungNet"}, "100": {"method": "two-pathway"}})
    rows = _rows(link(papers, exs))
    assert rows["70%"][0] is None and rows["100"][0] is None
    assert rows["88%"][0] == "LungNet"


def test_a_value_followed_by_its_own_measure_is_not_a_score_of_the_sentence_metric():
    text = ("The final model is [SegNetQ-B2|Model] with 50.6 [GFLOPS|Model] and 78.5% [mIoU|Metric], and up to 72.5% "
            "top-10 [accuracy|Metric] on [SegSet|Dataset].")
    papers, exs = corpus(
        paper("p:own", "[SegNetQ|Model]: urban scenes", text,
              results=[{"value_text": v, "metric": m} for v, m in (("50.6", "mIoU"), ("78.5%", "mIoU"), ("72.5%", "accuracy"))])
    )
    _with_spans(exs["p:own"], papers["p:own"].abstract, {"50.6": {"metric": "mIoU"}, "72.5%": {"metric": "accuracy"}})
    assert set(_rows(link(papers, exs))) == {"78.5%", "72.5%"}


def test_a_named_proposal_owns_our_results_over_a_described_one():
    text = ("We present [LLM code attribution|Method], a study of who wrote a program. We introduce "
            "[CodeQ-Author|Model], a classifier on a code encoder. Our model achieves 97.5% [accuracy|Metric] on "
            "[AuthorSet|Dataset].")
    papers, exs = corpus(
        paper("p:named", "I know which model wrote your code", text, results=[{"value_text": "97.5%", "metric": "accuracy"}])
    )
    assert _rows(link(papers, exs))["97.5%"][0] == "CodeQ-Author"


def test_shares_of_costs_relative_changes_and_coordinated_versions_are_no_rows():
    text = ("We save 49.7% inference [FLOPs|Metric] on [ImageNet-Q|Dataset], while keeping 75.2% [top-1 accuracy|Metric]. "
            "It reaches a [word error rate|Metric] of 11.8%, a 1.4% [WER|Metric] improvement (10.6% relative). "
            "Our tests with [LLaVA-Q-1.5|Model] and Llama 3.2 show higher [toxicity scores|Metric] in early layers.")
    papers, exs = corpus(
        paper("p:cost", "[SparseGrow|Model]: growing sparse networks", text,
              results=[{"value_text": "49.7%", "metric": "FLOPs"}, {"value_text": "75.2%", "metric": "top-1 accuracy"},
                       {"value_text": "11.8%", "metric": "word error rate"}, {"value_text": "10.6%", "metric": "WER"},
                       {"value_text": "3.2", "metric": "toxicity scores"}])
    )
    assert set(_rows(link(papers, exs))) == {"75.2%", "11.8%"}


def test_what_a_result_is_reached_after_is_not_its_system():
    text = ("[MarkNet|Model] embeds a watermark. Accuracy on watermarked states stays above 90% [accuracy|Metric] even "
            "after [aggressive pruning|Method].")
    papers, exs = corpus(
        paper("p:after", "[MarkNet|Model]: watermarks for EEG models", text,
              results=[{"value_text": "90%", "method": "aggressive pruning", "metric": "accuracy"}])
    )
    _with_spans(exs["p:after"], papers["p:after"].abstract, {"90%": {"method": "aggressive pruning"}})
    assert _rows(link(papers, exs))["90%"][0] == "MarkNet"


def test_a_versus_pair_goes_to_the_subject_and_to_what_it_is_compared_with():
    text = ("In human evaluation, [BartQ|Model] achieved a better [simplicity score|Metric] over [T5-Q|Model] (2.9 versus 2.2), "
            "while [T5-Q|Model] achieved a better [meaning score|Metric] over [BartQ|Model] (3.1 versus 2.6).")
    papers, exs = corpus(
        paper("p:vs", "Readable abstracts with language models", text,
              results=[{"value_text": v, "metric": m} for v, m in (("2.9", "simplicity score"), ("2.2", "simplicity score"),
                                                                     ("3.1", "meaning score"), ("2.6", "meaning score"))])
    )
    rows = _rows(link(papers, exs))
    assert {v: rows[v][0] for v in ("2.9", "2.2", "3.1", "2.6")} == {"2.9": "BartQ", "2.2": "T5-Q", "3.1": "T5-Q", "2.6": "BartQ"}


def test_a_system_with_a_verb_of_its_own_or_a_measure_before_the_value_does_not_own_it():
    text = ("[BartQ-L|Model] reported the highest [SARI score|Metric] of 46.54 and [T5-Q|Model] reported the highest "
            "[BERTscore|Model] 72.62.")
    papers, exs = corpus(
        paper("p:clause", "Readable abstracts with language models", text,
              results=[{"value_text": "46.54", "method": "T5-Q", "metric": "SARI score"},
                       {"value_text": "72.62", "method": "BERTscore", "metric": "SARI score"}])
    )
    _with_spans(exs["p:clause"], papers["p:clause"].abstract, {"46.54": {"method": "T5-Q"}, "72.62": {"method": "BERTscore"}})
    rows = _rows(link(papers, exs))
    # 72.62 is a BERTScore (typed as a system), not a SARI score: no row rather than a wrong metric
    assert set(rows) == {"46.54"}
    assert rows["46.54"][0] == "BartQ-L"


@pytest.mark.parametrize(
    ("text", "word", "delta"),
    [
        ("batched computation for a speedup of up to 25 over tree models", "25", True),
        ("at a cost of as little as 2.0 BLEU points relative to the teacher", "2.0", True),
        ("a 1.4% WER improvement (10.6% relative) over the best CNN", "10.6", True),
        ("we obtain 31.2 BLEU points on newstest-Q", "31.2", False),
    ],
)
def test_speedups_costs_and_differences_to_a_reference_are_changes(text, word, delta):
    s = text.index(word)
    assert is_delta(text, s, s + len(word)) is delta


@pytest.mark.parametrize(
    ("text", "word", "not_score"),
    [
        ("It runs at over 20 FPS on 512 512 images", "512", True),
        ("with only 300 proposals per image", "300", True),
        ("the reconstruction of 11.3 M English-French sentence pairs", "11.3", True),
        ("reaches 28.4 BLEU on X", "28.4", False),
    ],
)
def test_sizes_and_magnitudes_written_apart_are_counts(text, word, not_score):
    s = text.index(word)
    assert is_not_score(text, s, s + len(word)) is not_score


def test_the_standing_record_and_a_broken_state_of_the_art_mention_are_not_our_system():
    text = ("For the [FaceQ|Dataset] dataset, currently the best [accuracy|Metric] for emotion recognition is 93.33%. "
            "On the [CKQ|Model] set the current state of the art approach, using [CNNs|Method], achieves an "
            "[accuracy|Metric] of 99.2%. Our network sets a new [single-model state-of-the-|Method] [BLEU score|Metric] "
            "of 41.8.")
    papers, exs = corpus(
        paper("p:rec", "[DeXQ|Model]: expressions", text,
              results=[{"value_text": "93.33%", "metric": "accuracy"},
                       {"value_text": "99.2%", "method": "CKQ", "metric": "accuracy"},
                       {"value_text": "41.8", "method": "single-model state-of-the-", "metric": "BLEU score"}])
    )
    _with_spans(exs["p:rec"], papers["p:rec"].abstract,
                {"99.2%": {"method": "CKQ"}, "41.8": {"method": "single-model state-of-the-"}})
    rows = _rows(link(papers, exs))
    assert rows["93.33%"][0] is None and rows["99.2%"][0] is None
    assert rows["41.8"][0] == "DeXQ"


def test_a_from_to_pair_shares_its_system_and_dataset_and_speeds_are_no_accuracy():
    text = ("Our method improves [one-shot accuracy|Metric] on [ImageQ|Dataset] from 87.6% to 93.2% and from 88.0% to "
            "93.8% on [GlyphQ|Dataset]. [rank-1 accuracy|Metric] is improved from 55.3% to 80.5% for [CaffeQ|Model], and "
            "from 73.8% to 82.3% for [ResQ-50|Model]. A faster variant runs at up to 140fps with [accuracy|Metric] matching "
            "the original.")
    values = ("87.6%", "93.2%", "88.0%", "93.8%", "55.3%", "80.5%", "73.8%", "82.3%", "140fps")
    papers, exs = corpus(
        paper("p:pair", "[MatchQ|Model]: one-shot matching", text,
              results=[{"value_text": v, "metric": "accuracy"} for v in values[:8]])
    )
    a = papers["p:pair"].abstract
    vs, s = a.index("140fps"), a.rfind(". ", 0, a.index("140fps")) + 2
    exs["p:pair"].results.append(ResultCandidate("p:pair", "abstract", s, len(a), 140.0, "140fps", None, vs, vs + 6, metric="accuracy"))
    # extraction's nearest-dataset guess prefers the one after the value: GlyphQ for 93.2%
    _with_spans(exs["p:pair"], papers["p:pair"].abstract, {"93.2%": {"dataset": "GlyphQ"}, "73.8%": {"method": "CaffeQ"}})
    rows = _rows(link(papers, exs))
    assert "140fps" not in rows
    assert rows["93.2%"][1] == "ImageQ" and rows["87.6%"][1] == "ImageQ" and rows["93.8%"][1] == "GlyphQ"
    assert rows["73.8%"][0] == "ResQ-50" and rows["55.3%"][0] == "CaffeQ"
    assert rows["82.3%"][0] == "MatchQ"
