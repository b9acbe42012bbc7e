"""Well-known aliases of evaluation metrics: a metric written out ("bits per character", "intersection over union")
and its usual short form ("BPC", "IoU") get one identity key, so a paper that never defines the abbreviation still
links to the same Metric entity as the papers that write the short form.

Only field-wide conventions belong here (the names any reader of ML papers knows as synonyms), never names taken
from particular papers; distinct metrics stay distinct (mean average precision ``mAP`` is not average precision
``AP``, mean IoU is not IoU, AUROC is not every AUC).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: canonical short form -> long forms and spellings that mean the same metric
METRIC_ALIASES: dict[str, tuple[str, ...]] = {
    "IoU": ("intersection over union", "intersection-over-union", "Jaccard index"),
    "mIoU": ("mean intersection over union", "mean intersection-over-union", "mean IoU"),
    "BPC": ("bits per character", "bit per character", "bits per char", "bits/char", "bit/char", "bits/character"),
    "BPB": ("bits per byte", "bits/byte"),
    "BPD": ("bits per dimension", "bits per dim", "bits/dim", "bits/dimension"),
    "EM": ("exact match",),
    "mAP": ("mean average precision",),
    "AP": ("average precision",),
    "WER": ("word error rate",),
    "CER": ("character error rate",),
    "PER": ("phone error rate", "phoneme error rate"),
    "EER": ("equal error rate",),
    "TER": ("translation error rate", "translation edit rate"),
    "MRR": ("mean reciprocal rank",),
    "nDCG": ("normalized discounted cumulative gain", "normalised discounted cumulative gain"),
    "FID": ("Fréchet Inception Distance", "Frechet Inception Distance"),
    "FVD": ("Fréchet Video Distance", "Frechet Video Distance"),
    "IS": ("inception score",),
    "PPL": ("perplexity",),
    "PSNR": ("peak signal-to-noise ratio", "peak signal to noise ratio"),
    "SSIM": ("structural similarity", "structural similarity index", "structural similarity index measure"),
    "LPIPS": ("learned perceptual image patch similarity",),
    "AUC": ("area under the curve", "area under curve"),
    "AUROC": ("area under the ROC curve", "area under the receiver operating characteristic curve", "ROC AUC", "AUC-ROC"),
    "FPS": ("frames per second",),
    "MAE": ("mean absolute error",),
    "MSE": ("mean squared error", "mean square error"),
    "RMSE": ("root mean squared error", "root mean square error"),
    "MOTA": ("multiple object tracking accuracy", "multi-object tracking accuracy"),
    "MPJPE": ("mean per joint position error", "mean per-joint position error"),
    "PCK": ("percentage of correct keypoints",),
    "UAS": ("unlabeled attachment score", "unlabelled attachment score"),
    "LAS": ("labeled attachment score", "labelled attachment score"),
    "accuracy": ("acc",),
    "top-1 accuracy": ("top-1 acc", "top1 accuracy"),
    "top-5 accuracy": ("top-5 acc", "top5 accuracy"),
}

#: heads a written-out metric may carry without changing what it is ("intersection-over-union score")
_HEADS = ("scores", "score", "metrics", "metric", "measure", "values", "value")


@lru_cache(maxsize=1)
def _alias_keys() -> dict[str, str]:
    from kg.link.normalize import base_key

    out: dict[str, str] = {}
    for short, longs in METRIC_ALIASES.items():
        target = base_key(short, "Metric")
        for s in (short, *longs):
            out[base_key(s, "Metric")] = target
    return out


def metric_alias_key(key: str) -> str:
    """The key of the canonical form of a metric key (``bitspercharacter`` -> ``bpc``), with a generic head such as
    "score" dropped when what remains is a known metric; the key itself when it is no known alias."""
    table = _alias_keys()
    hit = table.get(key)
    if hit is not None:
        return hit
    for head in _HEADS:
        if key.endswith(head) and key[: -len(head)] in table:
            return table[key[: -len(head)]]
    return key


#: costs and ranks that name what is measured, never a system: "50.6 GFLOPS", "Top-1", "BERTScore"
_MEASURE_SHAPED = re.compile(
    r"^(?:[GTMK]?FLOPs?|[GTMK]?MACs?|FPS|params|parameters|latency|throughput|top-?\d+|\w*scores?)$", re.I
)


def is_metric_name(surface: str | None) -> bool:
    """Whether a surface names a measure rather than a system: a metric of the lexicon in any of its spellings
    ("bits/char", "mIoU"), a cost ("GFLOPS", "MACs", "FPS"), a rank ("Top-1") or a word ending in "score"
    ("BERTscore"). Used to keep a mistyped measure out of a result's system."""
    if not surface:
        return False
    from kg.link.normalize import base_key

    s = surface.strip()
    return bool(_MEASURE_SHAPED.match(s)) or base_key(s, "Metric") in _long_form_keys()


#: short forms that are no system's name too ("MAE" is also a masked autoencoder, "EM" an algorithm)
_UNAMBIGUOUS_SHORT = ("IoU", "mIoU", "mAP", "BPC", "BPB", "BPD", "WER", "CER", "EER", "MRR", "nDCG", "FID", "FVD", "PPL",
                      "PSNR", "SSIM", "LPIPS", "AUROC", "MOTA", "MPJPE", "RMSE")


@lru_cache(maxsize=1)
def _long_form_keys() -> frozenset[str]:
    from kg.link.normalize import base_key

    keys = {base_key(s, "Metric") for longs in METRIC_ALIASES.values() for s in longs if len(s) > 3}
    keys.update(base_key(s, "Metric") for s in _UNAMBIGUOUS_SHORT)
    keys.update(base_key(s, "Metric") for s in METRIC_ALIASES if " " in s)
    return frozenset(keys)
