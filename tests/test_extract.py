"""Extraction: shipped model, offsets, abbreviations, typing rules, nasty and pathological inputs, CLI output."""

from __future__ import annotations

import io
import json
import socket

import pytest

from kg.extract import PIPELINE_VERSION, extract_paper, extract_papers, load_pipeline
from kg.extract.abbreviations import find_abbreviations
from kg.extract.textnorm import normalize
from kg.graph.model import ENTITY_TYPES, Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _check_offsets(paper: Paper, ex) -> None:
    assert ex.paper == paper.id
    for m in ex.mentions:
        value = getattr(paper, m.field)
        assert value[m.start : m.end] == m.text, (paper.id, m)
        assert m.text and m.text == m.text.strip()
        assert m.type in ENTITY_TYPES
        assert m.sent_start <= m.start and m.end <= m.sent_end or (m.sent_start, m.sent_end) == (0, 0)
    for a in ex.abbreviations:
        value = getattr(paper, a.field)
        assert value[a.short_start : a.short_end] == a.short
        assert value[a.long_start : a.long_end] == a.long
    for r in ex.results:
        value = getattr(paper, r.field)
        assert value[r.value_start : r.value_end] == r.value_text
        for role, (s, e) in r.spans.items():
            assert value[s:e] == getattr(r, role)
    for field, sents in ex.sentences.items():
        value = getattr(paper, field)
        for s, e in sents:
            assert 0 <= s < e <= len(value)


def test_shipped_model_loads_offline(nlp, monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("extraction tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fresh = load_pipeline()
    assert "ner" in fresh.pipe_names and "kg_rules" in fresh.pipe_names
    assert set(fresh.get_pipe("ner").labels) >= {"Method", "Dataset", "Metric", "Task"}
    assert PIPELINE_VERSION.startswith("kg-extract-")
    ex = extract_paper(fresh, Paper(id="p", title="BERT", abstract="We fine-tune BERT on SQuAD."))
    assert ex.pipeline_version == PIPELINE_VERSION


def test_offsets_round_trip_over_shared_corpus(nlp, shared_dir):
    from kg.ingest import read_papers

    papers = list(read_papers([shared_dir / "corpus" / "hf-daily-papers"]))
    assert len(papers) > 300
    exs = list(extract_papers(papers, nlp=nlp))
    assert len(exs) == len(papers)
    n = 0
    for p, ex in zip(papers, exs):
        _check_offsets(p, ex)
        n += len(ex.mentions)
    assert n > 10 * len(papers)
    types = {m.type for ex in exs for m in ex.mentions}
    assert types == set(ENTITY_TYPES)
    assert sum(len(ex.links) for ex in exs) > 50


def test_named_artifacts_and_patterns(nlp):
    p = Paper(
        id="p1",
        title="SVTRv2: CTC Beats Encoder-Decoder Models in Scene Text Recognition",
        abstract=(
            "Connectionist temporal classification (CTC)-based methods are fast. Our method fine-tunes ResNet-50 and "
            "GPT-3 and achieves 71.8% mIoU on the Cityscapes dataset. SVTRv2 also gives an 8.7% improvement in "
            "NDCG@10 on the BEIR benchmark. Code is at https://github.com/Topdu/OpenOCR."
        ),
    )
    ex = extract_paper(nlp, p)
    _check_offsets(p, ex)
    got = {(m.field, m.text): m.type for m in ex.mentions}
    assert got[("title", "SVTRv2")] == "Model"
    assert got[("abstract", "SVTRv2")] == "Model"  # found again by the consistency pass
    assert got[("abstract", "ResNet-50")] == "Model"
    assert got[("abstract", "GPT-3")] == "Model"
    # the annotated corpora's convention: the dataset cue is part of the span (linking drops it from the name)
    assert got[("abstract", "Cityscapes dataset")] == "Dataset"
    assert got[("abstract", "BEIR benchmark")] == "Dataset"
    assert got[("abstract", "mIoU")] == "Metric"
    assert got[("abstract", "NDCG@10")] == "Metric"
    assert ("abstract", "Our method") not in got and ("abstract", "method") not in got
    assert ex.links == ["https://github.com/Topdu/OpenOCR"]
    res = {(r.value_text, r.metric, r.dataset) for r in ex.results}
    assert ("71.8%", "mIoU", "Cityscapes dataset") in res
    assert ("8.7%", "NDCG@10", "BEIR benchmark") in res
    abbr = {(a.short, a.long) for a in ex.abbreviations}
    assert ("CTC", "Connectionist temporal classification") in abbr


def test_abbreviations_pair_up():
    text = (
        "Recently, generative adversarial networks (GANs) and masked image modeling (MIM) were combined with "
        "atrous spatial pyramid pooling (ASPP), e.g., (see Fig. 2) and (ours)."
    )
    pairs = {(text[a.short_start : a.short_end], text[a.long_start : a.long_end]) for a in find_abbreviations(text)}
    assert pairs == {
        ("GANs", "generative adversarial networks"),
        ("MIM", "masked image modeling"),
        ("ASPP", "atrous spatial pyramid pooling"),
    }


def test_abbreviation_types_flow_to_short_form(nlp):
    p = Paper(id="a", title="", abstract="We study masked image modeling (MIM) for vision. MIM is simple.")
    ex = extract_paper(nlp, p)
    _check_offsets(p, ex)
    assert [(a.short, a.long) for a in ex.abbreviations] == [("MIM", "masked image modeling")]
    mim = [m for m in ex.mentions if m.text == "MIM"]
    # a defined lowercase technique is not a named Model, and both occurrences are typed alike
    assert len(mim) == 2 and len({m.type for m in mim}) == 1 and mim[0].type != "Model"


NASTY = {
    "empty": ("", ""),
    "empty_abstract": ("A Title With BERT", ""),
    "nul_and_controls": ("Res\x00Net-50\x01 on Image\x1bNet", "We train\x00 BERT\x07 on\x0bSQuAD\r\nwith\tF1.\x7f"),
    "unicode": (
        "Ünïcödé: ℬℰℛ𝒯 and 🤖 RTL \u202eBERT\u202c",
        "Zero\u200bwidth ResNet\u200d-50, combining e\u0301\u0301\u0301, lone \ud800 surrogate, \ufeffBOM, "
        "full-width ＢＥＲＴ on ＣＯＣＯ, Arabic نموذج and CJK 模型 with 71.8 ％ mIoU.",
    ),
    "latex": (
        r"$\mathcal{O}(n^2)$ \textbf{Transformers}",
        r"We minimise $\mathcal{L} = \sum_{i=1}^{N} \| x_i - \hat{x}_i \|_2^2$ \cite{he2016} with "
        r"\textsc{ResNet-50} on \texttt{ImageNet} (Table~\ref{tab:1}) reaching 76.1\% top-1 accuracy.",
    ),
    "only_brackets": ("(((", "))) ((( [[[ ]]] {{{ }}}"),
    "newlines": ("\n\n\n", "\n\n  \n\t\n"),
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_nasty_inputs_keep_offsets(nlp, name):
    title, abstract = NASTY[name]
    p = Paper(id=name, title=title, abstract=abstract)
    ex = extract_paper(nlp, p)
    _check_offsets(p, ex)


def test_free_text_and_long_text(nlp):
    words = ("We train BERT-large on SQuAD and report F1 of 93.2 using beam search for translation. " * 7000).split()
    text = " ".join(words[:100_000])
    p = Paper(id="long", title="", text=text)
    ex = extract_paper(nlp, p)
    _check_offsets(p, ex)
    assert {m.field for m in ex.mentions} == {"text"}
    assert len(ex.mentions) > 1000


def test_pathological_runs_return_and_keep_offsets(nlp):
    for text in ("word" + "!" * 20000, "(" * 20000, "a." * 10000, "x" * 50000 + " BERT", "-" * 30000 + "ResNet"):
        p = Paper(id="patho", title=text[:100], abstract=text)
        ex = extract_paper(nlp, p)
        _check_offsets(p, ex)


def test_normalisation_preserves_length():
    for text in ("word" + "!" * 100, "a\x00b\ud800c\u2028d", "é" * 300, "x" * 1000, ""):
        assert len(normalize(text)) == len(text)


def test_workers_give_identical_output(nlp, sample_corpus):
    from kg.ingest import read_papers

    papers = list(read_papers([sample_corpus]))[:40]
    one = [ex.to_dict() for ex in extract_papers(papers, nlp=nlp, workers=1)]
    two = [ex.to_dict() for ex in extract_papers(papers, nlp=nlp, workers=2, batch_size=8)]
    assert one == two


def test_extract_command_jsonl_shapes(tmp_path):
    from kg.extract.cli_commands import run_extract

    records = [
        {"id": "r1", "text": "We propose FooNet-2, evaluated on the WenetSpeech corpus with \x00 WER."},
        {"id": "r2", "title": "BarGPT: A Model", "abstract": "BarGPT improves ROUGE-2 F1 by 3.1 points on CNN/DailyMail."},
    ]
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = io.StringIO()
    summary = run_extract([inp], out=out)
    assert summary["papers"] == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 2
    by_text = {}
    for rec, row in zip(records, rows):
        assert set(row) >= {"id", "mentions"}
        for m in row["mentions"]:
            assert set(m) >= {"field", "start", "end", "text", "type"}
            assert rec[m["field"]][m["start"] : m["end"]] == m["text"]
            by_text[m["text"]] = m["type"]
    assert by_text.get("FooNet-2") == "Model"
    assert by_text.get("BarGPT") == "Model"
    assert by_text.get("WenetSpeech corpus") == "Dataset"


def test_score_counts_exact_and_overlap():
    from kg.extract.data import GoldDoc, Passage
    from kg.extract.document import PaperExtraction
    from kg.extract.evaluate import score
    from kg.graph.model import Mention

    text = "BERT on SQuAD"
    gold = GoldDoc("d", Passage("d", "title", ""), Passage("d", "abstract", text, [(0, 4, "Method"), (8, 13, "Dataset")]))
    ex = PaperExtraction(
        "d",
        mentions=[
            Mention("d", "abstract", 0, 4, "BERT", "Model"),  # Model scores as Method: exact hit
            Mention("d", "abstract", 8, 11, "SQu", "Dataset"),  # overlap only
        ],
    )
    s = score([gold], [ex])
    assert s["exact"]["Method"]["f1"] == 1.0
    assert s["exact"]["Material"]["f1"] == 0.0
    assert s["overlap"]["Material"]["f1"] == 1.0
    assert s["exact"]["micro"]["p"] == 0.5


def test_evaluate_command_on_scierc_sample(tmp_path, shared_dir):
    from kg.errors import InputError
    from kg.extract.cli_commands import run_evaluate

    lines = (shared_dir / "datasets" / "scierc" / "dev.json").read_text(encoding="utf-8").splitlines()[:5]
    gold = tmp_path / "gold.json"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_evaluate(gold, "scierc")
    assert res["documents"] == 5
    for kind in ("exact", "overlap"):
        assert set(res[kind]) == {"Method", "Material", "Metric", "Task", "micro"}
    assert 0.2 < res["exact"]["micro"]["f1"] <= res["overlap"]["micro"]["f1"]
    with pytest.raises(InputError):
        run_evaluate(gold, "conll")


def _run_component(nlp, name: str, text: str, ents: list[tuple[str, str, int]]):
    """Run one component on ``text`` whose entities are the ``(surface, label, occurrence)`` given."""
    from kg.extract.spans import set_ents

    doc = nlp.make_doc(text)
    spans = []
    for surface, label, nth in ents:
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    set_ents(doc, spans)
    return nlp.get_pipe(name)(doc)


def test_consistency_skips_short_forms_and_formula_variables(nlp):
    text = ("The ZQ layer is fast. Later ZQ appears. Filters of size S are used, and size S again. "
            "GlorbNet wins; GlorbNet again.")
    doc = _run_component(nlp, "kg_consistency", text, [("ZQ", "Method", 0), ("size S", "Method", 0), ("GlorbNet", "Model", 0)])
    found = [(e.text, e.start_char) for e in doc.ents]
    assert ("GlorbNet", text.rindex("GlorbNet")) in found  # a name is still found again
    assert [t for t, _ in found].count("ZQ") == 1 and [t for t, _ in found].count("size S") == 1, found


def test_consistency_extends_a_part_tagged_alone_to_the_papers_longer_name(nlp):
    text = ("We present Glorb Transformer, a backbone. Unlike a plain Transformer, Glorb Transformer shifts windows. "
            "The Glorb Transformer-based detector and the Quill-Net model are fast; the Quill-Net block again.")
    ents = [("Glorb Transformer", "Model", 0), ("Transformer", "Method", 1), ("Transformer", "Method", 2),
            ("Transformer", "Method", 3), ("Quill-Net", "Model", 0), ("Net", "Method", 1)]
    doc = _run_component(nlp, "kg_consistency", text, ents)
    found = {(e.text, e.start_char, e.label_) for e in doc.ents}
    second = text.index("Glorb Transformer", 1)
    assert ("Glorb Transformer", second, "Model") in found, found
    assert ("Transformer", second + 6, "Method") not in found, found
    assert ("Transformer", text.index("plain Transformer") + 6, "Method") in found  # not part of the name: kept
    assert ("Glorb Transformer", text.index("Glorb Transformer-based"), "Model") in found, found  # "-based" is linking's
    assert ("Quill-Net", text.rindex("Quill-Net"), "Model") in found, found
    assert not any(t == "Net" for t, _, _ in found), found


def test_consistency_does_not_cut_a_mention_that_reaches_out_of_the_name(nlp):
    text = "Glorb Transformer works. We train Transformer-XL on it, and Glorb Transformer-XL variants too."
    ents = [("Glorb Transformer", "Model", 0), ("Transformer-XL", "Model", 0), ("Transformer-XL", "Model", 1)]
    doc = _run_component(nlp, "kg_consistency", text, ents)
    found = {(e.text, e.start_char) for e in doc.ents}
    assert ("Transformer-XL", text.rindex("Transformer-XL")) in found, found
    assert ("Glorb Transformer", text.rindex("Glorb Transformer")) not in found, found


def test_named_artifact_rule_skips_formulas_and_index_variables(nlp):
    text = ("The stack is C947 ⇥ 3! MP23 ⇥ 3! FC2048! Softmax. It holds that ymn = y ⇤ (M m) modQ for all m. "
            "Elsewhere ZorbNet7 and QuillNet outperform the baselines.")
    doc = _run_component(nlp, "kg_rules", text, [])
    found = {e.text for e in doc.ents}
    assert {"ZorbNet7", "QuillNet"} <= found, found
    assert not found & {"C947", "MP23", "FC2048", "modQ"}, found


def test_gazetteer_matches_are_whole_names(nlp):
    """Gazetteer terms (learned lists: "TV" and "precision" are metrics, "Images" a dataset) only as whole names."""
    text = ("The QUX-TV system reaches sub-voxel precision and low estimation recall. Images are resized. "
            "We report precision and TV on it.")
    doc = _run_component(nlp, "kg_rules", text, [])
    found = {(e.text, e.start_char) for e in doc.ents}
    assert ("TV", text.index("TV")) not in found and ("precision", text.index("precision")) not in found, found
    assert ("recall", text.index("recall")) not in found and ("Images", text.index("Images")) not in found, found
    assert ("precision", text.rindex("precision")) in found and ("TV", text.rindex("TV")) in found, found


def test_abbreviation_long_form_with_modifiers_types_a_named_short_form(nlp):
    """The Schwartz–Hearst long form is "Zorb-identification"; the entity holding it ("Person ...") is a Task, so the
    capitalised short form that the named-artifact rule read as a Model is a Task too."""
    text = "Person Zorb-identification (ZoID) is to find a person again. ZoID is hard."
    doc = _run_component(nlp, "kg_abbreviations", text, [("Person Zorb-identification", "Task", 0), ("ZoID", "Model", 0)])
    got = {(e.text, e.start_char): e.label_ for e in doc.ents}
    assert got[("ZoID", text.index("ZoID"))] == "Task", got


def test_a_capitalised_word_after_called_is_a_name(nlp):
    text = "We build a reader called Quorble, and a named entity tagger dubbed The best."
    doc = _run_component(nlp, "kg_rules", text, [])
    found = {e.text: e.label_ for e in doc.ents}
    assert found.get("Quorble") == "Model", found
    assert "entity" not in found and "The" not in found, found
    text = "We propose a mixer, dubbed Frobnic Spectrum Mixer (FSM), for images."
    found = {e.text: e.label_ for e in _run_component(nlp, "kg_rules", text, []).ents}
    assert found.get("Frobnic Spectrum Mixer") == "Model" and "Frobnic" not in found, found


def test_latex_braces_are_not_formula_context(nlp):
    text = r"Our ZorbNet7 gains {\bf 8.2} points over {\it QuillNet}."
    doc = _run_component(nlp, "kg_rules", text, [])
    assert {"ZorbNet7", "QuillNet"} <= {e.text for e in doc.ents}


def test_shipped_config_names_no_training_run_paths():
    """kg train writes the pipeline without its temporary corpus paths, so two runs give identical directories."""
    from thinc.api import Config

    from kg.extract.pipeline import MODEL_DIR

    cfg = Config().from_disk(MODEL_DIR / "config.cfg", interpolate=False)
    assert cfg["paths"] and all(v is None for v in cfg["paths"].values()), cfg["paths"]
