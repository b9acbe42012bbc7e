"""Model-vs-Dataset typing of named mentions and 'NAME + head noun' spans (kg_typing), with invented names only."""

from __future__ import annotations

import pytest

from kg.extract import extract_paper, load_pipeline
from kg.extract.context_typing import (
    ContextTyper,
    common_words,
    context_features,
    coordinated_runs,
    fit_logistic,
    is_named_candidate,
)
from kg.graph.model import Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _types(nlp, abstract: str, title: str = "") -> dict[str, set[str]]:
    paper = Paper(id="t", title=title, abstract=abstract)
    ex = extract_paper(nlp, paper)
    out: dict[str, set[str]] = {}
    for m in ex.mentions:
        assert getattr(paper, m.field)[m.start : m.end] == m.text
        out.setdefault(m.text, set()).add(m.type)
    return out


def test_shipped_typer_is_trained_and_reads_context(nlp):
    typer = nlp.get_pipe("kg_typing").context
    assert typer.trained and len(typer.common_words) > 1000
    as_data = "We report results on the ZorbleText test set ."
    as_model = "In all settings , ZorbleText outperforms the baselines ."
    s1, s2 = as_data.index("ZorbleText"), as_model.index("ZorbleText")
    assert typer.logodds(as_data, s1, s1 + 10) > 0 > typer.logodds(as_model, s2, s2 + 10)


def test_list_after_data_such_as_is_datasets(nlp):
    got = _types(nlp, "We train TTS models on public speech data such as QuoddyTTS, BrimbleVox and TessaSpeech, and more.")
    for name in ("QuoddyTTS", "BrimbleVox", "TessaSpeech"):
        assert got[name] == {"Dataset"}, got


def test_list_after_models_such_as_is_models(nlp):
    got = _types(nlp, "We compare against strong models such as FrobNet, GlorpLM and SnarfGPT on three benchmarks.")
    for name in ("FrobNet", "GlorpLM", "SnarfGPT"):
        assert got[name] == {"Model"}, got


def test_a_name_gets_one_type_per_paper(nlp):
    got = _types(
        nlp,
        "HyperQuill outperforms FrobCodec in terms of quality. "
        "We release pre-trained models for FrobCodec, GlorpCodec, and HyperQuill.",
    )
    assert got["FrobCodec"] == {"Model"} and got["HyperQuill"] == {"Model"} and got["GlorpCodec"] == {"Model"}


def test_evaluated_on_reads_as_dataset(nlp):
    got = _types(
        nlp,
        "We report accuracy on ZelkovaText and MirthWeb-2, where TrellisLM improves by 3 points. "
        "ZelkovaText has one million documents.",
    )
    assert got["ZelkovaText"] == {"Dataset"} and got["MirthWeb-2"] == {"Dataset"}
    assert got["TrellisLM"] == {"Model"}


def test_name_and_generic_head_noun_give_the_named_model(nlp):
    got = _types(
        nlp,
        "Our approach uses the WinkleCodec model as a feature extractor. Using the Quexor architecture and a "
        "RetiNox detector, we reach 40.1 AP. We fine-tune the Zarnak-base model and our predictor GlimNet.",
    )
    for name in ("WinkleCodec", "Quexor", "RetiNox", "Zarnak-base", "GlimNet"):
        assert got.get(name) == {"Model"}, (name, got)
    for phrase in ("WinkleCodec model", "Quexor architecture", "RetiNox detector", "predictor GlimNet"):
        assert phrase not in got, got


def test_eponyms_and_common_words_are_not_split_off(nlp):
    got = _types(nlp, "A hidden Markov model and a Wide model are compared with a Boltzmann machine.")
    assert "Markov" not in got and "Wide" not in got, got


def test_versioned_benchmarks_and_model_flavours(nlp):
    got = _types(nlp, "Results on search spaces such as Zork-Bench-201 and Blorp-Bench-101 improve. "
                      "We also fine-tune Plimbo-7B-Instruct and GrobLM-13B on them.")
    assert got["Zork-Bench-201"] == {"Dataset"} and got["Blorp-Bench-101"] == {"Dataset"}
    assert got["Plimbo-7B-Instruct"] == {"Model"} and got["GrobLM-13B"] == {"Model"}


def test_coordinated_runs():
    text = "on AlphaSet (AS), BetaSet, and GammaSet. Then DeltaNet, EpsNet wins."
    names = ["AlphaSet", "AS", "BetaSet", "GammaSet", "DeltaNet", "EpsNet"]
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    spans[1] = (text.index("(AS") + 1, text.index("(AS") + 3)
    runs = coordinated_runs(text, spans)
    lst = (spans[0][0], spans[3][1])
    assert runs[:4] == [lst] * 4
    # two names joined by a bare comma are not a list (a clause may end between them)
    assert runs[4:] == spans[4:]


def test_fit_logistic_learns_a_separable_problem():
    examples = [(["bias", "l1=on"], 1)] * 20 + [(["bias", "r1=outperforms"], 0)] * 60 + [(["bias", "nw=1"], 1)] * 2
    weights = fit_logistic(examples, epochs=300)
    typer = ContextTyper(weights)
    assert weights["l1=on"] > 0 > weights["r1=outperforms"]
    assert typer.to_dict()["weights"] == weights
    assert ContextTyper.from_dict(typer.to_dict()).weights == weights


def test_features_stop_at_sentence_and_paragraph_ends():
    text = "Title Words\n\nWe use FooSet. Later text"
    s = text.index("FooSet")
    feats = context_features(text, s, s + 6)
    # the title before the paragraph break and the next sentence are outside the window
    assert "r1=</s>" in feats and "l3=<s>" in feats and "L=words" not in feats and "R=later" not in feats
    assert "l2=we" in feats and "name=fooset" in feats


def test_named_candidates_and_common_words():
    assert is_named_candidate("Encodec") and is_named_candidate("NB201") and is_named_candidate("GPQA Diamond")
    assert not is_named_candidate("speech data") and not is_named_candidate("a very long named Thing X here")
    words = common_words(["the deep model is deep and deep.", "A Deep model. we use Zorble and Zorble."])
    assert "deep" in words and "zorble" not in words


def test_pipeline_without_learned_typer_still_runs(tmp_path, nlp):
    """A pipeline saved before the typer was learned (no context_typer.json) loads and types by rules alone."""
    typing = nlp.get_pipe("kg_typing")
    fresh = type(typing)(nlp, "kg_typing", drop_generic=True)
    assert fresh.from_disk(tmp_path / "missing") is fresh and not fresh.context.trained
    fresh.to_disk(tmp_path / "saved")
    again = type(typing)(nlp, "kg_typing", drop_generic=True).from_disk(tmp_path / "saved")
    assert not again.context.trained


def test_dataset_cue_is_part_of_the_span_except_test_set(nlp):
    """SciREX/SciERC annotate "the X dataset" whole (only the last name of "X and Y datasets" carries the head)."""
    got = _types(nlp, "We evaluate on the Quarvel-10 and Quarvel-100 datasets, the ZimbleText corpus and the "
                      "Plonkset test set.")
    assert got.get("Quarvel-100 datasets") == {"Dataset"} and got.get("Quarvel-10") == {"Dataset"}, got
    assert got.get("ZimbleText corpus") == {"Dataset"}, got
    assert "Quarvel-100" not in got and "ZimbleText" not in got, got
    assert got.get("Plonkset") == {"Dataset"} and "Plonkset test set" not in got, got


def test_author_marks_and_formula_symbols_are_noise(nlp):
    got = _types(nlp, "Feng Zorbel1, Trac D. Quimby2 and Alan Plinth3. We fine-tune Grobo2 on our data and it "
                      "outperforms the baselines.")
    assert not {"Zorbel1", "Quimby2", "Plinth3"} & set(got), got
    assert got.get("Grobo2") == {"Model"}, got


def test_typing_drops_mentions_inside_formulas(nlp):
    from kg.extract.spans import set_ents

    text = "Given x ∈ QM ⇥ N, we compute its transform. In all of our experiments the ZorbNet model is applied."
    doc = nlp.make_doc(text)
    set_ents(doc, [doc.char_span(text.index(t), text.index(t) + len(t), label=lab) for t, lab in (("QM", "Method"), ("ZorbNet", "Model"))])
    doc = nlp.get_pipe("kg_typing")(doc)
    assert [e.text for e in doc.ents] == ["ZorbNet"]


def test_head_word_gives_the_type_of_a_statistical_mention(nlp):
    """A multi-word mention of the statistical model ends in a head word that says its type (learned list)."""
    from kg.extract.spans import set_ents

    heads = nlp.get_pipe("kg_rules").gazetteer["head_types"]
    assert heads.get("network") == "Method" and heads.get("problem") == "Task"
    text = "The Quibbling Detection Network solves the frobble ranking problem and the snarl parsing task."
    doc = nlp.make_doc(text)
    spans = [("Quibbling Detection Network", "Task"), ("frobble ranking problem", "Method"), ("snarl parsing task", "Task")]
    set_ents(doc, [doc.char_span(text.index(t), text.index(t) + len(t), label=lab) for t, lab in spans])
    doc = nlp.get_pipe("kg_typing")(doc)
    got = {e.text: e.label_ for e in doc.ents}
    assert got["Quibbling Detection Network"] in ("Method", "Model") and got["frobble ranking problem"] == "Task", got
    assert got["snarl parsing task"] == "Task", got


def test_learn_head_types_keeps_clear_majorities():
    from kg.extract.assemble import learn_head_types
    from kg.extract.data import Passage

    text = "Zed Network and Quill problem"
    net, prob = (0, 11, "Method"), (16, 29, "Task")
    passages = [("d", Passage("d", "abstract", text, [net, prob]))] * 20
    passages += [("e", Passage("e", "abstract", text, [(0, 11, "Task")]))]  # 1 of 21: still a clear majority
    passages += [("b", Passage("b", "body", text, [(16, 29, "Method")]))] * 30  # body sentences are not read
    assert learn_head_types(passages, min_count=20, min_share=0.95) == {"network": "Method", "problem": "Task"}
    assert learn_head_types(passages, min_count=20, min_share=0.97) == {"problem": "Task"}


def test_unclosed_quotes_and_brackets_are_trimmed(nlp):
    from kg.extract.spans import set_ents

    text = "Faces captured “ in-the-glorp ” are hard, and Quibble NES ( QNES ) helps; “ the Blorp set ” is kept."
    doc = nlp.make_doc(text)
    spans = [("in-the-glorp ”", "Dataset"), ("Quibble NES (", "Method"), ("“ the Blorp set ”", "Dataset")]
    set_ents(doc, [doc.char_span(text.index(t), text.index(t) + len(t), label=lab) for t, lab in spans])
    doc = nlp.get_pipe("kg_typing")(doc)
    got = [e.text for e in doc.ents]
    assert "in-the-glorp" in got and "Quibble NES" in got, got
    assert "“ the Blorp set ”" in got, got  # a quote the span closes stays


def test_units_devices_and_letterless_text_are_no_entities_and_compute_costs_are_metrics(nlp):
    from kg.extract import extract_paper
    from kg.extract.names import is_not_an_entity
    from kg.graph.model import Paper

    text = ("SonicNet runs at 24 kHz on a single A100 GPU, needs 3.2 GFLOPs and 12 MACs per frame, and is "
            "trained on an RTX 4090. SonicNet-XL improves on EnCodec.")
    ex = extract_paper(nlp, Paper(id="p", title="", abstract=text))
    got = {m.text: m.type for m in ex.mentions}
    assert not {"kHz", "A100", "A100 GPU", "RTX", "RTX 4090"} & set(got), got
    assert got.get("MACs") == "Metric" and got.get("GFLOPs") == "Metric"
    assert got.get("SonicNet") == "Model" and got.get("SonicNet-XL") == "Model"
    # a compute measure the paper defines as a name stays what the paper says ("MAC" network of visual reasoning)
    defined = extract_paper(nlp, Paper(id="q", title="", abstract=(
        "We present the Memory, Attention and Composition (MAC) network for visual reasoning. MAC reaches 98.9% "
        "on CLEVR.")))
    assert {m.type for m in defined.mentions if m.text == "MAC"} == {"Model"}
    for t in ("kHz", "GB", "2D", "3D", "2.5D", "A100", "H100 GPUs", "RTX 3090", "TPU v4", "2.4\\%", "71.8", "—"):
        assert is_not_an_entity(t), t
    for t in ("T5", "GPT-4", "ResNet-50", "H36M", "3DMatch", "A2C", "V100-based", "LibriSpeech", "BLEU"):
        assert not is_not_an_entity(t), t
