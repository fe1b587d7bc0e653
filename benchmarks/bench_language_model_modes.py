"""RNNLanguageModel's two training modes on collections of short texts: stream
(texts joined, windows of ``bptt`` steps, state carried) against sentence (every
text a sequence, length-bucketed batches).

Corpora from ``../shared/data/text`` (labels dropped): the 3,000 sentiment sentences
(at the level of words and of characters) and the 5,574 SMS messages (characters);
10% of the texts, drawn with a fixed seed, are held out and scored text by text
(each from a zero state, as ``score`` always reads them). Each mode trains for the
same number of epochs (each text seen as often); stream mode twice, with windows
as long as the mean text (about as many steps an epoch as sentence mode) and with
the default ``bptt=100``.

Run (about 15 minutes on 2 cores)::

    python benchmarks/bench_language_model_modes.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"


def sentences() -> list[str]:
    out = []
    for name in ("amazon_cells_labelled", "imdb_labelled", "yelp_labelled"):
        path = DATA / "uci_sentiment" / f"{name}.txt"
        lines = path.read_text(encoding="utf-8").splitlines()
        out += [line.rsplit("\t", 1)[0].strip() for line in lines if line.strip()]
    return out


def sms() -> list[str]:
    lines = (DATA / "sms_spam" / "SMSSpamCollection").read_text(encoding="utf-8")
    return [line.split("\t", 1)[1] for line in lines.splitlines() if line]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"The text corpora are not here: {DATA}", file=sys.stderr)
        return 1
    import torch

    from sklearn_rnn import RNNLanguageModel, SequenceVectorizer

    torch.set_num_threads(args.threads)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    print(
        "\n| corpus | mode | bptt | steps an epoch | fit (s) | held out nats/symbol |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, load, unit in [
        ("sentences", sentences, "word"),
        ("sentences", sentences, "char"),
        ("SMS", sms, "char"),
    ]:
        texts = load()
        order = np.random.default_rng(0).permutation(len(texts))
        texts = [texts[i] for i in order]
        cut = int(0.9 * len(texts))
        train, test = texts[:cut], texts[cut:]
        common = dict(
            unit=unit,
            hidden_size=args.hidden_size,
            max_iter=args.epochs,
            early_stopping=False,
            random_state=0,
            n_jobs=args.threads,
        )
        if unit == "word":
            pattern = RNNLanguageModel().token_pattern
            analyze = SequenceVectorizer(lowercase=False, token_pattern=pattern)
            analyze = analyze.build_analyzer()
        else:
            analyze = list
        # Steps of the mean text: its symbols and its end.
        mean = round(float(np.mean([len(analyze(t)) + 1 for t in train])))
        for mode, bptt in [("sentence", None), ("stream", mean), ("stream", 100)]:
            model = RNNLanguageModel(mode=mode, bptt=bptt or 100, **common)
            start = time.perf_counter()
            model.fit(train)
            elapsed = time.perf_counter() - start
            steps = model.net_.history[-1, "train_batch_count"]
            print(
                f"| {name} ({unit}) | {mode} | {bptt or '-'} | {steps} | "
                f"{elapsed:.0f} | {-model.score(test):.3f} |",
                flush=True,
            )
    print(f"\n({args.epochs} epochs each, hidden_size={args.hidden_size}, LSTM)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
