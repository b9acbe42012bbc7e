"""Bad input: each bad record or file is skipped (or repaired), counted and reported with file, line, reason."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
from pathlib import Path

import pytest

from kg.errors import FormatError, InputError
from kg.ingest import IngestReport, read_papers
from kg.ingest import files as ingest_files

GOOD = {"title": "Good paper", "abstract": "A fine abstract."}


def read(paths, **kw):
    rep = IngestReport()
    papers = list(read_papers([str(p) for p in paths], report=rep, **kw))
    assert rep.read == rep.kept + rep.duplicates + sum(rep.skipped.values()), rep.to_dict()
    return papers, rep


def only_problem(rep: IngestReport):
    assert len(rep.problems) == 1, rep.problems
    return rep.problems[0]


def line(obj) -> bytes:
    return (json.dumps(obj) + "\n").encode("utf-8")


def test_invalid_json_line_is_skipped_and_the_rest_kept(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(line(GOOD) + b'{"title": "broken", "abstract": \n' + line({"title": "Third", "abstract": "t."}))
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Good paper", "Third"]
    p = only_problem(rep)
    assert (p.file, p.line, p.reason, p.action) == (str(f), 2, "invalid-json", "skipped")
    assert rep.skipped == {"invalid-json": 1} and rep.read == 3
    assert "not valid JSON" in p.message and str(f) in str(p)


def test_non_object_json_line(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(line(GOOD) + b"[1, 2]\n" + b'"just a string"\n')
    papers, rep = read([f])
    assert len(papers) == 1 and rep.skipped == {"not-an-object": 2}
    assert [p.line for p in rep.problems] == [2, 3]


def test_records_without_abstract(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(line(GOOD) + line({"title": "Title only"}) + line({"title": "Blank", "abstract": "   "})
                  + line({"id": "x", "text": ""}))
    papers, rep = read([f])
    assert len(papers) == 1 and rep.skipped == {"no-abstract": 3}
    assert [p.line for p in rep.problems] == [2, 3, 4]
    assert "Title only" in rep.problems[0].message


@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
@pytest.mark.parametrize("name", ["empty.jsonl", "empty.txt", "empty.csv", "empty.json"])
def test_empty_files(tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content)
    papers, rep = read([f])
    assert papers == [] and rep.skipped == {"empty-file": 1} and rep.read == 1
    p = only_problem(rep)
    assert (p.file, p.line, p.reason) == (str(f), None, "empty-file")


def test_empty_gz_file(tmp_path):
    f = tmp_path / "empty.jsonl.gz"
    f.write_bytes(gzip.compress(b""))
    _, rep = read([f])
    assert rep.skipped == {"empty-file": 1}


def test_binary_file_with_offset(tmp_path):
    f = tmp_path / "image.jsonl"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)))
    papers, rep = read([f, _good_file(tmp_path)])
    assert len(papers) == 1
    p = only_problem(rep)
    assert (p.reason, p.byte_offset, p.line) == ("binary-file", 8, 3)


def _good_file(tmp_path: Path) -> Path:
    g = tmp_path / "good.jsonl"
    g.write_bytes(line(GOOD))
    return g


def test_non_utf8_jsonl_reports_byte_offset(tmp_path):
    f = tmp_path / "latin1.jsonl"
    bad = '{"title": "Caf\u00e9", "abstract": "r\u00e9sum\u00e9."}\n'.encode("latin-1")
    first = line(GOOD)
    f.write_bytes(first + bad + line({"title": "After", "abstract": "a."}))
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Good paper", "After"]
    p = only_problem(rep)
    assert (p.reason, p.line) == ("not-utf8", 2)
    assert p.byte_offset == len(first) + bad.index(b"\xe9")
    assert (f.read_bytes()[p.byte_offset:p.byte_offset + 1]) == b"\xe9"


def test_non_utf8_in_hf_daily_csv_and_json_document(tmp_path):
    hf = tmp_path / "page.txt"
    hf.write_bytes(b"Title A\nAbstract a.\nTitle \xff B\nAbstract b.\nTitle C\nAbstract c.\n")
    papers, rep = read([hf])
    assert [p.title for p in papers] == ["Title A", "Title C"]
    p = only_problem(rep)
    assert (p.reason, p.line, p.byte_offset) == ("not-utf8", 3, hf.read_bytes().index(b"\xff"))

    c = tmp_path / "x.csv"
    c.write_bytes(b'title,abstract\nOne,"first\nline \xfe two"\nTwo,second.\n')
    papers, rep = read([c])
    assert [p.title for p in papers] == ["Two"]
    p = only_problem(rep)
    assert (p.reason, p.line, p.byte_offset) == ("not-utf8", 2, c.read_bytes().index(b"\xfe"))

    j = tmp_path / "x.json"
    j.write_bytes(b'[{"title": "One", "abstract": "o."},\n {"title": "Tw\xc3", "abstract": "t."},\n'
                  b' {"title": "Three", "abstract": "th."}]')
    papers, rep = read([j])
    assert [p.title for p in papers] == ["One", "Three"]
    p = only_problem(rep)
    assert (p.reason, p.line, p.byte_offset) == ("not-utf8", 2, j.read_bytes().index(b"\xc3"))


def test_utf16_file_is_not_utf8(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(codecs.BOM_UTF16_LE + json.dumps(GOOD).encode("utf-16-le"))
    _, rep = read([f])
    p = only_problem(rep)
    assert (p.reason, p.byte_offset) == ("not-utf8", 0) and "UTF-16" in p.message


@pytest.mark.parametrize("kind", ["jsonl", "json", "csv", "txt"])
def test_utf8_bom_is_accepted_silently(tmp_path, kind):
    body = {
        "jsonl": line(GOOD),
        "json": json.dumps([GOOD]).encode(),
        "csv": b"title,abstract\nGood paper,A fine abstract.\n",
        "txt": b"Good paper\nA fine abstract.\n",
    }[kind]
    f = tmp_path / f"bom.{kind}"
    f.write_bytes(codecs.BOM_UTF8 + body)
    papers, rep = read([f])
    assert [(p.title, p.abstract) for p in papers] == [("Good paper", "A fine abstract.")]
    assert rep.problems == []


def test_json_nan_is_nulled_and_reported(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"title": "T", "abstract": "A.", "year": NaN, "score": Infinity}\n')
    (paper,), rep = read([f])
    assert paper.year is None
    p = only_problem(rep)
    assert (p.reason, p.action, p.line) == ("nan-value", "repaired", 1)
    assert "'year'" in p.message and "'score'" in p.message
    assert rep.repaired == {"nan-value": 1} and rep.skipped == {}
    json.dumps(paper.to_dict(), allow_nan=False)  # serialisable as strict JSON


def test_nan_abstract_is_a_missing_abstract(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"title": "T", "abstract": NaN}\n')
    papers, rep = read([f])
    assert papers == [] and rep.skipped == {"no-abstract": 1}


def test_lone_surrogates_replaced_keeping_offsets(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"title": "Bad \\ud800 title", "abstract": "x\\udfffy and a pair \\ud83d\\ude00 ok."}\n')
    (paper,), rep = read([f])
    assert paper.title == "Bad \ufffd title"
    assert paper.abstract == "x\ufffdy and a pair \U0001F600 ok."  # a valid pair stays an emoji
    assert len(paper.title) == len(json.loads(f.read_text())["title"])  # one code point for one: offsets hold
    p = only_problem(rep)
    assert (p.reason, p.action) == ("lone-surrogate", "repaired")
    assert "'title'" in p.message and "'abstract'" in p.message
    paper.title.encode("utf-8")  # no longer breaks encoders
    json.dumps(paper.to_dict(), ensure_ascii=False).encode("utf-8")


def test_lone_surrogate_in_json_document(tmp_path):
    f = tmp_path / "x.json"
    f.write_text('[{"title": "T", "abstract": "a\\ud800b"}]')
    (paper,), rep = read([f])
    assert paper.abstract == "a\ufffdb" and rep.repaired == {"lone-surrogate": 1}


def test_record_over_1mb_is_refused(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(line({"title": "Huge", "abstract": "y" * 1_000_001}) + line(GOOD)
                  + line({"title": "Multi-byte", "abstract": "é" * 600_000}))  # 600k chars, 1.2 MB
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Good paper"]
    assert rep.skipped == {"too-long": 2} and [p.line for p in rep.problems] == [1, 3]
    assert "1,000,000" in rep.problems[0].message


def test_csv_record_over_1mb_is_refused(tmp_path):
    f = tmp_path / "x.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["title", "abstract"], ["Huge", "z" * 1_100_000], ["Ok", "fine."]])
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Ok"] and rep.skipped == {"too-long": 1}


def test_monster_line_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_files, "MAX_LINE_BYTES", 1000)
    f = tmp_path / "x.jsonl"
    f.write_bytes(line({"title": "Long", "abstract": "q" * 5000}) + line(GOOD))
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Good paper"]
    p = only_problem(rep)
    assert (p.reason, p.line) == ("too-long", 1)


def test_csv_bad_rows(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("title,abstract\nOne,first.\nTwo,second.,unexpected extra\n\nThree,third.\n", encoding="utf-8")
    papers, rep = read([f])
    assert [p.title for p in papers] == ["One", "Three"]
    p = only_problem(rep)
    assert (p.reason, p.line) == ("bad-csv", 3)


def test_invalid_json_document_keeps_records_before_the_error(tmp_path):
    f = tmp_path / "x.json"
    f.write_text('[{"title": "One", "abstract": "o."},\n {"title": "Two", "abstract": "t."},\n {"title": oops}]')
    papers, rep = read([f])
    assert [p.title for p in papers] == ["One", "Two"]
    p = only_problem(rep)
    assert (p.reason, p.line) == ("invalid-json", 3)  # the 3rd record
    assert "line 3 column" in p.message


def test_truncated_gzip(tmp_path):
    f = tmp_path / "x.jsonl.gz"
    data = gzip.compress(b"".join(line({"title": f"T{i}", "abstract": f"abstract {i}. " * 200}) for i in range(400)))
    f.write_bytes(data[: len(data) // 2])
    papers, rep = read([f])
    assert 10 < len(papers) < 400
    assert rep.skipped == {"bad-gzip": 1}
    assert rep.problems[0].file == str(f)


def test_unknown_format(tmp_path):
    f = tmp_path / "paper.xml"
    f.write_text("<article><title>T</title></article>\n")
    papers, rep = read([f, _good_file(tmp_path)])
    assert len(papers) == 1 and rep.skipped == {"unknown-format": 1}
    p = rep.problems[0]
    assert p.file == str(f) and "paper.xml" in p.message and "hf-daily, jsonl, json, csv, tsv" in p.message
    with pytest.raises(FormatError, match="paper.xml"):
        list(read_papers([str(f)], strict=True))


def test_strict_raises_at_first_problem(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(line(GOOD) + b"{nope\n" + line({"title": "No abstract"}))
    with pytest.raises(InputError, match=r"x\.jsonl:2 \(byte 57\): invalid-json"):
        list(read_papers([str(f)], strict=True))
    g = tmp_path / "y.jsonl"
    g.write_bytes(b'{"title": "T", "abstract": "a\\ud800"}\n')
    with pytest.raises(InputError, match="lone-surrogate"):
        list(read_papers([str(g)], strict=True))
    assert len(list(read_papers([str(_good_file(tmp_path))], strict=True))) == 1


def test_everything_bad_at_once_counts_add_up(tmp_path):
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "a.jsonl").write_bytes(line(GOOD) + b"{bad\n" + line({"title": "x"}) + line(GOOD))
    (d / "b.txt").write_bytes(b"")
    (d / "c.bin").write_bytes(b"\x00\x01\x02")
    (d / "d.csv").write_text("title,abstract\nCSV one,c.\n,\nTitle only,\n", encoding="utf-8")
    (d / "e.xml").write_text("<x/>")
    (d / "f.json").write_text('[{"title": "J", "abstract": "j.", "year": NaN}]')
    papers, rep = read([d])
    assert sorted(p.title for p in papers) == ["CSV one", "Good paper", "J"]
    assert rep.skipped == {"binary-file": 1, "empty-file": 1, "invalid-json": 1, "no-abstract": 2,
                           "unknown-format": 1}
    assert rep.repaired == {"nan-value": 1}
    assert (rep.read, rep.kept, rep.duplicates) == (10, 3, 1)  # the all-empty CSV row is no record
    assert all(p.file.startswith(str(d)) and p.reason for p in rep.problems)
    assert [f.path for f in rep.files] == [str(d / n) for n in ("a.jsonl", "b.txt", "c.bin", "d.csv", "e.xml",
                                                               "f.json")]


def test_hf_daily_abstract_without_title_and_title_at_end(tmp_path):
    long_abs = "We propose a method. It works well. " * 15
    f = tmp_path / "page.txt"
    f.write_text(f"{long_abs}\nReal Title\n{long_abs}\nDangling Title\n", encoding="utf-8")
    papers, rep = read([f])
    assert [p.title for p in papers] == ["Real Title"]
    assert [(p.line, p.reason) for p in rep.problems] == [(1, "no-title"), (4, "no-abstract")]


def test_binary_file_without_nul_bytes(tmp_path):
    f = tmp_path / "noise.txt"
    f.write_bytes(bytes(b % 126 + 128 for b in range(5000)))  # high bytes only: not UTF-8, no NUL
    papers, rep = read([f])
    p = only_problem(rep)
    assert (papers, p.reason, p.byte_offset) == ([], "binary-file", 0)


def test_problem_list_is_capped_but_counts_stay_exact(tmp_path, monkeypatch):
    from kg.ingest import report as report_mod

    monkeypatch.setattr(report_mod, "MAX_LISTED_PROBLEMS", 3)
    f = tmp_path / "x.jsonl"
    f.write_bytes(b"{bad\n" * 10 + line(GOOD))
    papers, rep = read([f])
    assert len(papers) == 1 and rep.skipped == {"invalid-json": 10}
    assert len(rep.problems) == 3 and rep.problems_not_listed == 7
    assert rep.to_dict()["problems_not_listed"] == 7
