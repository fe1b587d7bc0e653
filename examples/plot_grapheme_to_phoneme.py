"""
=====================================================================
Grapheme to phoneme: spelling words as sounds with attention
=====================================================================

The CMU Pronouncing Dictionary gives about 134,000 English words their
pronunciations in ARPAbet phonemes ("phoneme" is ``F OW N IY M``). Learning to
pronounce words never seen is a sequence-to-sequence task: the input is a string of
letters, the output a sequence of phonemes of another length, and the two are not
aligned one to one ("ph" is one phoneme, "x" is two). :class:`~sklearn_rnn.RNNSeq2Seq`
learns it from the strings themselves: a bidirectional LSTM encoder reads the
letters, a recurrent decoder writes the phonemes one at a time, and at each step its
attention picks the letters it reads. The alignment it learned is drawn at the end.

The words are split with a fixed seed, every pronunciation of a word on the same
side, and each test word counts as right when the prediction is any of its
pronunciations. The baseline is the pronunciation of the training word nearest by
spelling (character n-grams, cosine similarity).

The dictionary is read from ``seq2seq/cmudict/cmudict.dict`` in the data folder
beside the repository (``../shared/data``) or in a folder listed in the
``SKLEARN_RNN_DATA`` environment variable. The figures need matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its scores and skips them. Set
``SKLEARN_RNN_FAST=1`` for a quick run (2,000 training words and 2 epochs, the same
code path). Every score quoted on this page is printed by the run above it.
"""

import os
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors

from sklearn_rnn import RNNSeq2Seq, load_cmudict, token_error_rate

try:
    import matplotlib.pyplot as plt

    from sklearn_rnn import AttentionDisplay
except ImportError:  # no figure then
    plt = None
    print('matplotlib is not installed: no figure (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
N_TRAIN = 2_000 if FAST else 40_000
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): 2,000 training words and 2 epochs, not "
        "40,000 and up to 12; the scores below are far from those of a full run."
    )

try:
    EXAMPLES_DIR = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs examples without __file__, in their folder
    EXAMPLES_DIR = Path.cwd()


def find_cmudict():
    """The first ``cmudict.dict`` found in the data folders, or None."""
    env = os.environ.get("SKLEARN_RNN_DATA", "")
    folders = [Path(p) for p in env.split(os.pathsep) if p]
    folders.append(EXAMPLES_DIR.parents[1] / "shared" / "data")
    for folder in folders:
        for candidate in (folder / "seq2seq" / "cmudict", folder / "cmudict", folder):
            if (candidate / "cmudict.dict").is_file():
                return candidate / "cmudict.dict"
    return None


# %%
# Read the dictionary and split it by word
# ----------------------------------------
# ``load_cmudict`` returns one entry per pronunciation ("read" is both ``R EH D``
# and ``R IY D``); ``stress=False`` strips the stress digits of the vowels, leaving
# the 39 phonemes of the usual benchmarks. A pronunciation is a string of phonemes
# separated by spaces, so the model is told ``output_unit="word"``: its output
# symbols are the space-separated phonemes, and ``predict`` returns strings joined
# the same way.
path = find_cmudict()
have_data = path is not None
if not have_data:
    print(
        "Data not found: no seq2seq/cmudict/cmudict.dict in ../shared/data or the "
        "SKLEARN_RNN_DATA folders. Get cmudict.dict (the CMU Pronouncing "
        "Dictionary) and set SKLEARN_RNN_DATA to a folder that holds it."
    )
else:
    words, pronunciations = load_cmudict(path, stress=False)
    lexicon = {}
    for word, pronunciation in zip(words, pronunciations, strict=True):
        lexicon.setdefault(word, []).append(pronunciation)
    rest, test_words = train_test_split(
        sorted(lexicon), test_size=2_000, random_state=0
    )
    train_words, val_words = train_test_split(
        rest, train_size=N_TRAIN, test_size=1_000, random_state=0
    )

    def pairs(some_words):
        """One (word, pronunciation) pair per pronunciation."""
        X = [w for w in some_words for _ in lexicon[w]]
        return X, [p for w in some_words for p in lexicon[w]]

    X_train, y_train = pairs(train_words)
    X_val, y_val = pairs(val_words)
    references = [lexicon[w] for w in test_words]
    print(
        f"{len(lexicon):,} words; {len(train_words):,} training words "
        f"({len(X_train):,} pronunciations), {len(val_words):,} validation and "
        f"{len(test_words):,} test words"
    )
    print("e.g.", [(w, lexicon[w]) for w in train_words[:3]])


def word_error_rate(predicted):
    """The share of test words whose prediction is none of their pronunciations."""
    pairs = zip(predicted, references, strict=True)
    return np.mean([p not in refs for p, refs in pairs])


def phoneme_error_rate(predicted):
    """Phoneme edits per phoneme, against each word's first pronunciation."""
    first = [refs[0] for refs in references]
    return token_error_rate(first, predicted, unit="word")


# %%
# The baseline: the nearest spelling
# ----------------------------------
# A word is pronounced like the training word that looks most like it, by the
# cosine similarity of their character 1- to 3-grams. It gets right the words whose
# neighbours differ by a plural or a prefix, and little else.
if have_data:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    neighbours = NearestNeighbors(n_neighbors=1, metric="cosine")
    neighbours.fit(vectorizer.fit_transform(train_words))
    _, nearest = neighbours.kneighbors(vectorizer.transform(test_words))
    baseline = [lexicon[train_words[i]][0] for i in nearest[:, 0]]
    base_wer, base_per = word_error_rate(baseline), phoneme_error_rate(baseline)
    print(f"nearest spelling: word error rate {base_wer:.3f}, PER {base_per:.3f}")

# %%
# Train the encoder-decoder
# -------------------------
# The input strings are split into letters (``input_unit="char"``, the default),
# the outputs into phonemes. The validation words stop the training at the epoch of
# lowest validation loss and keep its weights.
if have_data:
    model = RNNSeq2Seq(
        output_unit="word",
        hidden_size=128,
        batch_size=64,
        max_iter=2 if FAST else 12,
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
        verbose=1,
    )
    start = time.perf_counter()
    model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    print(f"fitted in {time.perf_counter() - start:.0f} s, {model.n_iter_} epochs")

# %%
# Decode: greedy and beam search
# ------------------------------
# ``predict`` decodes greedily by default: the most likely phoneme at each step.
# ``beam_size=5`` keeps the five most likely partial pronunciations at each step
# instead and returns the most likely complete one; it can be set on the fitted
# model without refitting.
if have_data:
    for beam in (1, 5):
        model.set_params(beam_size=beam)
        start = time.perf_counter()
        predicted = model.predict(test_words)
        seconds = time.perf_counter() - start
        print(
            f"beam {beam}: word error rate {word_error_rate(predicted):.3f}, "
            f"PER {phoneme_error_rate(predicted):.3f} "
            f"({len(test_words) / seconds:,.0f} words/s)"
        )
    print(f"nearest spelling: word error rate {base_wer:.3f}, PER {base_per:.3f}")
    new_words = ["sklearn", "pytorch", "skorch", "recurrent"]
    for word, phonemes in zip(new_words, model.predict(new_words), strict=True):
        print(f"{word:>10}  {phonemes}")

# %%
# Where the decoder looked
# ------------------------
# Each row is a phoneme the model wrote, each column a letter of the word, and a
# cell the attention weight the decoder gave that letter when it wrote that
# phoneme. In a full run the model reads each word left to right, one letter per
# phoneme: ``F`` attends to the "p" of "ph", both ``K`` and ``S`` to the "x" of
# "exchange", and the silent letters of "knight" get no phoneme of their own (the
# fast mode's model, trained for two epochs, is blurrier).
if have_data and plt is not None:
    examples = ["phoneme", "exchange", "knight"]
    fig, axes = plt.subplots(1, len(examples), figsize=(12, 4.5))
    for word, ax in zip(examples, axes, strict=True):
        AttentionDisplay.from_estimator(model, word, ax=ax, colorbar=False)
    fig.tight_layout()
    plt.show()
