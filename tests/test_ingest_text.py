"""Helpers of kg.ingest: title keys, identity parsing, link finding, LaTeX cleanup, inverted indexes."""

from __future__ import annotations

import json

import pytest

from kg.errors import FormatError
from kg.ingest import IngestReport, detect_format, find_links, normalise_title, read_papers
from kg.ingest.identity import arxiv_id, doi, openalex_id, paper_id, recognise_id, s2_id
from kg.ingest.latex import clean_latex
from kg.ingest.mapping import RecordRejected, rebuild_inverted_index


def test_normalise_title():
    assert normalise_title("SVTRv2: CTC Beats  Encoder-Decoder\nModels") == "svtrv2 ctc beats encoder decoder models"
    assert normalise_title("Text-to-Image") == normalise_title("text to image")
    assert normalise_title("ＡＢＣ “quoted”") == "abc quoted"  # NFKC full-width letters, curly quotes
    assert normalise_title("Straße") == normalise_title("STRASSE")  # casefold
    assert normalise_title("") == "" and normalise_title("  ...  ") == ""
    assert normalise_title("GPT-4") != normalise_title("GPT 5")


@pytest.mark.parametrize("value, expected", [
    ("2411.15858", "2411.15858"),
    ("2411.15858v3", "2411.15858"),
    ("arXiv:1706.03762v7", "1706.03762"),
    ("https://arxiv.org/abs/1706.03762v2", "1706.03762"),
    ("http://arxiv.org/pdf/1706.03762", "1706.03762"),
    ("https://huggingface.co/papers/2411.15858", "2411.15858"),
    ("10.48550/arXiv.2301.00001", "2301.00001"),
    ("https://doi.org/10.48550/ARXIV.2301.00001", "2301.00001"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("math.CO/0601001", "math.co/0601001"),
    ("10.1000/xyz", None),
    ("not an id", None),
    (None, None),
    (12, None),
])
def test_arxiv_id(value, expected):
    assert arxiv_id(value) == expected


def test_other_ids():
    assert doi("https://doi.org/10.1109/CVPR.2016.90") == "10.1109/cvpr.2016.90"
    assert doi("doi:10.18653/V1/N19-1423") == "10.18653/v1/n19-1423"
    assert doi("10.1/x") is None and doi("") is None
    assert s2_id("204E3073870FAE3D05BCBC2F6A8E263D9B72E776") == "204e3073870fae3d05bcbc2f6a8e263d9b72e776"
    assert s2_id("abc") is None
    assert openalex_id("https://openalex.org/W2963403868") == "W2963403868"
    assert openalex_id("w12") == "W12" and openalex_id("A123") is None
    assert recognise_id("arxiv:2101.00001") == ("arxiv", "2101.00001")
    assert recognise_id("doi:10.1000/abc") == ("doi", "10.1000/abc")
    assert recognise_id("openalex:W1") == ("openalex", "W1")
    assert recognise_id("paper-17") is None and recognise_id(17) is None


def test_paper_id_ladder():
    kw = dict(arxiv=None, doi_=None, s2=None, openalex=None, title="A Title")
    assert paper_id(**{**kw, "arxiv": "1", "doi_": "10.1/x", "s2": "s", "openalex": "W1"}) == "arxiv:1"
    assert paper_id(**{**kw, "doi_": "10.1/x", "s2": "s", "openalex": "W1"}) == "doi:10.1/x"
    assert paper_id(**{**kw, "s2": "s", "openalex": "W1"}) == "s2:s"
    assert paper_id(**{**kw, "openalex": "W1"}) == "openalex:W1"
    assert paper_id(**kw) == paper_id(**{**kw, "title": "a  title!"})
    assert paper_id(**kw).startswith("title:") and len(paper_id(**kw)) == len("title:") + 16
    assert paper_id(**{**kw, "title": ""}, text="body").startswith("text:")


def test_find_links():
    text = (
        "Code at https://github.com/a/b. Models: https://huggingface.co/org/m, and (see https://proj.io/page). "
        "Mirror https://github.com/a/b/ again; bare github.com/c/d and gitlab.com/e/f.git. "
        "LaTeX https://github.com/x/y_z{https://github.com/x/y\\_z} and \\url{https://site.org/p}. "
        "Balanced https://en.wikipedia.org/wiki/Foo_(bar)) end. Not a link: e.g. or 3.5 or https:// alone."
    )
    assert find_links(text) == [
        "https://github.com/a/b",
        "https://huggingface.co/org/m",
        "https://proj.io/page",
        "https://github.com/c/d",
        "https://gitlab.com/e/f.git",
        "https://github.com/x/y_z",
        "https://site.org/p",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    ]
    assert find_links(None, "", "no urls here.") == []
    assert find_links("a https://x.org/1", "b https://x.org/1 https://x.org/2") == ["https://x.org/1", "https://x.org/2"]


def test_clean_latex():
    src = ("  We study \\emph{deep} nets with $\\alpha$-divergence -- a  new\nloss; accuracy rises by 5\\% "
           "(and 3% bare). See \\href{https://x.org}{our site}, M\\\"uller's ``work'' and $O(n^{2})$ \\cite{k}.\n")
    out = clean_latex(src)
    assert out == ("We study deep nets with α-divergence – a new loss; accuracy rises by 5% (and 3% bare). "
                   "See our site (https://x.org), Müller's \"work\" and O(n^2) k.")
    assert clean_latex("x---y \\textbf{\\textit{b}} {\\it i} Caf\\'e") == "x—y b i Café"
    assert clean_latex("Plain  title\n  continued") == "Plain title continued"
    assert clean_latex("") == ""


def test_rebuild_inverted_index():
    assert rebuild_inverted_index({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert rebuild_inverted_index(None) == ""
    with pytest.raises(RecordRejected):
        rebuild_inverted_index({"a": "zero"})
    with pytest.raises(RecordRejected):
        rebuild_inverted_index(["a"])


def test_detect_format_by_content_and_errors(tmp_path):
    cases = {
        "a.json": '[{"title": "t", "abstract": "a"}]',
        "b.json": '{"id": "0704.0001", "title": "t", "abstract": "a", "categories": "hep-ph", "versions": []}\n'
                  '{"id": "0704.0002", "title": "u", "abstract": "b", "categories": "hep-ph", "versions": []}\n',
        "c": '{"results": [{"id": "https://openalex.org/W1", "display_name": "t"}]}',
        "d.ndjson": '{"paperId": "' + "a" * 40 + '", "title": "t"}\n',
        "e.dat": "title\tabstract\nT\tA\n",
        "f.dat": "id,title,abstract\n1,T,A\n",
        "g.dump": "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nT\n\nA.\n",
    }
    expected = {"a.json": "json", "b.json": "arxiv", "c": "openalex", "d.ndjson": "s2", "e.dat": "tsv",
                "f.dat": "csv", "g.dump": "hf-daily"}
    for name, body in cases.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        assert detect_format(tmp_path / name) == expected[name], name
    (tmp_path / "z.json").write_text("title: not json\n")
    with pytest.raises(FormatError, match=r"z\.json.*hf-daily, jsonl, json, csv, tsv, arxiv, s2, openalex"):
        detect_format(tmp_path / "z.json")
    (tmp_path / "notes.md").write_text("# Some notes\n\nNothing here.\n")
    with pytest.raises(FormatError, match=r"notes\.md"):
        detect_format(tmp_path / "notes.md")


def test_jsonl_with_a_first_record_longer_than_the_sniffed_head(tmp_path):
    """OpenAlex works can be larger than the bytes read for detection: still JSON Lines, record by record."""
    big = {"id": "https://openalex.org/W1", "display_name": "Big", "referenced_works": ["x" * 50] * 3000,
           "abstract_inverted_index": {"Big": [0], "work.": [1]}}
    small = {"id": "https://openalex.org/W2", "display_name": "Small", "abstract_inverted_index": {"s.": [0]}}
    f = tmp_path / "works.json"
    f.write_text(json.dumps(big) + "\n" + json.dumps(small) + "\n", encoding="utf-8")
    assert detect_format(f) == "openalex"
    rep = IngestReport()
    papers = list(read_papers([str(f)], report=rep))
    assert [(p.id, p.abstract) for p in papers] == [("openalex:W1", "Big work."), ("openalex:W2", "s.")]
    assert [p.sources[0].rsplit(":", 1)[1] for p in papers] == ["1", "2"]


def test_bad_format_name_fails_before_reading(tmp_path):
    with pytest.raises(FormatError, match="Unknown input format 'pdf'"):
        read_papers([str(tmp_path / "does-not-matter")], format="pdf")
