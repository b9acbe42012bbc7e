"""``kg extract`` output lines carry the input record's own id, so they can be joined back to the input."""

from __future__ import annotations

import io
import json

from kg.extract.cli_commands import run_extract


def test_extract_output_echoes_record_ids(tmp_path):
    records = [
        {"id": "r-1", "text": "We propose FooNet, which reaches 71.8% mIoU on Cityscapes."},
        {"id": 42, "title": "BarGPT: A Model", "abstract": "BarGPT improves BLEU on WMT14."},
        {"title": "No Id Here", "abstract": "A record without an id gets the paper id of the graph."},
        {"id": "arXiv:2101.00001", "title": "Known Id", "abstract": "An arXiv id is kept as written."},
    ]
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = io.StringIO()
    run_extract([inp], out=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows[:2]] == ["r-1", "42"]
    assert rows[2]["id"] == rows[2]["paper"] and rows[2]["paper"].startswith("title:")
    assert rows[3]["id"] == "arXiv:2101.00001" and rows[3]["paper"] == "arxiv:2101.00001"
    for rec, row in zip(records, rows):
        for m in row["mentions"]:
            assert rec[m["field"]][m["start"] : m["end"]] == m["text"]
