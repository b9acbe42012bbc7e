"""``kg_results``: numeric result candidates (value, metric, dataset, model or method, task) per sentence."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.spans import add_ents, doc_text, make_span, sentence_spans


_NUMBER = re.compile(
    r"(?<![\w.\-/])(?:[+\-±]?\d+(?:[.,]\d+)?)(?![\d])(?:\s?\\?%|\s?(?:pp|points?|dB|ms|s|x|×|FPS|fps|BLEU|FID)(?![A-Za-z]))?(?![\w.]\d)"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
#: metric names written as the unit of a score ("1.27 bits/char", "28.4 BLEU", "3.2 bpc"), which the statistical
#: model rarely tags: a rule beats statistics here. Group 1 is the metric.
_UNIT_METRIC = re.compile(
    r"(?<![\w.])[+\-]?\d+(?:\.\d+)?\s?%?\s?"
    r"(bits?\s?(?:/|per\s)\s?(?:char(?:acter)?|byte|dim(?:ension)?|word)s?|bpc|bpb|BPC|BPB|BLEU|METEOR|CIDEr|PPL|"
    r"perplexity|mAP|AP(?:50|75)?|F1|WER|CER|PER|FID|EER|mIoU|MRR|nDCG|NDCG)(?![\w/])"
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
#: a capitalised word right before a number that has no percent sign: a version or a reference ("Llama 3.2",
#: "Table 3", "Section 4.1"), not a score, unless the word is a metric or a dataset ("Accuracy 71.8", "COCO 41.2")
_NAME_BEFORE = re.compile(r"(?<![\w\-])[A-Z][\w\-]*[a-z][\w\-]* $")
#: what follows a number that counts things or spans a time no score is given in ("over the past 20 years", "1.5
#: million architectures", "175B parameters", "12 layers", "8 GPUs"): a quantity, not a result
_QUANTITY_AFTER = re.compile(
    r"\s?(?:(?:years?|months?|weeks?)\b|(?:thousand|million|billion|trillion)\b|"
    r"(?:[KMBkmb]\s?)?(?:parameters?|params|layers?|heads?|languages?|tasks?|datasets?|benchmarks?|classes|categories|"
    r"samples?|examples?|images?|videos?|tokens?|words?|sentences?|documents?|papers?|participants?|subjects?|"
    r"speakers?|GPUs?|TPUs?|steps?|epochs?|iterations?|experts?|architectures?)\b)"
)
#: the scores a metric can take, to choose between metrics written as alternatives ("bpc/perplexity"):
#: (pattern over the metric's surface, lowest, highest). A byte holds 8 bits, a perplexity is at least 1, the
#: rest are shares (written as 0-1 or as a percentage).
_METRIC_RANGES = (
    (re.compile(r"(?<![\w])(?:bits?|nats?|bp[cbd])(?![\w])", re.I), 0.0, 8.0),
    (re.compile(r"perplexit|(?<![\w])ppl(?![\w])", re.I), 1.0, float("inf")),
    (re.compile(r"accurac|precision|recall|(?<![\w])(?:f1|f-?score|m?AP\d*|m?IoU|EM|BLEU|ROUGE[\w\-]*|METEOR|[WCP]ER)(?![\w])"
                r"|error rate|intersection.over.union", re.I), 0.0, 100.0),
)
#: what joins metrics written as alternatives for one list of scores: "bpc/perplexity", "BLEU / METEOR"
_ALTERNATIVE_GAP = re.compile(r"\s?/\s?")


def _metric_range(surface: str) -> tuple[float, float] | None:
    for pattern, lo, hi in _METRIC_RANGES:
        if pattern.search(surface):
            return lo, hi
    return None


def _metric_for_value(metric: Span, metrics: list[Span], text: str, value: float | None) -> Span:
    """Of metrics written as alternatives ("bpc/perplexity from 1.06 to 0.99 on enwiki8, ..., from 20.5 to 18.3 on
    WikiText-103"), the one a value can be a score of: the narrowest range holding it (bits per character are at
    most 8, a perplexity is at least 1). ``metric`` (the nearest) when it is not one of such alternatives or the
    ranges do not decide."""
    if value is None:
        return metric
    ms = sorted(metrics, key=lambda e: e.start_char)
    i = j = ms.index(metric)
    while i > 0 and _ALTERNATIVE_GAP.fullmatch(text[ms[i - 1].end_char : ms[i].start_char]):
        i -= 1
    while j + 1 < len(ms) and _ALTERNATIVE_GAP.fullmatch(text[ms[j].end_char : ms[j + 1].start_char]):
        j += 1
    if i == j:
        return metric
    fits = []
    for m in ms[i : j + 1]:
        r = _metric_range(text[m.start_char : m.end_char])
        if r is not None and r[0] <= abs(value) <= r[1]:
            fits.append((r[1] - r[0], m.start_char, m))
    fits.sort(key=lambda x: x[:2])
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return metric
    return fits[0][2]


def _unit_metrics(doc: Doc) -> None:
    """Tag metric names written as the unit of a number ("1.27 bits/char") as Metric where nothing else is tagged."""
    text = doc_text(doc)
    new = []
    for m in _UNIT_METRIC.finditer(text):
        sp = make_span(doc, m.start(1), m.end(1), "Metric")
        if sp is not None:
            new.append((sp, "results"))
    add_ents(doc, new, override=False)


def _respectively(rows: list[dict], s_ents: list[Span], text: str) -> None:
    """"41.2, 35.1 and 20.3 mAP on COCO, VOC and LVIS, respectively": the i-th value of a list goes with the i-th
    dataset (those after the list when their number matches, else those before it), for every list of the sentence
    ("78.2% and 45.6% accuracy, respectively, compared with 70.1% and 38.2% for X")."""
    datasets = sorted((e for e in s_ents if e.label_ == "Dataset"), key=lambda e: e.start_char)
    for run in _value_lists(rows, text):
        if len(run) < 2:
            continue
        first, last = run[0]["value_span"][0], run[-1]["value_span"][1]
        for cands in ([e for e in datasets if e.start_char >= last], [e for e in datasets if e.end_char <= first]):
            if len(cands) == len(run):
                for r, d in zip(run, cands):
                    r["dataset"] = d
                break


_LIST_GAP = re.compile(r"[\s,;/]*(?:and|or)?[\s,;/]*", re.I)


def _value_lists(rows: list[dict], text: str) -> list[list[dict]]:
    """The runs of values written as lists ("41.2, 35.1 and 20.3", "41.2 / 35.1 / 20.3"), each value maybe
    followed by the same metric name; a value on its own is a run of one."""
    runs: list[list[dict]] = []
    cur: list[dict] = []
    for r in rows:
        if cur:
            gap = text[cur[-1]["value_span"][1] : r["value_span"][0]]
            metric = cur[-1]["metric"]
            gap = gap.replace(metric.text, "", 1) if metric is not None else gap
            if not _LIST_GAP.fullmatch(gap):
                runs.append(cur)
                cur = []
        cur.append(r)
    if cur:
        runs.append(cur)
    return runs


def _value_list(rows: list[dict], text: str) -> list[dict]:
    """The longest run of values written as a list (the first of the longest)."""
    return max(_value_lists(rows, text), key=len, default=[])


@Language.factory("kg_results", default_config={"max_distance": 120})
def make_results(nlp: Language, name: str, max_distance: int):
    """Numeric result candidates: value + nearest metric + dataset + model/method + task of the same sentence."""

    def find(doc: Doc) -> Doc:
        out = []
        _unit_metrics(doc)
        spans = sentence_spans(doc)
        starts = [a for a, _b in spans]
        by_sent: dict[int, list[Span]] = defaultdict(list)
        for e in doc.ents:
            by_sent[starts[bisect.bisect_right(starts, e.start) - 1]].append(e)
        for a, b in spans:
            sent = doc[a:b]
            s_ents = [e for e in by_sent.get(a, []) if e.end <= b]
            metrics = [e for e in s_ents if e.label_ == "Metric"]
            if not metrics:
                continue
            stext = sent.text
            rows: list[dict] = []
            for m in _NUMBER.finditer(stext):
                vs, ve = sent.start_char + m.start(), sent.start_char + m.end()
                raw = m.group(0)
                if any(e.start_char <= vs < e.end_char for e in s_ents):
                    continue
                if _YEAR.match(raw) or (raw.isdigit() and len(raw) == 1 and "%" not in raw):
                    continue
                if raw.startswith("±"):  # a spread ("71.8 ± 0.3"), not a score
                    continue
                if "%" not in raw and _QUANTITY_AFTER.match(stext, m.end()):
                    continue
                before = _NAME_BEFORE.search(stext, max(0, m.start() - 40), m.start())
                if "%" not in raw and before and not any(
                    e.label_ in ("Metric", "Dataset") and e.start_char < sent.start_char + before.end() - 1 <= e.end_char
                    for e in s_ents
                ):
                    continue
                metric = min(metrics, key=lambda e: _dist(e, vs, ve))
                if _dist(metric, vs, ve) > max_distance:
                    continue
                dataset = _nearest(s_ents, "Dataset", vs, ve, after_bias=True)
                model = _nearest(s_ents, "Model", vs, ve) or _nearest(s_ents, "Method", vs, ve)
                task = _nearest(s_ents, "Task", vs, ve)
                num = re.search(r"[+\-±]?\d+(?:[.,]\d+)?", raw).group(0)
                try:
                    value = float(num.replace(",", ".").replace("±", ""))
                except ValueError:  # pragma: no cover - the regex guarantees a number
                    value = None
                metric = _metric_for_value(metric, metrics, doc_text(doc), value)
                unit = "%" if "%" in raw else None
                vt = raw.strip()
                rows.append(
                    {
                        "sent": (sent.start_char, sent.end_char),
                        "value": value,
                        "value_text": vt,
                        "unit": unit,
                        "value_span": (vs, vs + len(vt)),
                        "metric": metric,
                        "dataset": dataset,
                        "method": model,
                        "task": task,
                    }
                )
            if _RESPECTIVELY.search(stext):
                _respectively(rows, s_ents, doc_text(doc))
            out.extend(rows)
        doc.user_data["kg_results"] = [
            {
                **{k: v for k, v in r.items() if k not in ("metric", "dataset", "method", "task")},
                "roles": {
                    role: (r[role].start_char, r[role].end_char)
                    for role in ("metric", "dataset", "method", "task")
                    if r[role] is not None
                },
            }
            for r in out
        ]
        return doc

    return find


def _dist(e: Span, s: int, t: int) -> int:
    return max(0, e.start_char - t, s - e.end_char)


def _nearest(ents: list[Span], label: str, s: int, t: int, after_bias: bool = False) -> Span | None:
    cands = [e for e in ents if e.label_ == label]
    if not cands:
        return None
    return min(cands, key=lambda e: _dist(e, s, t) * (0.5 if after_bias and e.start_char >= t else 1.0))
