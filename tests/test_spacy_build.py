"""kg.extract.spacy_build: detecting spaCy's Cython profiling hooks, and the hint that names them."""

from __future__ import annotations

import sys

from kg.extract import spacy_build


def test_detection_restores_the_callers_profiler():
    calls: list[str] = []

    def mine(frame, event, arg):
        calls.append(event)

    sys.setprofile(mine)
    try:
        result = spacy_build.has_profiling_hooks()
        still = sys.getprofile()
    finally:
        sys.setprofile(None)
    assert isinstance(result, bool)
    assert still is mine


def test_detection_sees_a_profiled_cython_function():
    """A function that reports a ``.pyx`` frame to the profiler is what the detection looks for; the installed spaCy
    either does so for Doc() (hooks) or not, and the answer must match what a profiler actually receives."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    frames: list[str] = []

    def profiler(frame, event, arg):
        if event == "call":
            frames.append(frame.f_code.co_filename)

    vocab = Vocab()
    sys.setprofile(profiler)
    try:
        Doc(vocab, words=["x"])
    finally:
        sys.setprofile(None)
    reported = any(f.endswith(".pyx") for f in frames)
    assert spacy_build.has_profiling_hooks() is reported


def test_the_hint_is_logged_once_and_only_with_hooks(monkeypatch, caplog):
    monkeypatch.setattr(spacy_build, "_NOTED", False)
    with caplog.at_level("INFO", logger="kg.extract.spacy_build"):
        spacy_build.note_profiling_hooks()
        spacy_build.note_profiling_hooks()
    hints = [r for r in caplog.records if "profiling hooks" in r.getMessage()]
    assert len(hints) == (1 if spacy_build.has_profiling_hooks() else 0)


def test_the_hint_leaves_a_running_profiler_alone(monkeypatch):
    import cProfile

    monkeypatch.setattr(spacy_build, "_NOTED", False)
    prof = cProfile.Profile()
    prof.enable()
    try:
        before = sys.getprofile()
        spacy_build.note_profiling_hooks()
        after = sys.getprofile()
    finally:
        prof.disable()
    assert after is before
    assert spacy_build._NOTED is False  # it did not check, so a later call still can
