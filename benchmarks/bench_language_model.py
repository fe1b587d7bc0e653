"""Character-level language modelling of Shakespeare: RNNLanguageModel against a
smoothed character n-gram model, in a fixed training-time budget.

The corpus is ``../shared/data/language_modeling/tinyshakespeare/input.txt`` (1.1M
characters, the char-rnn and nanoGPT corpus); the last 10% of it is the held-out
text, as nanoGPT holds it out. Both models are scored on it in nats and bits per
character (the recurrent model reads it as one text, from its start):

* an interpolated Kneser-Ney character n-gram model (Chen & Goodman 1999;
  absolute discounts per order from the count-of-counts), fitted here with numpy
  and collections;
* :class:`sklearn_rnn.RNNLanguageModel` in stream mode (truncated
  back-propagation through time over windows of ``--bptt`` characters), trained
  for ``--minutes`` of wall-clock time, the learning rate's warmup and cosine
  decay spread over that time (a callback), so that the schedule ends with the
  budget however the machine's load changes.

Published for reference: nanoGPT's 6-layer character transformer reaches a
validation loss of about 1.47 nats per character (on a GPU).

Measured (the defaults below: LSTM, hidden_size=512, one layer, bptt=100, 32 rows,
lr=3e-3; 2-core CPU shared with other jobs, load average 3 to 5): the 5-gram
model 1.579 nats/char (2.278 bits), the recurrent model 1.455 (2.099 bits) after
15 minutes on one thread (7.5 epochs), 1.467 on two threads (9.5 epochs: faster
epochs while the machine was idle, a collapse when other jobs started). See
docs/language_models.md.

Run (about ``--minutes`` plus two minutes)::

    python benchmarks/bench_language_model.py                # 15 minutes, 1 thread
    python benchmarks/bench_language_model.py --minutes 3 --threads 2
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "language_modeling"
    / "tinyshakespeare"
    / "input.txt"
)


# --------------------------------------------------------------------------------------
# Interpolated Kneser-Ney character n-grams
# --------------------------------------------------------------------------------------


class KneserNey:
    """An interpolated Kneser-Ney model of characters, of order ``order``.

    The highest order uses counts, the lower ones continuation counts (the
    number of distinct characters a context follows); each order's discount is
    ``n1 / (n1 + 2 n2)`` of its count-of-counts, and the lowest order is
    interpolated with the uniform distribution over the training characters
    and one unknown character.
    """

    def __init__(self, order: int = 5):
        self.order = order

    def fit(self, text: str) -> KneserNey:
        n = self.order
        self.vocabulary_ = set(text)
        # counts[k][gram]: counts of (k+1)-grams (highest order), or continuation
        # counts N1+(. gram) for lower orders.
        highest = Counter(text[i : i + n] for i in range(len(text) - n + 1))
        counts = {n: highest}
        for k in range(n - 1, 0, -1):
            counts[k] = Counter(gram[1:] for gram in counts[k + 1])
        self.discount_ = {}
        for k, table in counts.items():
            of = Counter(table.values())
            n1, n2 = of.get(1, 0), of.get(2, 0)
            self.discount_[k] = n1 / (n1 + 2 * n2) if n1 + n2 else 0.5
        # Per context (a (k-1)-gram): total count and number of distinct follows.
        self.counts_ = counts
        self.context_total_ = {}
        self.context_types_ = {}
        for k, table in counts.items():
            total, types = defaultdict(int), defaultdict(int)
            for gram, c in table.items():
                total[gram[:-1]] += c
                types[gram[:-1]] += 1
            self.context_total_[k] = total
            self.context_types_[k] = types
        return self

    def probability(self, history: str, char: str) -> float:
        """``p(char | history)``, the history cut to ``order - 1`` characters."""
        p = 1.0 / (len(self.vocabulary_) + 1)  # uniform, with one unknown
        history = history[-(self.order - 1) :] if self.order > 1 else ""
        for k in range(1, self.order + 1):
            if k - 1 > len(history):
                break
            context = history[len(history) - (k - 1) :] if k > 1 else ""
            total = self.context_total_[k].get(context, 0)
            if not total:
                continue  # an unseen context: the lower order's estimate stands
            d = self.discount_[k]
            count = self.counts_[k].get(context + char, 0)
            backoff = d * self.context_types_[k][context] / total
            p = max(count - d, 0.0) / total + backoff * p
        return p

    def nats_per_char(self, text: str) -> float:
        """Mean ``-log p`` of every character of ``text`` given those before it."""
        n = self.order
        total = 0.0
        for i, char in enumerate(text):
            total -= math.log(self.probability(text[max(0, i - n + 1) : i], char))
        return total / len(text)


# --------------------------------------------------------------------------------------
# The recurrent model in a time budget
# --------------------------------------------------------------------------------------


def model_settings(args) -> dict:
    return dict(
        unit="char",
        mode="stream",
        cell=args.cell,
        hidden_size=args.hidden_size,
        num_layers=args.num_layers,
        embedding_dim=args.embedding_dim,
        dropout=args.dropout,
        bptt=args.bptt,
        batch_size=args.batch_size,
        lr=args.lr,
        tie_weights=args.tie_weights,
        early_stopping=False,
        random_state=0,
        device="cpu",
        n_jobs=args.threads,
    )


def time_budget(seconds: float, lr: float):
    """A skorch callback that trains for ``seconds`` of wall-clock time: the
    learning rate of every step follows the library's warmup and cosine schedule
    over the budget's time instead of its steps (warmup over the first 2%, then
    down to 0 at the budget), and training ends when the budget is spent.

    However the machine's load changes during the run, the schedule ends at the
    budget, which a number of epochs estimated at the start cannot promise.
    """
    from skorch.callbacks import Callback

    class TimeBudget(Callback):
        def on_train_begin(self, net, **kwargs):
            self.start_ = time.perf_counter()

        def on_batch_begin(self, net, training=False, **kwargs):
            if not training:
                return
            progress = (time.perf_counter() - self.start_) / seconds
            if progress >= 1.0:
                raise KeyboardInterrupt  # ends the fit; the weights are kept
            warmup = 0.02
            if progress < warmup:
                factor = progress / warmup
            else:
                factor = 0.5 * (
                    1 + math.cos(math.pi * (progress - warmup) / (1 - warmup))
                )
            for group in net.optimizer_.param_groups:
                group["lr"] = lr * max(factor, 1e-3)

    return TimeBudget()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--hidden-size", type=int, default=512)
    parser.add_argument("--num-layers", type=int, default=1)
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--bptt", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--tie-weights", action="store_true")
    parser.add_argument("--order", type=int, default=5, help="of the n-gram model")
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args(argv)

    if not CORPUS.is_file():
        print(
            f"The corpus is not here: {CORPUS}\n"
            "This benchmark reads tinyshakespeare/input.txt from ../shared/data "
            "beside the project root.",
            file=sys.stderr,
        )
        return 1
    import torch

    from sklearn_rnn import RNNLanguageModel

    torch.set_num_threads(args.threads)
    text = CORPUS.read_text(encoding="utf-8")
    cut = int(0.9 * len(text))
    train, test = text[:cut], text[cut:]
    print(
        f"tinyshakespeare: {len(train):,} training characters, {len(test):,} "
        f"held out (the last 10%); {len(set(text))} distinct characters"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()}")

    start = time.perf_counter()
    ngram = KneserNey(args.order).fit(train)
    ngram_nats = ngram.nats_per_char(test)
    print(
        f"\n{args.order}-gram interpolated Kneser-Ney: {ngram_nats:.3f} nats/char "
        f"({ngram_nats / math.log(2):.3f} bits/char), fitted and scored in "
        f"{time.perf_counter() - start:.0f} s"
    )

    settings = model_settings(args)
    budget = 60 * args.minutes
    print(
        f"\nRNNLanguageModel({', '.join(f'{k}={v!r}' for k, v in settings.items())})"
        f"\ntrained for {args.minutes:g} minutes: warmup and cosine schedule over "
        "the time (not a number of epochs)"
    )
    model = RNNLanguageModel(
        **settings,
        max_iter=1000,
        lr_schedule="constant",
        verbose=1,
        callbacks=[("time_budget", time_budget(budget, args.lr))],
    )
    start = time.perf_counter()
    model.fit([train])
    train_time = time.perf_counter() - start
    start = time.perf_counter()
    nats = -model.score([test])
    score_time = time.perf_counter() - start
    print(
        f"\ntrained {model.n_iter_} whole epochs (and part of one) in "
        f"{train_time / 60:.1f} min "
        f"(load average now {os.getloadavg()[0]:.2f}); held out scored in "
        f"{score_time:.0f} s"
    )
    print("\n| model | nats/char | bits/char | perplexity |")
    print("| --- | --- | --- | --- |")
    for name, value in [
        (f"{args.order}-gram Kneser-Ney", ngram_nats),
        (f"RNNLanguageModel, {train_time / 60:.1f} min", nats),
    ]:
        print(
            f"| {name} | {value:.3f} | {value / math.log(2):.3f} | "
            f"{math.exp(value):.2f} |"
        )
    print("(the recurrent model's figure includes the prediction of the text's end)")
    for temperature in (0.8, 1.0):
        print(f"\nsamples at temperature {temperature}:")
        for sample in model.sample(
            "ROMEO:\n",
            max_length=300,
            temperature=temperature,
            random_state=0,
            n_samples=args.samples,
        ):
            print(sample.rstrip())
            print("-----")
    return 0


if __name__ == "__main__":
    sys.exit(main())
