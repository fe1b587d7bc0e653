"""The labelled and unlabelled text of ``../shared/data`` the text benchmarks read,
and their cross-validation loop.

``SHARED`` is the data folder beside the repository; each loader takes that folder
(or another with the same layout) and reads its files as they ship.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_sentiment(folder: Path = SHARED) -> tuple[list[str], np.ndarray]:
    """The 3,000 ``sentence<TAB>label`` lines of ``text/uci_sentiment`` (Amazon,
    IMDB, Yelp; Kotzias et al. 2015), split by hand on "\\n" (the IMDB file holds
    quotes and one sentence a Unicode line separator)."""
    texts, labels = [], []
    for path in sorted((folder / "text" / "uci_sentiment").glob("*_labelled.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if "\t" in line:
                text, label = line.rsplit("\t", 1)
                texts.append(text)
                labels.append(int(label))
    return texts, np.array(labels)


def load_sms(folder: Path = SHARED) -> tuple[list[str], np.ndarray]:
    """The 5,574 ``label<TAB>text`` lines of ``text/sms_spam`` (1: spam)."""
    path = folder / "text" / "sms_spam" / "SMSSpamCollection"
    rows = [
        line.split("\t", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if "\t" in line
    ]
    return [text for _, text in rows], np.array([label == "spam" for label, _ in rows])


def unlabelled_text(folder: Path = SHARED, shakespeare: bool = False) -> list[str]:
    """Text without labels: the 16,622 sentences of the English Web Treebank (the
    ``# text`` lines of its three files), the SMS messages without their labels,
    and, with ``shakespeare``, Tiny Shakespeare's paragraphs."""
    treebank = folder / "sequence_labelling" / "ud_english_ewt"
    texts = [
        line.removeprefix("# text = ")
        for path in sorted(treebank.glob("*.conllu"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# text = ")
    ]
    texts += load_sms(folder)[0]
    if shakespeare:
        corpus = folder / "language_modeling" / "tinyshakespeare" / "input.txt"
        texts += corpus.read_text(encoding="utf-8").split("\n\n")
    return texts


def cross_validate_models(models: dict, X, y, cv) -> dict[str, np.ndarray]:
    """Each model's accuracy on every fold of ``cv``, printed as mean ± standard
    deviation with its time (fits that stop at ``max_iter`` on purpose do not
    warn)."""
    scores = {}
    for name, model in models.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            scores[name] = cross_val_score(model, X, y, cv=cv)
        print(
            f"  {name:40s} {scores[name].mean():.3f} ± {scores[name].std():.3f} "
            f"({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    return scores
