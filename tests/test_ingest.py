"""Readers of every input format, auto-detection, identity and de-duplication (kg.ingest)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from kg.errors import FormatError, InputError
from kg.graph.model import stable_hash
from kg.ingest import FORMATS, IngestReport, check_inputs, detect_format, normalise_title, read_papers

DATA = Path(__file__).parent / "data" / "ingest"
HF = "hf-daily-papers"


def read(paths, **kw):
    rep = IngestReport()
    papers = list(read_papers([str(p) for p in paths], report=rep, **kw))
    assert rep.read == rep.kept + rep.duplicates + sum(rep.skipped.values())
    assert rep.kept == len(papers)
    return papers, rep


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# -- the shared corpus -------------------------------------------------------------------------------
def test_shared_corpus_counts_and_conflict(shared_dir):
    corpus = shared_dir / "corpus" / HF
    papers, rep = read([corpus])
    assert (rep.read, rep.kept, rep.duplicates, rep.skipped) == (398, 339, 59, {})
    assert len(papers) == 339 and len({p.id for p in papers}) == 339
    assert sum(len(p.sources) for p in papers) == 398
    # one paper recurs with a different URL host in its abstract: one conflict, on that abstract
    assert len(rep.conflicts) == 1
    c = rep.conflicts[0]
    assert c.field == "abstract"
    hosts = {u.split("/")[2] for u in (c.kept + " " + c.other).split() if u.startswith("https://huggingface")}
    assert hosts == {"huggingface.co", "huggingface.selenelake.com"}
    assert c.kept_source.split(":")[0] != c.other_source.split(":")[0]
    assert all(detect_format(f) == "hf-daily" for f in sorted(corpus.iterdir()))


def test_shared_corpus_records_are_clean(shared_dir):
    corpus = shared_dir / "corpus" / HF
    papers, _ = read([corpus])
    chrome = {"new", "Subscribe", "Daily Papers", "byAK and the research community"}
    for p in papers:
        assert p.title and p.abstract and p.title == p.title.strip()
        assert p.title not in chrome and not p.title.startswith(("Subscribe", "Get trending"))
        assert len(p.abstract) > len(p.title)
        assert p.id == "title:" + stable_hash(normalise_title(p.title))
    first = papers[0]
    assert first.title.startswith("A Survey and Taxonomy of Adversarial")  # "SubscribeA Survey..." unglued
    assert first.sources == [f"{corpus / sorted(x.name for x in corpus.iterdir())[0]}:3"]
    # every source names the title's line, and that line holds the title
    for p in papers[:60]:
        for s in p.sources:
            f, line = s.rsplit(":", 1)
            assert Path(f).read_text(encoding="utf-8").splitlines()[int(line) - 1].endswith(p.title)
    by_title = {p.title: p for p in papers}
    assert "Attention is All You Need? Good Embeddings with Statistics are enough" in " ".join(by_title)
    links = [u for p in papers for u in p.links]
    assert "https://github.com/abdelfattah-lab/flan_nas" in links
    assert "https://gitlab.com/aksoyeren/salsanet.git" in links
    assert all(not u.endswith((".", ",", ")", "}")) for u in links)


def test_shared_corpus_gz_and_directory_of_mixed(shared_dir, tmp_path):
    src = sorted((shared_dir / "corpus" / HF).iterdir())
    for f in src[:2]:
        (tmp_path / (f.name + ".gz")).write_bytes(gzip.compress(f.read_bytes()))
    for f in src[2:]:
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / ".hidden.txt").write_text("garbage\n")
    papers, rep = read([tmp_path])
    assert (rep.read, rep.kept) == (398, 339)
    assert [f.path for f in rep.files] == sorted(str(p) for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert detect_format(tmp_path / (src[0].name + ".gz")) == "hf-daily"


def test_sample_corpus_both_layouts(sample_corpus, tmp_path):
    papers, rep = read([sample_corpus])
    assert rep.kept == len(papers) == 40 and not rep.skipped
    # the same records without blank lines between lines (the other layout) give the same papers
    lines = [ln for ln in sample_corpus.read_text(encoding="utf-8").splitlines() if ln.strip()]
    dense = tmp_path / "dense.txt"
    dense.write_text("\n".join(lines) + "\n", encoding="utf-8")
    papers2, _ = read([dense])
    assert [(p.title, p.abstract) for p in papers2] == [(p.title, p.abstract) for p in papers]


def test_hf_daily_chrome_and_dates_mid_file(tmp_path):
    f = tmp_path / "page.txt"
    f.write_text(
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
        "SubscribeFirst Paper Title\nFirst abstract. It has two sentences.\nSep 8\nDaily Papers\n"
        "Second Paper\nSecond abstract here.\n",
        encoding="utf-8",
    )
    papers, rep = read([f])
    assert [(p.title, p.abstract) for p in papers] == [
        ("First Paper Title", "First abstract. It has two sentences."),
        ("Second Paper", "Second abstract here."),
    ]
    assert [p.sources for p in papers] == [[f"{f}:3"], [f"{f}:7"]]


def test_hf_daily_missing_abstract_resyncs(tmp_path):
    long_abs = "We study a problem. " * 30
    f = tmp_path / "page.txt"
    f.write_text(f"Title One\n{long_abs}\nOrphan Title Without Abstract\nTitle Three\n{long_abs}\n", encoding="utf-8")
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Title One", "Title Three"]
    assert rep.skipped == {"no-abstract": 1}
    assert (rep.problems[0].line, rep.problems[0].reason) == (3, "no-abstract")


# -- JSON Lines / JSON --------------------------------------------------------------------------------
def test_jsonl_aliases_and_exact_fields(tmp_path):
    rows = [
        {"id": "r1", "title": "  Spaced  Title ", "summary": "An abstract\nwith a break.  ", "year": "2021",
         "authors": [{"name": "Ada L."}, {"name": "Bo"}], "url": "https://arxiv.org/abs/2101.00001v2"},
        {"title": "Second", "paperAbstract": "Abs two. Code at https://github.com/o/r).", "date": "2020-05-06",
         "authors": ["X", "Y"], "doi": "https://doi.org/10.1000/ABC"},
        {"title": "Third", "abstractText": "Abs three.", "published": "2019-01-02T10:00:00Z", "arxivId": "1901.1"
         "2345v3"},
        {"id": "t4", "text": "Only text, no title."},
    ]
    f = write_jsonl(tmp_path / "x.jsonl", rows)
    assert detect_format(f) == "jsonl"
    papers, rep = read([f])
    a, b, c, d = papers
    assert a.title == "  Spaced  Title " and a.abstract == "An abstract\nwith a break.  "  # exactly as given
    assert (a.id, a.year, a.authors) == ("arxiv:2101.00001", 2021, ["Ada L.", "Bo"])
    assert (b.id, b.doi, b.date, b.year, b.links) == ("doi:10.1000/abc", "10.1000/abc", "2020-05-06", 2020,
                                                     ["https://github.com/o/r"])
    assert (c.id, c.date, c.year) == ("arxiv:1901.12345", "2019-01-02", 2019)
    assert (d.title, d.text, d.abstract) == ("", "Only text, no title.", "")
    assert d.id.startswith("text:")
    assert [p.sources[0].rsplit(":", 1)[1] for p in papers] == ["1", "2", "3", "4"]


def test_json_array_and_api_pages(tmp_path):
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([{"title": "A", "abstract": "a."}, {"title": "B", "abstract": "b."}], indent=2))
    assert detect_format(arr) == "json"
    papers, _ = read([arr])
    assert [p.title for p in papers] == ["A", "B"]
    assert [p.sources for p in papers] == [[f"{arr}:1"], [f"{arr}:2"]]  # record index
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"title": "Solo", "abstract": "s."}, indent=2))
    assert [p.title for p in read([one])[0]] == ["Solo"]


def test_arxiv_snapshot_normalised():
    f = DATA / "arxiv-snapshot.json"
    assert detect_format(f) == "arxiv"
    papers, rep = read([f])
    assert rep.skipped == {"no-abstract": 1} and rep.problems[0].line == 3
    p0, p1 = papers
    assert p0.id == "arxiv:0704.0001"
    assert p0.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert "\n" not in p0.abstract and p0.abstract.startswith("A fully differential")
    assert p0.authors[0] == "C. Balázs" and p0.date == "2007-04-02" and p0.year == 2007
    assert p0.doi == "10.1103/physrevd.76.013009" and p0.categories == ["hep-ph"]
    assert "the Transformer, based" in p1.abstract and "\\emph" not in p1.abstract
    assert "—" in p1.abstract and "5%" in p1.abstract and "α-scaled" in p1.abstract
    assert p1.links == ["https://github.com/tensorflow/tensor2tensor"]
    assert p1.categories == ["cs.CL", "cs.LG"]


def test_s2_records():
    f = DATA / "s2-search.json"
    assert detect_format(f) == "s2"
    papers, rep = read([f])
    assert rep.skipped == {"no-abstract": 1}  # S2 withholds some abstracts: reported, not kept
    att, bert = papers
    assert (att.id, att.s2_id, att.arxiv_id, att.year) == (
        "arxiv:1706.03762", "204e3073870fae3d05bcbc2f6a8e263d9b72e776", "1706.03762", 2017)
    assert att.authors == ["Ashish Vaswani", "Noam M. Shazeer"]
    assert (bert.id, bert.categories) == ("doi:10.18653/v1/n19-1423", ["Computer Science"])


def test_s2_jsonl_and_bare_record_ids(tmp_path):
    f = write_jsonl(tmp_path / "s2.jsonl", [
        {"paperId": "a" * 40, "title": "No external ids", "abstract": "x.", "year": 2020},
    ])
    assert detect_format(f) == "s2"
    (p,), _ = read([f])
    assert p.id == "s2:" + "a" * 40


def test_openalex_works():
    f = DATA / "openalex-works.json"
    assert detect_format(f) == "openalex"
    papers, rep = read([f])
    att, resnet = papers
    assert att.abstract == ("The dominant sequence transduction models are based on complex recurrent networks. "
                            "We propose the Transformer, solely based on attention.")
    assert (att.id, att.openalex_id, att.year, att.authors) == (
        "arxiv:1706.03762", "W2963403868", 2017, ["Ashish Vaswani", "Noam Shazeer"])
    assert (resnet.id, resnet.openalex_id) == ("doi:10.1109/cvpr.2016.90", "W2194775991")


def test_one_paper_from_four_sources_merges_with_strongest_id(tmp_path):
    """arXiv snapshot, S2 and OpenAlex records of one paper, plus a title-only record, become one paper."""
    title_only = write_jsonl(tmp_path / "a-title-only.jsonl", [{"title": "Attention is all you need!",
                                                                 "abstract": "Short."}])
    papers, rep = read([title_only, DATA])
    att = [p for p in papers if "1706.03762" in p.id]
    assert len(att) == 1
    p = att[0]
    assert p.id == "arxiv:1706.03762"  # the strongest id, though the first record had only a title
    assert p.title == "Attention is all you need!" and p.abstract == "Short."  # first record's values kept
    assert (p.s2_id, p.openalex_id) == ("204e3073870fae3d05bcbc2f6a8e263d9b72e776", "W2963403868")
    assert len(p.sources) == 4 and p.sources[0] == f"{title_only}:1"
    mine = [c for c in rep.conflicts if c.kept_source == f"{title_only}:1"]
    assert {c.field for c in mine} >= {"title", "abstract"}
    assert {c.paper for c in mine} == {"arxiv:1706.03762"}  # named by the final id, not the first record's title:
    assert all(c.kept != c.other for c in rep.conflicts)
    assert {"cs.CL", "Computer Science"} <= set(p.categories)  # categories are unioned, not conflicting


def test_same_title_different_arxiv_ids_are_two_papers(tmp_path):
    f = write_jsonl(tmp_path / "x.jsonl", [
        {"title": "Pointer Networks", "abstract": "One.", "arxiv_id": "1506.03134"},
        {"title": "Pointer networks", "abstract": "Two.", "arxiv_id": "2001.00001"},
        {"title": "POINTER NETWORKS", "abstract": "Three."},
    ])
    papers, rep = read([f])
    assert [p.id for p in papers] == ["arxiv:1506.03134", "arxiv:2001.00001"]
    assert rep.duplicates == 1 and papers[0].sources == [f"{f}:1", f"{f}:3"]


def test_duplicate_fills_missing_fields_and_reports_conflicts(tmp_path):
    f = write_jsonl(tmp_path / "x.jsonl", [
        {"title": "Paper", "abstract": "Same abstract.", "year": 2020},
        {"title": "Paper", "abstract": "Same  abstract.", "year": 2021, "doi": "10.1000/X", "authors": ["A"]},
    ])
    (p,), rep = read([f])
    assert (p.year, p.doi, p.authors, p.id) == (2020, "10.1000/x", ["A"], "doi:10.1000/x")
    assert [(c.field, c.kept, c.other) for c in rep.conflicts] == [("year", 2020, 2021)]  # whitespace is no conflict


# -- CSV / TSV ----------------------------------------------------------------------------------------
def test_csv_and_tsv_with_header(tmp_path):
    rows = [["ID", "Title", "Abstract", "Year", "Authors"],
            ["1", "CSV paper", "Line one,\nline \"two\".", "2022", "A. B; C. D"],
            ["2", "Second", "Plain.", "", ""]]
    c = tmp_path / "p.csv"
    with c.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    t = tmp_path / "p.tsv"
    with t.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter="\t").writerows(rows)
    for f, fmt in ((c, "csv"), (t, "tsv")):
        assert detect_format(f) == fmt
        papers, rep = read([f])
        assert [p.abstract for p in papers] == ["Line one,\nline \"two\".", "Plain."]
        assert papers[0].authors == ["A. B", "C. D"] and papers[0].year == 2022
        assert [p.sources[0].rsplit(":", 1)[1] for p in papers] == ["2", "4"]  # a record's first line
    # a TSV named .txt is detected by its header
    t2 = tmp_path / "p.txt"
    t2.write_bytes(t.read_bytes())
    assert detect_format(t2) == "tsv"


def test_csv_long_field_beyond_csv_default_limit(tmp_path):
    big = "word " * 60_000  # 300 kB > csv's 128 KiB default field limit, < 1 MB
    f = tmp_path / "big.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["title", "abstract"], ["Big", big], ["Small", "s."]])
    papers, rep = read([f])
    assert [len(p.abstract) for p in papers] == [len(big), 2] and not rep.skipped


# -- detection, options, errors -----------------------------------------------------------------------
def test_explicit_format_overrides_detection(tmp_path):
    f = write_jsonl(tmp_path / "weird.dat", [{"title": "T", "abstract": "A."}, {"title": "U", "abstract": "B."}])
    assert detect_format(f) == "jsonl"  # content sniffing for an unknown extension
    g = tmp_path / "also.txt"
    g.write_text(f.read_text())
    papers, _ = read([g], format="jsonl")
    assert [p.title for p in papers] == ["T", "U"]
    with pytest.raises(FormatError, match="Valid formats: hf-daily, jsonl"):
        list(read_papers([str(g)], format="xml"))


def test_formats_constant():
    assert FORMATS == ("hf-daily", "jsonl", "json", "csv", "tsv", "arxiv", "s2", "openalex")


def test_check_inputs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        check_inputs([tmp_path / "missing.jsonl"])
    empty = tmp_path / "emptydir"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no"):
        check_inputs([empty])
    ok = write_jsonl(tmp_path / "ok.jsonl", [{"title": "T", "abstract": "A."}])
    check_inputs([ok, tmp_path])


def test_report_to_dict_is_json(tmp_path):
    f = write_jsonl(tmp_path / "x.jsonl", [{"title": "T", "abstract": "A."}, {"title": "T", "abstract": "B."}])
    _, rep = read([f])
    d = json.loads(json.dumps(rep.to_dict()))
    assert (d["read"], d["kept"], d["duplicates"]) == (2, 1, 1)
    assert d["conflicts"][0]["field"] == "abstract" and d["files"][0]["format"] == "jsonl"


def test_directories_recursed_sorted_hidden_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    write_jsonl(tmp_path / "b" / "1.jsonl", [{"title": "B1", "abstract": "b."}])
    write_jsonl(tmp_path / "a" / "deep" / "2.jsonl", [{"title": "A2", "abstract": "a."}])
    write_jsonl(tmp_path / "a" / "1.jsonl", [{"title": "A1", "abstract": "a."}])
    write_jsonl(tmp_path / ".git" / "x.jsonl", [{"title": "hidden dir", "abstract": "h."}])
    write_jsonl(tmp_path / ".x.jsonl", [{"title": "hidden file", "abstract": "h."}])
    papers, rep = read([tmp_path])
    assert [p.title for p in papers] == ["A1", "A2", "B1"]
    assert len(rep.files) == 3


def test_conflicts_and_problems_are_logged(tmp_path, caplog):
    f = write_jsonl(tmp_path / "x.jsonl", [{"title": "T", "abstract": "One."}, {"title": "T", "abstract": "Two."},
                                           {"title": "No abstract"}])
    with caplog.at_level("WARNING", logger="kg.ingest"):
        read([f])
    msgs = [r.getMessage() for r in caplog.records]
    assert any("field 'abstract' differs" in m and f"{f}:1" in m and f"{f}:2" in m for m in msgs)
    assert any(f"{f}:3: no-abstract" in m for m in msgs)


def test_s2_batch_page_with_null_entries(tmp_path):
    f = tmp_path / "batch.json"
    f.write_text(json.dumps({"data": [None, {"paperId": "b" * 40, "title": "T", "abstract": "A."}]}))
    papers, rep = read([f], format="s2")
    assert [p.id for p in papers] == ["s2:" + "b" * 40]
    assert rep.skipped == {"not-an-object": 1} and rep.problems[0].line == 1


def test_gz_jsonl_streams(tmp_path):
    rows = [{"title": f"Paper {i}", "abstract": f"Abstract {i}."} for i in range(500)]
    f = tmp_path / "x.jsonl.gz"
    f.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    assert detect_format(f) == "jsonl"
    papers, rep = read([f])
    assert len(papers) == 500 and papers[-1].sources == [f"{f}:500"]


def test_json_array_misnamed_jsonl(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps([{"title": "A", "abstract": "a."}, {"title": "B", "abstract": "b."}], indent=1))
    papers, rep = read([f])
    assert [p.title for p in papers] == ["A", "B"] and not rep.problems


def test_dedup_off_streams_one_paper_per_record(tmp_path):
    f = write_jsonl(tmp_path / "x.jsonl", [{"title": "T", "abstract": "One."}, {"title": "T", "abstract": "Two."},
                                           {"title": "No abstract"}])
    rep = IngestReport()
    it = read_papers([str(f)], report=rep, dedup=False)
    first = next(it)
    assert first.abstract == "One." and rep.read == 1  # yielded before the rest of the file is read
    rest = list(it)
    assert [p.abstract for p in rest] == ["Two."]
    assert (rep.read, rep.kept, rep.duplicates, rep.skipped, rep.conflicts) == (3, 2, 0, {"no-abstract": 1}, [])
