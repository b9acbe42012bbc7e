"""Rebuild the installed spaCy release from its source on PyPI without Cython's profiling hooks.

spaCy's wheels for Python < 3.12 are compiled with Cython's ``profile`` directive. In the NER's transition loop,
which runs without the GIL, every call of a profiled function (``StateC.B``, ``safe_get``, ``entity_is_open``,
``predict_states``, ...) then takes the GIL and releases it again to ask whether a profiler is active: on this
machine (2-core AMD EPYC, Python 3.11) that was 5.3 of the NER's 8.0 seconds over 1,017 abstracts, and 45 % of its
samples in ``take_gil``/``pthread_mutex_lock``. The same release compiled without the directive is the same code and
gives byte-identical extractions; the NER takes 3.1 s instead of 7.7 s and the whole pipeline runs 1.66x as fast
(docs/extraction.md). Python 3.12 and newer wheels are built without the hooks, so there is nothing to do there.

``make install`` / ``make install-test`` run this once per virtual environment (``SPACY_FROM_SOURCE=0`` skips it);
by hand: ``python -m kg.extract.spacy_build``. It needs a C++ compiler and the Python headers, downloads only from
the package index (the spaCy source archive and Cython), and takes about 4-7 minutes on two cores.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

#: The line of spaCy's setup.py that turns the hooks on for Python < 3.12, and what it becomes.
PROFILE_ON = '"profile": sys.version_info < (3, 12),'
PROFILE_OFF = '"profile": False,'


def has_profiling_hooks() -> bool:
    """Whether the installed spaCy calls Cython's profiling hooks (a Cython function reports itself to a profiler).

    The check installs a profiler for one call and puts the previous one back; :func:`note_profiling_hooks` does
    not check while another profiler runs (cProfile's would come back as a plain function).
    """
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    seen: list[str] = []

    def profiler(frame, event, arg):  # noqa: ANN001 - sys.setprofile's signature
        if event == "call" and frame.f_code.co_filename.endswith((".pyx", ".pxd")):
            seen.append(frame.f_code.co_filename)

    vocab = Vocab()
    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        Doc(vocab, words=["a", "b"])
    finally:
        sys.setprofile(previous)
    return bool(seen)


_NOTED = False


def note_profiling_hooks() -> None:
    """Log once per process (at INFO) that the installed spaCy carries the hooks, and how to remove them."""
    global _NOTED
    if _NOTED or sys.getprofile() is not None:
        return
    _NOTED = True
    if has_profiling_hooks():
        import spacy

        log.info("spaCy %s carries Cython's profiling hooks (its PyPI wheel for Python < 3.12), which make the NER "
                 "about 2.5x slower; `python -m kg.extract.spacy_build` (or `make install`) rebuilds it without them.",
                 spacy.__version__)


class BuildError(RuntimeError):
    """spaCy could not be rebuilt; the installed wheel is left as it was."""


def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BuildError(f"`{' '.join(cmd)}` failed (exit {done.returncode}):\n{tail}")


def rebuild(jobs: int | None = None) -> bool:
    """Rebuild and reinstall the installed spaCy version without profiling hooks.

    Args:
        jobs: compiler processes (default: the number of cores).

    Returns:
        True if spaCy was rebuilt, False if it had no hooks to remove.

    Raises:
        BuildError: a step failed (no compiler, no network to the index, a spaCy whose setup.py no longer has the
            line this patches); the message names the step. The installed spaCy is unchanged unless the last step,
            the install, failed.
    """
    import spacy

    if not has_profiling_hooks():
        return False
    version = spacy.__version__
    with tempfile.TemporaryDirectory(prefix="kg-spacy-build-") as tmp_name:
        tmp = Path(tmp_name)
        # spaCy's other build requirements (numpy, thinc, cymem, preshed, murmurhash) are its own dependencies and
        # already installed; building against them keeps the binary interface of what is installed
        _run("install", "-q", "cython>=3.0,<4.0", "setuptools", "wheel")
        _run("download", "-q", "--no-deps", "--no-binary=:all:", "--no-build-isolation", f"spacy=={version}",
             "-d", str(tmp))
        archives = list(tmp.glob("spacy-*.tar.gz"))
        if len(archives) != 1:
            raise BuildError(f"Expected one spaCy source archive in {tmp}, found {[a.name for a in archives]}.")
        with tarfile.open(archives[0]) as tar:
            # the "data" filter refuses links and paths that leave the folder (Python 3.11.4+ has it)
            tar.extractall(tmp, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        src = tmp / f"spacy-{version}"
        setup = src / "setup.py"
        text = setup.read_text(encoding="utf-8")
        if PROFILE_ON not in text:
            raise BuildError(
                f"spaCy {version}'s setup.py has no line {PROFILE_ON!r}: its build changed, so this rebuild does not "
                "know how to turn the profiling hooks off. Keep the PyPI wheel (SPACY_FROM_SOURCE=0)."
            )
        setup.write_text(text.replace(PROFILE_ON, PROFILE_OFF), encoding="utf-8")
        env = dict(os.environ, SPACY_NUM_BUILD_JOBS=str(jobs or os.cpu_count() or 1))
        _run("wheel", "-q", "--no-build-isolation", "--no-deps", str(src), "-w", str(tmp / "wheels"), env=env)
        wheels = list((tmp / "wheels").glob("spacy-*.whl"))
        if len(wheels) != 1:
            raise BuildError(f"The build left {len(wheels)} spaCy wheels in {tmp / 'wheels'}, expected one.")
        _run("install", "-q", "--no-deps", "--force-reinstall", str(wheels[0]))
    return True


def main() -> int:
    """``python -m kg.extract.spacy_build``: rebuild spaCy if it has the hooks; exit 1 with the reason if that fails."""
    import spacy

    if not has_profiling_hooks():
        print(f"spaCy {spacy.__version__} has no profiling hooks (a Python 3.12+ wheel, or already rebuilt): "
              "nothing to do.")
        return 0
    print(f"spaCy {spacy.__version__}: rebuilding it from source without Cython's profiling hooks "
          "(a few minutes) ...", flush=True)
    try:
        rebuild()
    except BuildError as exc:
        print(f"spaCy was not rebuilt, extraction keeps working at the PyPI wheel's speed: {exc}", file=sys.stderr)
        return 1
    check = subprocess.run([sys.executable, "-c", "from kg.extract.spacy_build import has_profiling_hooks as h; "
                            "raise SystemExit(1 if h() else 0)"])
    if check.returncode != 0:
        print("spaCy was reinstalled but still reports profiling hooks.", file=sys.stderr)
        return 1
    print("spaCy rebuilt and installed without profiling hooks.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
