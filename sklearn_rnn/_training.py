"""The skorch side: the net that trains a :class:`SequenceNetwork`, its data loader,
seeding and device choice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from skorch import NeuralNet
from torch.utils.data import Dataset

from ._data import Sequences, inference_batches, training_batches

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


class SequenceDataset(Dataset):
    """Sequences and their targets, indexed a whole batch at a time.

    ``dataset[index_array]`` returns ``({"X": values, "lengths": lengths}, y)`` as
    tensors, the values padded to the batch's own longest sequence.
    """

    def __init__(self, sequences: Sequences, y: np.ndarray | None = None):
        self.sequences = sequences
        self.y = None if y is None else torch.from_numpy(y)

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, index):
        index = np.atleast_1d(np.asarray(index))
        X = self.sequences.batch(index)
        return X, (None if self.y is None else self.y[index])


class BatchLoader:
    """Iterates over a :class:`SequenceDataset` one whole batch at a time.

    Used by skorch as ``iterator_train``: skorch builds one per epoch, so a shared
    ``rng`` gives every epoch a fresh, seeded shuffle.
    """

    def __init__(
        self,
        dataset: SequenceDataset,
        batch_size: int,
        shuffle: bool = False,
        rng: np.random.Generator | None = None,
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng

    def __len__(self) -> int:
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self) -> Iterator:
        for index in training_batches(
            len(self.dataset), self.batch_size, shuffle=self.shuffle, rng=self.rng
        ):
            yield self.dataset[index]


def resolve_device(device: str) -> str:
    """The torch device to use for ``device`` ("auto" picks CUDA when available)."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device: {exc}. Use 'cpu', 'cuda', "
            "'cuda:N' or 'auto'."
        ) from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available here. Use "
            "device='cpu' or device='auto', or install a CUDA build of torch."
        )
    try:
        torch.empty(1, device=device)
    except (RuntimeError, AssertionError) as exc:
        raise ValueError(f"device={device!r} cannot be used here: {exc}") from None
    return device


@contextlib.contextmanager
def seeded(seed: int, device: str) -> Iterator[None]:
    """Run the block with torch's RNGs seeded, restoring the global state after."""
    devices = [torch.device(device).index or 0] if device.startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def build_net(
    *,
    module_kwargs: dict,
    criterion: type[torch.nn.Module],
    optimizer: str,
    lr: float,
    max_epochs: int,
    batch_size: int,
    device: str,
    verbose: int,
    rng: np.random.Generator,
) -> NeuralNet:
    """A skorch net with sklearn_rnn's defaults, not skorch's.

    No internal validation split (skorch holds out 20% by default), a seeded shuffle
    every epoch (skorch does not shuffle), and the optimizer the estimator asked for.
    """
    from ._network import SequenceNetwork

    return NeuralNet(
        module=SequenceNetwork,
        **{f"module__{key}": value for key, value in module_kwargs.items()},
        criterion=criterion,
        optimizer=OPTIMIZERS[optimizer],
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        train_split=None,
        iterator_train=BatchLoader,
        iterator_train__shuffle=True,
        iterator_train__rng=rng,
        iterator_valid=BatchLoader,
        device=device,
        verbose=verbose,
    )


def predict_raw(net: NeuralNet, sequences: Sequences, batch_size: int) -> np.ndarray:
    """Module outputs for every sequence, in input order, as float64.

    Batches are length-sorted and padded to whole row blocks (see
    :data:`~sklearn_rnn._data.ROW_BLOCK`), so each row's output is independent of the
    others, and memory is bounded by one batch.
    """
    out = None
    for index, n_rows in inference_batches(sequences.lengths, batch_size):
        batch = sequences.batch(index, n_rows=n_rows)
        with torch.no_grad():
            result = net.evaluation_step((batch, None), training=False)
        result = result[: len(index)].float().cpu().numpy()
        if out is None:
            out = np.empty((len(sequences), result.shape[1]), dtype=np.float64)
        out[index] = result
    return out
