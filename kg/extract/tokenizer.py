"""A tokenizer for scientific English that splits names consistently.

spaCy's English rules already split "ResNet-50" into ``ResNet - 50`` and "CNN/DailyMail" into ``CNN / DailyMail``
(consistent splits that an entity span can cover whole). What they miss are brackets glued inside words:
"(CTC)-based" stays one token ``CTC)-based`` and "model(s)" stays whole, so a gold span "CTC" could not align.
This tokenizer adds those infixes and keeps "e.g.,"-style abbreviations intact.
"""

from __future__ import annotations

import spacy
from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_EXTRA_INFIXES = [
    r"(?<=[\)\]\}])[-–/:](?=[\w(])",  # "(CTC)-based", "(a)/(b)"
    r"[\)\]](?=[-–/]\w)",
    r"(?<=\w)[\(\[](?=[\w\-])",  # "model(s)", "F1(%)"
    r"(?<=\w)[\)\]](?=\w)",
    r"(?<=[a-zA-Z])[+](?=[A-Za-z])",  # "CNN+LSTM"
    r"(?<=[0-9])[x×](?=[0-9])",  # "224x224"
    r"(?<=\w)[,;](?=[A-Za-z(])",  # "ImageNet,COCO"
]
_EXTRA_SUFFIXES = [r"[\)\]][,.;:]?$", r"(?<=[0-9])[xX×]$"]
_EXTRA_PREFIXES = [r"[xX×](?=[0-9])"]


@spacy.registry.tokenizers("kg.scientific_tokenizer.v1")
def create_scientific_tokenizer():
    """Registered factory: the English tokenizer with the extra scientific infix/suffix rules."""

    def make(nlp):
        defaults = English.Defaults
        infixes = list(defaults.infixes) + _EXTRA_INFIXES
        suffixes = list(defaults.suffixes) + _EXTRA_SUFFIXES
        prefixes = list(defaults.prefixes) + _EXTRA_PREFIXES
        return Tokenizer(
            nlp.vocab,
            rules=dict(defaults.tokenizer_exceptions),
            prefix_search=compile_prefix_regex(prefixes).search,
            suffix_search=compile_suffix_regex(suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make
