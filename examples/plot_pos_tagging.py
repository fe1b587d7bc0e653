"""
=====================================================================
Part-of-speech tagging: a label for every word
=====================================================================

The Universal Dependencies English Web Treebank (EWT; weblogs, reviews, e-mails and
question-answer threads; CC BY-SA 4.0) gives each of its 254,818 words one of 17
universal part-of-speech tags (UPOS). :class:`~sklearn_rnn.RNNTagger` learns them
from the words themselves: :func:`~sklearn_rnn.load_conllu` reads the treebank's
CoNLL-U files into lists of words and lists of tags, and the tagger, with its
defaults, numbers the words, reads their characters (so that a word it never saw is
tagged by its spelling), and runs a bidirectional LSTM over each sentence with a
softmax at every word. The development split stops the training. The test split is
scored once, overall and on the words that training never saw, beside the classic
baseline that gives each word its most frequent training tag.

The data are read from ``sequence_labelling/ud_english_ewt`` in the data folder
beside the repository (``../shared/data``) or in a folder listed in the
``SKLEARN_RNN_DATA`` environment variable. The figures need matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its scores and skips them. Set
``SKLEARN_RNN_FAST=1`` for a quick run (1,000 training sentences and 2 epochs, the
same code path). Every score quoted on this page is printed by the run above it.
"""

import os
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix

from sklearn_rnn import RNNTagger, load_conllu, step_accuracy_score

try:
    import matplotlib.pyplot as plt
except ImportError:  # no figure then
    plt = None
    print('matplotlib is not installed: no figure (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): 1,000 training sentences and 2 epochs, not "
        "12,544 and up to 10; the scores below are far from those of a full run."
    )
SPLITS = {split: f"en_ewt-ud-{split}.conllu" for split in ("train", "dev", "test")}

try:
    EXAMPLES_DIR = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs examples without __file__, in their folder
    EXAMPLES_DIR = Path.cwd()


def find_treebank():
    """The first ``ud_english_ewt`` folder found in the data folders, or None."""
    env = os.environ.get("SKLEARN_RNN_DATA", "")
    folders = [Path(p) for p in env.split(os.pathsep) if p]
    folders.append(EXAMPLES_DIR.parents[1] / "shared" / "data")
    for folder in folders:
        for candidate in (
            folder / "sequence_labelling" / "ud_english_ewt",
            folder / "ud_english_ewt",
        ):
            if all((candidate / name).is_file() for name in SPLITS.values()):
                return candidate
    return None


# %%
# Read the treebank
# -----------------
# ``load_conllu`` returns the words (the FORM column) and one other column, here the
# UPOS tags, sentence by sentence. Multiword tokens ("don't" = "do" + "n't") are
# skipped in favour of the syntactic words they stand for, which are what carry the
# tags. Every cell below runs only when the data were found.
treebank = find_treebank()
have_data = treebank is not None
if not have_data:
    print(
        "Data not found: no sequence_labelling/ud_english_ewt folder holding "
        f"{', '.join(SPLITS.values())} in ../shared/data or the SKLEARN_RNN_DATA "
        "folders. Get UD_English-EWT from universaldependencies.org and set "
        "SKLEARN_RNN_DATA to a folder that holds ud_english_ewt/ with those files."
    )
else:
    data = {split: load_conllu(treebank / name) for split, name in SPLITS.items()}
    words_train, tags_train = data["train"]
    words_dev, tags_dev = data["dev"]
    words_test, tags_test = data["test"]
    if FAST:
        words_train, tags_train = words_train[:1000], tags_train[:1000]
    for split, (words, _) in data.items():
        print(f"{split}: {len(words):,} sentences, {sum(map(len, words)):,} words")
    print("e.g.", list(zip(words_train[1], tags_train[1], strict=True))[:6])

# %%
# The baseline: each word's most frequent tag
# -------------------------------------------
# A word seen in training gets the tag it had most often there; an unseen word is a
# number if it holds a digit, a proper noun if capitalised, else a noun. Most words
# of English text are frequent and unambiguous, so this is a strong baseline; the
# words it gets wrong are the ambiguous ones ("that", "like", "back") and the
# unseen ones.
if have_data:
    by_word = defaultdict(Counter)
    for sentence, tags in zip(words_train, tags_train, strict=True):
        for word, tag in zip(sentence, tags, strict=True):
            by_word[word][tag] += 1
    most_frequent = {
        word: counts.most_common(1)[0][0] for word, counts in by_word.items()
    }

    def baseline_tag(word):
        if word in most_frequent:
            return most_frequent[word]
        if any(c.isdigit() for c in word):
            return "NUM"
        return "PROPN" if word[:1].isupper() else "NOUN"

    baseline = [np.array([baseline_tag(w) for w in s]) for s in words_test]
    unseen = np.array([w not in by_word for s in words_test for w in s])
    truth = np.concatenate(tags_test)

    def accuracies(predicted):
        flat = np.concatenate(predicted)
        overall = step_accuracy_score(tags_test, predicted)
        return overall, np.mean(flat[unseen] == truth[unseen])

    base_all, base_unseen = accuracies(baseline)
    print(
        f"most frequent tag: {base_all:.4f} on test, {base_unseen:.4f} on the "
        f"{unseen.sum():,} test words unseen in training"
    )

# %%
# Train the tagger
# ----------------
# ``RNNTagger()``'s defaults: word embeddings joined to a character BiLSTM's vector
# of each word, one bidirectional LSTM layer of 128 units per direction, dropout
# before the output layer, and word dropout, which reads rare training words as
# "unknown" now and then so that the unknown word's embedding is learned. ``X_val``
# and ``y_val`` (the development split) stop the training and choose the epoch whose
# weights are kept.
if have_data:
    tagger = RNNTagger(max_iter=2 if FAST else "auto", random_state=0, verbose=1)
    start = time.perf_counter()
    tagger.fit(words_train, tags_train, X_val=words_dev, y_val=tags_dev)
    fit_seconds = time.perf_counter() - start
    predicted = tagger.predict(words_test)
    rnn_all, rnn_unseen = accuracies(predicted)
    n_tokens = sum(map(len, words_train))
    print(
        f"RNNTagger: {rnn_all:.4f} on test, {rnn_unseen:.4f} on unseen words "
        f"({tagger.n_iter_} epochs in {fit_seconds:.0f} s, "
        f"{n_tokens * tagger.n_iter_ / fit_seconds:,.0f} training words/s)"
    )
    print(f"most frequent tag: {base_all:.4f} on test, {base_unseen:.4f} unseen")

# %%
# Tag new sentences
# -----------------
# Any list of words: the tagger returns one tag per word. "Blorfing" is in no
# treebank; its suffix and place make it a verb.
if have_data:
    sentences = [
        ["I", "saw", "her", "duck", "."],
        ["They", "are", "blorfing", "the", "zorbles", "quickly", "."],
    ]
    for sentence, tags in zip(sentences, tagger.predict(sentences), strict=True):
        print(" ".join(f"{w}/{t}" for w, t in zip(sentence, tags, strict=True)))

# %%
# Accuracy by tag, and what is mistaken for what
# ----------------------------------------------
# Each tag's recall on the test words, for the tagger and the baseline: the run
# prints the tags where the tagger gains most over the baseline and the ones it
# finds hardest. The left panel shows every tag's recall (bars: the tagger, dots:
# the baseline); the right one the confusion matrix of the tagger's predictions,
# normalised by the true tag, so its off-diagonal cells say what each tag is
# mistaken for.
if have_data:
    labels = tagger.classes_
    flat = np.concatenate(predicted)
    flat_base = np.concatenate(baseline)
    recall = np.array([np.mean(flat[truth == t] == t) for t in labels])
    recall_base = np.array([np.mean(flat_base[truth == t] == t) for t in labels])
    gain = recall - recall_base
    print("largest gains over the baseline (recall):")
    for i in np.argsort(-gain)[:3]:
        print(f"  {labels[i]:<6} {recall_base[i]:.3f} -> {recall[i]:.3f}")
    print("hardest tags for the tagger (recall):")
    for i in np.argsort(recall)[:3]:
        print(f"  {labels[i]:<6} {recall[i]:.3f} ({np.sum(truth == labels[i])} words)")

if have_data and plt is not None:
    order = np.argsort(recall)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
    positions = np.arange(len(labels))
    left.barh(positions, recall[order], color="tab:blue", label="RNNTagger")
    left.plot(
        recall_base[order],
        positions,
        "o",
        color="tab:orange",
        label="most frequent tag",
    )
    left.set_yticks(positions, labels[order])
    left.set_xlim(0.0, 1.0)
    left.set_xlabel("recall on test words")
    left.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, frameon=False)
    matrix = confusion_matrix(truth, flat, labels=labels, normalize="true")
    image = right.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    right.set_xticks(positions, labels, rotation=90)
    right.set_yticks(positions, labels)
    right.set_xlabel("predicted tag")
    right.set_ylabel("true tag")
    fig.colorbar(image, ax=right, fraction=0.046)
    fig.suptitle(f"UPOS on EWT test: RNNTagger {rnn_all:.3f}, baseline {base_all:.3f}")
    fig.tight_layout()
    plt.show()
