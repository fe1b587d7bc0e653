"""The skorch side: the net that trains a :class:`SequenceNetwork`, its data loader,
seeding and device choice.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from copy import deepcopy

import numpy as np
import torch
from joblib import cpu_count
from joblib.parallel import get_active_backend
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    LRScheduler,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator, to_tensor
from torch.utils.data import Dataset

from ._data import (
    Sequences,
    decoder_inputs,
    inference_batches,
    training_batches,
    valid_target_steps,
)
from ._placement import cuda_device

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
LR_SCHEDULES = ("cosine", "constant", "plateau")

#: The cosine schedule warms the learning rate up linearly over this share of its
#: steps first.
WARMUP_FRACTION = 0.1

#: The plateau rule counts no misses until the monitored loss has fallen below this
#: share of the constant predictor's loss: a fit still on its starting plateau (the
#: loss at ln(n_classes) for a while, as recurrent networks on long series often
#: are) is not stopped for it.
ARMED_BELOW = 0.9

#: Optimizers with a fused implementation (one kernel per step) on CPU and CUDA.
FUSED_OPTIMIZERS = ("adam", "adamw", "sgd")


class SequenceDataset(Dataset):
    """Sequences, their targets and sample weights, indexed a whole batch at a time.

    ``dataset[index_array]`` returns ``({"X": values, "lengths": lengths}, y)`` as
    tensors, the values padded to the batch's own longest sequence. With sample
    weights, ``y`` is the pair ``(targets, weights)``.

    With ``per_step``, ``y`` is ``(n, max_len)``, one target per step
    (:data:`~sklearn_rnn._data.IGNORED_STEP` at padding), and so are the weights
    when given; a batch's targets and weights are cut to its width.
    """

    def __init__(
        self,
        sequences: Sequences,
        y: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
        per_step: bool = False,
    ):
        self.sequences = sequences
        self.per_step = per_step
        weight = (
            None if sample_weight is None else np.asarray(sample_weight, np.float32)
        )
        # Batches index the numpy arrays (several times faster than indexing a
        # tensor with an index array); the tensors share their memory.
        self._y, self._weight = y, weight
        self.y = None if y is None else torch.from_numpy(y)
        self.sample_weight = None if weight is None else torch.from_numpy(weight)

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, index):
        if not isinstance(index, np.ndarray) or index.ndim != 1:
            index = np.atleast_1d(np.asarray(index))
        X = self.sequences.batch(index)
        if self._y is None:
            return X, None
        y, weight = self._y[index], self._weight
        if self.per_step:  # cut to the batch's width
            width = self._step_width(X, y)
            y = np.ascontiguousarray(y[:, :width])
        if weight is None:
            return X, torch.from_numpy(y)
        weight = weight[index]
        if self.per_step:
            weight = np.ascontiguousarray(weight[:, :width])
        return X, (torch.from_numpy(y), torch.from_numpy(weight))

    def _step_width(self, X: dict, y: np.ndarray) -> int:
        """The width per-step targets are cut to: the batch's input width."""
        return X["X"].shape[1]

    def take(self, index: np.ndarray) -> SequenceDataset:
        """The part of the data set at ``index`` (e.g. a validation split)."""
        return SequenceDataset(
            self.sequences.take(index),
            None if self.y is None else self.y[index].numpy(),
            None if self.sample_weight is None else self.sample_weight[index].numpy(),
            per_step=self.per_step,
        )


class TeacherForcedDataset(SequenceDataset):
    """Input sequences and output sequences, for an encoder-decoder.

    ``y`` is ``(n, max_out)``: each output's ids, its end symbol included, padded
    with :data:`~sklearn_rnn._data.IGNORED_STEP`; sample weights are per step
    alike. A batch's targets are cut to its own longest output, and its input
    dict gets ``"targets"``, the decoder's input under teacher forcing (see
    :func:`~sklearn_rnn._data.decoder_inputs`).
    """

    def __init__(self, sequences, y=None, sample_weight=None):
        super().__init__(sequences, y, sample_weight, per_step=True)

    def _step_width(self, X, y):
        return max(int(valid_target_steps(y).sum(axis=1).max(initial=0)), 1)

    def __getitem__(self, index):
        X, target = super().__getitem__(index)
        if target is not None:
            y = target[0] if isinstance(target, tuple) else target
            X["targets"] = torch.from_numpy(decoder_inputs(y.numpy()))
        return X, target

    def take(self, index: np.ndarray) -> TeacherForcedDataset:
        return TeacherForcedDataset(
            self.sequences.take(index),
            None if self.y is None else self.y[index].numpy(),
            None if self.sample_weight is None else self.sample_weight[index].numpy(),
        )


class BatchLoader:
    """Iterates over a :class:`SequenceDataset` one whole batch at a time.

    Used by skorch as ``iterator_train``: skorch builds one per epoch, so a shared
    ``rng`` gives every epoch a fresh, seeded shuffle. A data set that cuts its own
    batches (a ``batches()`` method, e.g. the language model's stream, read in
    order) is iterated as it says.
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
        own_batches = getattr(self.dataset, "batches", None)
        if own_batches is not None:
            yield from own_batches()
            return
        for index in training_batches(
            self.dataset.sequences.lengths,
            self.batch_size,
            shuffle=self.shuffle,
            rng=self.rng,
        ):
            yield self.dataset[index]


def resolve_device(device: str) -> str:
    """The torch device to use for ``device`` ("auto" picks CUDA when available).

    "cuda" (and "auto" on a CUDA machine) is placed per worker: the ``i``-th worker
    process of a parallel run on ``k`` GPUs trains on ``cuda:{i % k}`` (see
    :mod:`sklearn_rnn._placement`).
    """
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
        return cuda_device() if device == "cuda" else device
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device: {exc}. Use 'cpu', 'cuda', "
            "'cuda:N' or 'auto'."
        ) from None
    if kind == "meta":
        raise ValueError(
            "device='meta' holds shapes but no data, so nothing can be trained or "
            "predicted on it. Use 'cpu', 'cuda', 'cuda:N' or 'auto'."
        )
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available here. Use "
            "device='cpu' or device='auto', or install a CUDA build of torch."
        )
    if device == "cuda":
        device = cuda_device()
    try:
        torch.empty(1, device=device)
    except (RuntimeError, AssertionError) as exc:
        raise ValueError(f"device={device!r} cannot be used here: {exc}") from None
    return device


def derived_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent seeds from one ``seed``: a fit's streams are, in this
    order, the initialisation, the shuffles and dropout."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n, np.uint64)]


def resolve_n_jobs(n_jobs: int | None) -> int:
    """The number of torch threads for ``n_jobs``, with scikit-learn's meaning:
    None is 1 (unless inside a ``joblib.parallel_config(n_jobs=...)`` context), -1
    all the CPUs this process may use, -2 all but one, and so on."""
    if n_jobs is None:
        # Only an n_jobs the user set in a parallel_config context counts: a
        # backend's own default (joblib's Dask backend runs every task inside
        # parallel_config(backend="dask"), whose effective_n_jobs(None) is the
        # whole cluster's thread count) is no thread count for this process.
        _, n_jobs = get_active_backend()
        if n_jobs is None:
            return 1
    if n_jobs == 0:
        raise ValueError(
            "n_jobs=0 asks for no threads at all. Pass None or 1 for one thread, "
            "k > 1 for k threads, or -1 for all CPUs."
        )
    if n_jobs < 0:  # the CPUs of this process, whatever the joblib backend
        return max(1, cpu_count() + 1 + int(n_jobs))
    return int(n_jobs)


@contextlib.contextmanager
def torch_threads(n_threads: int) -> Iterator[None]:
    """Run the block with torch's intra-op thread pool at ``n_threads``, restoring
    the caller's setting after (nothing is changed when it is already that)."""
    previous = torch.get_num_threads()
    if previous == n_threads:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


#: Bytes that training holds per parameter: float32 weights, their gradients, and
#: (for the Adam variants, the default) two moment estimates.
_TRAINING_BYTES_PER_PARAMETER = 16


def device_memory(device: str) -> int | None:
    """Total memory of ``device`` in bytes (physical RAM for the CPU), or None
    where it cannot be read."""
    if torch.device(device).type == "cuda":
        return torch.cuda.get_device_properties(torch.device(device)).total_memory
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system
        return None


def check_network_fits(
    module: type[torch.nn.Module], module_kwargs: dict, device: str
) -> None:
    """Refuse, before any allocation, a ``module(**module_kwargs)`` whose training
    state cannot fit in the device's memory (a ValueError naming the parameters
    that make it big), instead of torch's allocator error or the process being
    killed."""
    with torch.device("meta"):  # shapes only: nothing is allocated or drawn
        module = module(**module_kwargs)
    parts = {
        name: sum(p.numel() for p in child.parameters())
        for name, child in module.encoder.named_children()
    }
    parts["head"] = sum(p.numel() for p in module.head.parameters())
    total = sum(parts.values())
    needed = total * _TRAINING_BYTES_PER_PARAMETER
    available = device_memory(device)
    if available is None or needed <= available:
        return
    largest = max(parts, key=parts.get)
    kw = module_kwargs
    if largest == "embedding":
        what = (
            f"the embedding table ({kw['vocab_size']:,} token ids x "
            f"embedding_dim={kw['embedding_dim']})"
        )
    elif largest == "front_end":
        what = f"the convolutional front end (conv_filters={kw['conv_filters']})"
    elif largest == "head":
        what = "the output layer"
    else:
        width = module.encoder.forward_layers[0].input_size
        from_embedding = kw["vocab_size"] and not kw["conv_filters"]
        what = (
            f"the recurrent layers (hidden_size={kw['hidden_size']}, num_layers="
            f"{kw['num_layers']}, bidirectional={kw['bidirectional']}, on inputs of "
            f"width {width:,}" + (" = embedding_dim" if from_embedding else "") + ")"
        )
    raise ValueError(
        f"The network would have {total:,} parameters, about {needed / 2**30:.1f} "
        f"GiB to train (weights, gradients and optimizer state), more than the "
        f"{available / 2**30:.1f} GiB of memory of device {device!r}. Most of it "
        f"({parts[largest]:,} parameters) is {what}. Use smaller "
        "settings"
        + (
            "; token ids should be numbered 0..V-1 (e.g. by SequenceVectorizer), as "
            "the table has a row for every id up to the largest."
            if largest == "embedding"
            else "."
        )
    )


@contextlib.contextmanager
def out_of_memory_explained(device: str, action: str) -> Iterator[None]:
    """Turn torch's allocator failures inside the block into a MemoryError that
    says what to change (``action``: "training" or "prediction")."""
    try:
        yield
    except RuntimeError as exc:
        message = str(exc)
        if not (
            isinstance(exc, torch.OutOfMemoryError)
            or "can't allocate memory" in message
            or "not enough memory" in message
        ):
            raise
        raise MemoryError(
            f"{action.capitalize()} ran out of memory on device {device!r} "
            f"({message.strip().splitlines()[-1][:200]}). The memory a batch needs "
            "grows with batch_size, the longest sequence in it and hidden_size: "
            "lower them (e.g. cap the length with SequenceVectorizer(max_length=...)"
            " or by cutting long series into windows)."
        ) from exc


#: A denormal double and a one, as module globals so that the probe's product is
#: computed when called (a product of two literals is folded when compiled).
_DENORMAL, _ONE = 1e-310, 1.0


def _flushing_denormals() -> bool:
    """Whether this thread flushes denormal floats to zero (probed by a product).

    The product of two Python floats runs on the same floating-point unit, under the
    same per-thread mode, as torch's CPU kernels (on x86 the MXCSR flags that
    ``torch.set_flush_denormal`` sets apply to single and double precision alike),
    without the cost of making a tensor (~10 us per prediction).
    """
    return _DENORMAL * _ONE == 0.0


@contextlib.contextmanager
def flush_denormals() -> Iterator[None]:
    """Run the block with denormal floats flushed to zero, as TensorFlow's CPU
    kernels always do; the caller's mode is restored after.

    Gradients that fade through long sequences fall below float32's smallest normal
    number (1.2e-38), where x86 arithmetic is about a hundred times slower: on one
    core, the LSTM(64) backward pass over 64 sequences of 200 steps took 600 ms with
    denormals and 41 ms without. Values that small change no float32 sum they are
    added to, so flushing them changes training and predictions by nothing measurable.

    The mode is a CPU register of each thread: it is set for the calling thread,
    which does all of the work with one torch thread; work that torch hands to its
    other intra-op threads keeps torch's default.
    """
    if _flushing_denormals():
        yield
        return
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


class SequenceNet(NeuralNet):
    """skorch's ``NeuralNet`` with what recurrent networks on sequences need.

    * a loss that honours sample weights, normalised as ``sum(w * loss) / sum(w)``
      within each batch, so scaling all weights changes nothing;
    * gradient clipping by global norm after the backward pass (``clip_grad_norm``);
    * mixed precision on CUDA (``mixed_precision``): float16 autocast with a gradient
      scaler, the gradients unscaled before clipping;
    * random numbers owned by the fit (``seed``): the module's dropout draws from a
      generator seeded for each call of ``fit``/``partial_fit``, never from torch's
      global one, so fits running in threads at once cannot take each other's;
    * data-parallel training (``data_parallel``, a
      :class:`~sklearn_rnn._distributed.DataParallel` group): the training forward
      pass runs through ``DistributedDataParallel``, which averages the gradients
      of every step across the processes, and the recorded training loss is the
      mean over all processes' batches.

    The criterion must be built with ``reduction="none"``.
    """

    def __init__(
        self,
        *args,
        clip_grad_norm=None,
        mixed_precision=False,
        seed=None,
        data_parallel=None,
        embedding_init=None,
        encoder_init=None,
        lr_scales=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.clip_grad_norm = clip_grad_norm
        self.mixed_precision = mixed_precision
        self.seed = seed
        self.data_parallel = data_parallel
        self.embedding_init = embedding_init
        self.encoder_init = encoder_init
        self.lr_scales = lr_scales

    def initialize_module(self):
        """skorch's, then the first rows of the token embedding set to
        ``embedding_init`` (pretrained vectors), or the encoder loaded from
        ``encoder_init`` (a :class:`~sklearn_rnn._transfer.PretrainedEncoder`),
        when given."""
        super().initialize_module()
        if self.embedding_init is not None:
            weight = self.module_.encoder.embedding.weight
            init = torch.as_tensor(self.embedding_init, dtype=weight.dtype)
            with torch.no_grad():
                weight[: len(init)] = init.to(weight.device)
        if self.encoder_init is not None:
            self.encoder_init.load_into(self.module_.encoder)
        return self

    def get_params_for_optimizer(self, prefix, named_parameters):
        """skorch's, with the parameters of ``lr_scales`` (``name -> share of
        lr``, discriminative fine-tuning) in one group per share, each group
        remembering its share as ``lr_scale``."""
        scales = self.lr_scales or {}
        if prefix != "optimizer" or not scales:
            return super().get_params_for_optimizer(prefix, named_parameters)
        kwargs = self.get_params_for(prefix)
        groups: dict[float, list] = {}
        for name, param in named_parameters:
            groups.setdefault(scales.get(name, 1.0), []).append(param)
        lr = kwargs.get("lr", self.lr)
        param_groups = [
            {"params": params, "lr": lr * scale, "lr_scale": scale}
            for scale, params in sorted(groups.items(), reverse=True)
        ]
        return (param_groups,), kwargs

    def trainable_changed(self) -> None:
        """Parameters were frozen or unfrozen: a data-parallel wrapper, which
        knows the trainable parameters from its construction, is built anew."""
        if "_ddp_module" in self.__dict__:
            self.__dict__["_ddp_module"] = _data_parallel_module(
                self.module_, self.device
            )

    def get_default_callbacks(self):
        # skorch's PrintLog colours the best values with ANSI codes even in a file.
        return [
            (name, TerminalPrintLog() if name == "print_log" else callback)
            for name, callback in super().get_default_callbacks()
        ]

    def _amp_enabled(self) -> bool:
        return bool(self.mixed_precision) and str(self.device).startswith("cuda")

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if isinstance(y_true, (tuple, list)):
            target, weight = y_true
        else:
            target, weight = y_true, None
        if y_pred.ndim == 3:
            return self._per_step_loss(y_pred, target, weight)
        loss = self.criterion_(y_pred.float(), to_tensor(target, device=self.device))
        if loss.ndim > 1:  # one loss per output (multi-output regression)
            loss = loss.mean(dim=tuple(range(1, loss.ndim)))
        if weight is None:
            return loss.mean()
        weight = to_tensor(weight, device=self.device).to(loss.dtype)
        return (loss * weight).sum() / weight.sum().clamp_min(1e-12)

    def _per_step_loss(self, y_pred, target, weight):
        """The mean loss over the valid steps of a batch (each weighted by its
        weight, when given): ``(n, t, n_classes)`` outputs, ``(n, t)`` targets
        holding ``IGNORED_STEP`` at padding, which adds nothing (or numeric
        ``(n, t, c + 1)`` targets, NaN at padding, for which the criterion gives
        0)."""
        target = to_tensor(target, device=self.device)
        n, t = target.shape[:2]
        target = target.reshape(n * t, *target.shape[2:])
        loss = self.criterion_(y_pred.float().reshape(n * t, -1), target)
        valid = valid_target_steps(target)
        if weight is None:
            return loss.sum() / valid.sum().clamp_min(1)
        weight = to_tensor(weight, device=self.device).reshape(-1).to(loss.dtype)
        return (loss * weight).sum() / weight.sum().clamp_min(1e-12)

    def fit_loop(self, *args, **kwargs):
        # skorch swallows the KeyboardInterrupt that ends training early (Ctrl-C, the
        # stopping rule, a user's callback); remember that it happened.
        self.interrupted_ = False
        encoder = self.module_.encoder
        parallel = self.data_parallel
        if self.seed is not None:
            *_, dropout_seed = derived_seeds(self.seed, 3)
            if parallel is not None:  # each process its own dropout masks
                dropout_seed += parallel.rank
            encoder.generator = torch.Generator(device=self.device)
            encoder.generator.manual_seed(dropout_seed)
        if parallel is not None:
            # (Past skorch's __setattr__, which keeps modules to its initializers.)
            self.__dict__["_ddp_module"] = _data_parallel_module(
                self.module_, self.device
            )
        try:
            return super().fit_loop(*args, **kwargs)
        except KeyboardInterrupt:
            self.interrupted_ = True
            raise
        finally:
            encoder.generator = None  # a generator is no part of the fitted model
            self.__dict__.pop("_ddp_module", None)  # nor is the process group

    def notify(self, method_name, **cb_kwargs):
        """Call ``method_name`` on the net and on every callback.

        Unlike skorch's, a callback that stops training at the end of an epoch (by
        raising ``KeyboardInterrupt``: the stopping rule, or a user's callback) does
        not hide that epoch from the callbacks after it: they all see its end (its
        progress line is printed, user callbacks run), then training stops.
        """
        if method_name != "on_epoch_end":
            super().notify(method_name, **cb_kwargs)
            return
        getattr(self, method_name)(self, **cb_kwargs)
        interrupt = None
        for _, cb in self.callbacks_:
            try:
                getattr(cb, method_name)(self, **cb_kwargs)
            except KeyboardInterrupt as exc:
                interrupt = interrupt or exc
        if interrupt is not None:
            raise interrupt

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """skorch's epoch loop, reading a batch's size from its ``lengths``.

        skorch asks every tensor of the batch for its length and requires one
        value; the character input of a batch holds one row per distinct word,
        not per sequence.
        """
        if iterator is None:
            return
        batch_count = 0
        parallel = self.data_parallel
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            loss, size = step["loss"].item(), len(batch[0]["lengths"])
            if parallel is not None and training:  # over all processes' batches
                loss, size = parallel.mean_loss(loss, size)
            elif parallel is not None:
                # Every process scored this same validation batch with the same
                # weights: one value for all, so that the stopping rule, which
                # reads it, decides the same in every process.
                loss = parallel.agreed(loss)
            self.history.record_batch(prefix + "_loss", loss)
            self.history.record_batch(prefix + "_batch_size", size)
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(prefix + "_batch_count", batch_count)

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        self.optimizer_.zero_grad(set_to_none=True)
        amp = self._amp_enabled()
        # A disabled autocast context costs as much as a small layer: enter it only
        # for mixed precision.
        autocast = (
            torch.autocast("cuda", dtype=torch.float16)
            if amp
            else contextlib.nullcontext()
        )
        with autocast:
            y_pred = self._training_forward(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        if amp:
            if getattr(self, "grad_scaler_", None) is None:
                self.grad_scaler_ = torch.amp.GradScaler("cuda")
            self.grad_scaler_.scale(loss).backward()
            self.grad_scaler_.unscale_(self.optimizer_)
        else:
            loss.backward()
        if self._overridden("on_grad_computed"):
            self.notify(
                "on_grad_computed",
                named_parameters=TeeGenerator(self.get_all_learnable_params()),
                batch=batch,
            )
        if self.clip_grad_norm is not None:
            clip_grad_norm(self.module_.parameters(), self.clip_grad_norm)
        if amp:
            self.grad_scaler_.step(self.optimizer_)
            self.grad_scaler_.update()
        else:
            self.optimizer_.step()
        return {"loss": loss, "y_pred": y_pred}

    def _training_forward(self, Xi, **fit_params):
        """The module's outputs for a training batch: through the
        ``DistributedDataParallel`` wrapper in a data-parallel fit (its backward
        pass averages the gradients across the processes)."""
        ddp = self.__dict__.get("_ddp_module")
        if ddp is None:
            return self.infer(Xi, **fit_params)
        x = to_tensor(Xi, device=self.device)
        return ddp(**self._merge_x_and_fit_params(x, fit_params))

    def _set_training(self, training=True):
        # skorch sets the mode of every module at every batch; setting an
        # attribute of a torch module is slow, so only modules in another mode are
        # set (the same modes result).
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and any(
                m.training != training for m in module.modules()
            ):
                module.train(training)

    def _overridden(self, method_name: str) -> bool:
        """Whether the net or a callback does anything on ``method_name`` (skorch's
        base classes do nothing on any event)."""
        noop = getattr(Callback, method_name)
        hooks = [getattr(self, method_name)]
        hooks += [getattr(cb, method_name, noop) for _, cb in self.callbacks_]
        return any(
            getattr(hook, "__func__", hook)
            not in (noop, getattr(NeuralNet, method_name))
            for hook in hooks
        )


def move_net(net: NeuralNet, device: str) -> None:
    """Move a fitted net (its module, loss and optimizer state) to ``device``."""
    if str(net.device) == device:
        return
    net.module_.to(device)
    net.criterion_.to(device)
    net.device = device
    # Loading an optimizer's state casts it to the device of its parameters.
    net.optimizer_.load_state_dict(net.optimizer_.state_dict())


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set ``lr`` as the optimizer's learning rate: each parameter group's share
    of it (``lr_scale``, discriminative fine-tuning; 1 when not set)."""
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("lr_scale", 1.0)


def _data_parallel_module(module: torch.nn.Module, device) -> torch.nn.Module:
    """``module`` in ``DistributedDataParallel``, which shares its parameters.

    Buffers are not broadcast at every forward pass: the network's buffers (the
    training set's input statistics) are constants, the same in every process.
    """
    from torch.nn.parallel import DistributedDataParallel

    device = torch.device(device)
    device_ids = None  # the module's own device (CPU)
    if device.type == "cuda":
        index = torch.cuda.current_device() if device.index is None else device.index
        device_ids = [index]
    return DistributedDataParallel(
        module, device_ids=device_ids, forward_sync_buffers=False
    )


def clip_grad_norm(parameters, max_norm: float) -> None:
    """``torch.nn.utils.clip_grad_norm_(parameters, max_norm)``, the same gradients.

    On the CPU, the gradients are rescaled only when their norm exceeds
    ``max_norm``: torch multiplies them by ``min(max_norm / (norm + 1e-6), 1)``
    always, a pass over every gradient (the dense gradient of an
    Embedding(15000, 64) is 3.8 MB) that leaves them as they are when the factor is
    1. Knowing the factor takes reading the norm, which on CUDA would wait for the
    device; there torch's function is used as it is.
    """
    parameters = list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return
    if any(
        g.device.type != "cpu" or g.is_sparse or g.dtype != grads[0].dtype
        for g in grads
    ):
        torch.nn.utils.clip_grad_norm_(parameters, max_norm)
        return
    # What torch computes on the CPU (per-tensor norms, then their norm) ...
    norms = torch._foreach_norm(grads, 2.0)
    total = torch.linalg.vector_norm(torch.stack(norms), 2.0)
    factor = torch.clamp(float(max_norm) / (total + 1e-6), max=1.0)
    # ... and the rescale, unless by exactly 1 (a NaN norm rescales, as in torch).
    if not factor.item() == 1.0:
        torch._foreach_mul_(grads, factor)


class WarmupCosine(Callback):
    """The learning rate of every optimizer step: a linear warmup over the first
    :data:`WARMUP_FRACTION` of ``total_steps`` (step ``i`` of ``w`` at
    ``lr * (i + 1) / w``), then a cosine decay to 0 at ``total_steps`` (Loshchilov &
    Hutter 2017, with the warmup of Goyal et al. 2017).

    Counting steps, not epochs, makes one schedule serve a data set of 36 series (a
    few steps an epoch) and one of 100,000 alike. The learning rate ``lr`` is
    restored at the end of training, for a later ``partial_fit``.
    """

    def __init__(self, lr: float, total_steps: int):
        self.lr = lr
        self.total_steps = total_steps

    def initialize(self):
        self.step_ = 0
        return self

    def factor(self, step: int) -> float:
        """The learning rate of step ``step`` (0-based) as a share of ``lr``."""
        total = max(self.total_steps, 1)
        warmup = max(1, round(WARMUP_FRACTION * total))
        if step < warmup:
            return (step + 1) / warmup
        progress = min((step - warmup) / max(total - warmup, 1), 1.0)
        return 0.5 * (1.0 + np.cos(np.pi * progress))

    def _set(self, net, lr: float) -> None:
        set_learning_rate(net.optimizer_, lr)

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self._set(net, self.lr * self.factor(self.step_))
            self.step_ += 1

    def on_train_end(self, net, **kwargs):
        self._set(net, self.lr)


class StopOnPlateau(EarlyStopping):
    """skorch's ``EarlyStopping`` with the rule of scikit-learn's MLP, armed only
    once the fit has left its starting plateau.

    An epoch is a miss unless the monitored loss beats the lowest so far by more than
    ``threshold``; training stops after ``patience`` misses in a row. With a
    ``baseline`` (the loss of the best constant prediction), misses are counted only
    after the monitored loss has once fallen below ``ARMED_BELOW * baseline``, except
    that a non-finite loss is always a miss. The
    weights
    kept for ``load_best`` are those of the lowest loss however small its
    improvement (skorch's keep only improvements by more than the threshold, so the
    model restored could be worse than the best epoch). The stopping message comes
    after the last epoch's progress line.
    """

    def __init__(
        self,
        monitor="valid_loss",
        patience=5,
        threshold=1e-4,
        threshold_mode="rel",
        lower_is_better=True,
        sink=print,
        load_best=False,
        baseline=None,
    ):
        super().__init__(
            monitor=monitor,
            patience=patience,
            threshold=threshold,
            threshold_mode=threshold_mode,
            lower_is_better=lower_is_better,
            sink=sink,
            load_best=load_best,
        )
        self.baseline = baseline

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_score_ = np.inf
        self.stopped_ = False
        self.armed_ = self.baseline is None

    def on_epoch_end(self, net, **kwargs):
        current = net.history[-1, self.monitor]
        if not self.armed_ and current < ARMED_BELOW * self.baseline:
            self.armed_ = True
        if not current <= self.best_score_ - self.threshold:
            # A NaN or infinite loss (a diverged fit) is a miss, armed or not.
            self.misses_ += int(self.armed_ or not np.isfinite(current))
        else:
            self.misses_ = 0
        if current < self.best_score_:
            self.best_score_ = current
            self.best_epoch_ = net.history[-1, "epoch"]
            if self.load_best:
                self.best_model_weights_ = deepcopy(net.module_.state_dict())
        if self.misses_ == self.patience:
            self.stopped_ = True
            raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        if self.stopped_:
            self._sink(
                f"Stopping since {self.monitor} has not improved by {self.threshold} "
                f"in the last {self.patience} epochs.",
                verbose=net.verbose,
            )
        super().on_train_end(net, **kwargs)


class ValidationScore(Callback):
    """Records ``valid_score`` (accuracy or R^2) on the held-out set every epoch.

    It reads the outputs of the validation pass skorch already makes for the
    validation loss, so the held-out set is run through the network once per epoch.
    ``score(raw_outputs, targets)`` computes the score; with per-step outputs, on
    the valid steps of all sequences, as rows.
    """

    def __init__(self, score):
        self.score = score

    def on_epoch_begin(self, net, **kwargs):
        self.outputs_, self.targets_ = [], []

    def on_batch_end(self, net, batch, training, y_pred=None, **kwargs):
        if training:
            return
        _, y = unpack_data(batch)
        target = np.asarray(y[0] if isinstance(y, (tuple, list)) else y)
        outputs = y_pred.detach().float().cpu().numpy()
        if outputs.ndim == 3:  # one output per step: score the valid steps
            valid = valid_target_steps(target)
            outputs, target = outputs[valid], target[valid]
        self.outputs_.append(outputs)
        self.targets_.append(target)

    def on_epoch_end(self, net, **kwargs):
        raw, targets = np.concatenate(self.outputs_), np.concatenate(self.targets_)
        self.outputs_, self.targets_ = [], []
        net.history.record("valid_score", float(self.score(raw, targets)))


class TerminalPrintLog(PrintLog):
    """skorch's per-epoch table (``verbose=1``), coloured only on a terminal.

    skorch colours the best value of each column with ANSI escape codes whatever
    the output; written to a file or a notebook log, they are garbage. Whether
    ``sys.stdout`` is a terminal is asked at every epoch, where the line is printed.
    """

    def initialize(self):
        super().initialize()
        self.colour_ = False
        return self

    def on_epoch_end(self, net, **kwargs):
        isatty = getattr(sys.stdout, "isatty", None)
        self.colour_ = bool(isatty is not None and isatty())
        super().on_epoch_end(net, **kwargs)

    def format_row(self, row, key, color):
        if not self.colour_:
            row = {k: v for k, v in row.items() if k != f"{key}_best"}
        return super().format_row(row, key, color)


def make_callbacks(
    *,
    validation: ValidationScore | None,
    n_iter_no_change: int,
    tol: float,
    lr_schedule: str,
    lr: float,
    total_steps: int,
    baseline: float | None,
    verbose: int,
    extra: list | None,
) -> list:
    """The callbacks of a fit: stopping, schedule, validation score, progress.

    ``total_steps`` is the length of the cosine schedule; ``baseline`` the constant
    predictor's loss that arms the stopping rule.
    """
    monitor = "valid_loss" if validation is not None else "train_loss"
    sink = print if verbose else _silent
    callbacks = []
    if validation is not None:
        callbacks.append(("valid_score", validation))
    # With a validation set: early stopping that restores the best weights. Without:
    # stop once the training loss stalls, as MLPClassifier does.
    callbacks.append(
        (
            "stopping",
            StopOnPlateau(
                monitor=monitor,
                patience=n_iter_no_change,
                threshold=tol,
                threshold_mode="abs",
                load_best=validation is not None,
                sink=sink,
                baseline=baseline,
            ),
        )
    )
    if lr_schedule == "cosine":
        callbacks.append(("lr_schedule", WarmupCosine(lr, total_steps)))
    if lr_schedule == "plateau":
        callbacks.append(
            (
                "lr_schedule",
                LRScheduler(
                    policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                    monitor=monitor,
                    factor=0.2,
                    patience=max(1, n_iter_no_change // 2),
                ),
            )
        )
    if verbose >= 2:
        callbacks.append(("progress", ProgressBar()))
    for i, callback in enumerate(extra or []):
        named = isinstance(callback, tuple)
        if named and not (len(callback) == 2 and isinstance(callback[0], str)):
            raise ValueError(
                f"callbacks: a tuple must be (name, callback); got {callback!r}."
            )
        if not _is_callback(callback[1] if named else callback):
            raise ValueError(
                "callbacks must hold skorch callbacks (skorch.callbacks.Callback "
                f"instances or subclasses) or (name, callback) tuples; got "
                f"{callback!r}."
            )
        callbacks.append(callback if named else (f"user_{i}", callback))
    return callbacks


def _is_callback(obj) -> bool:
    if isinstance(obj, type):
        return issubclass(obj, Callback)
    return isinstance(obj, Callback)


def _silent(*args, **kwargs) -> None:
    """A sink that prints nothing."""


def build_net(
    *,
    module: type[torch.nn.Module],
    module_kwargs: dict,
    criterion: type[torch.nn.Module],
    criterion_kwargs: dict,
    optimizer: str,
    optimizer_kwargs: dict,
    device: str,
    **train_params,
) -> SequenceNet:
    """A skorch net training ``module(**module_kwargs)``, with sklearn_rnn's
    defaults, not skorch's.

    ``train_params`` are the net's settings that may change between fits
    (``max_epochs``, ``batch_size``, ``train_split``, ``callbacks``, ``verbose``,
    ``clip_grad_norm``, ``mixed_precision``, ``seed``: the seed of the fit's
    dropout). skorch's defaults are not inherited: no validation split unless one is
    passed (skorch holds out 20%), a seeded shuffle every epoch (skorch does not
    shuffle), and the optimizer the estimator asked for (skorch's is SGD). Every
    random number comes from generators seeded by ``seed``: the module's
    initialisation, the shuffles and dropout (see :func:`derived_seeds`).
    """
    init_seed, shuffle_seed, _ = derived_seeds(train_params["seed"], 3)
    return SequenceNet(
        module=module,
        module__seed=init_seed,
        **{f"module__{key}": value for key, value in module_kwargs.items()},
        criterion=criterion,
        criterion__reduction="none",
        **{f"criterion__{key}": value for key, value in criterion_kwargs.items()},
        optimizer=OPTIMIZERS[optimizer],
        **{f"optimizer__{key}": value for key, value in optimizer_kwargs.items()},
        iterator_train=BatchLoader,
        iterator_train__shuffle=True,
        iterator_train__rng=np.random.default_rng(shuffle_seed),
        iterator_valid=BatchLoader,
        device=device,
        **train_params,
    )


def _inference_outputs(
    net: NeuralNet, sequences: Sequences, batch_size: int, method: str = "forward"
) -> Iterator[tuple[np.ndarray, np.ndarray | tuple[np.ndarray, ...]]]:
    """``(index, outputs)`` of each prediction batch, the outputs as numpy (float32
    for floating-point outputs): those of the module's ``method``, a tensor or a
    tuple of tensors.

    Batches are length-sorted and padded to whole row blocks (see
    :data:`~sklearn_rnn._data.ROW_BLOCK`), so each row's output is independent of the
    others, and memory is bounded by one batch.
    """
    # What skorch's evaluation_step does (evaluation mode, no autograd, the module on
    # the batch), without its per-batch checks and conversions.
    net._set_training(False)
    module, device = net.module_, net.device
    # The module itself for its forward pass (so that its hooks run).
    call = module if method == "forward" else getattr(module, method)

    def rows(t: torch.Tensor, n: int) -> np.ndarray:
        t = t[:n].cpu()
        return (t.float() if t.is_floating_point() else t).numpy()

    for index, n_rows in inference_batches(sequences.lengths, batch_size):
        batch = sequences.batch(index, n_rows=n_rows)
        with torch.no_grad():
            result = call(**{key: t.to(device) for key, t in batch.items()})
        if isinstance(result, tuple):
            yield index, tuple(rows(t, len(index)) for t in result)
        else:
            yield index, rows(result, len(index))


def predict_raw(net: NeuralNet, sequences: Sequences, batch_size: int) -> np.ndarray:
    """Module outputs for every sequence, in input order, as float64 (one row, or
    one block of rows such as a forecast's steps, per sequence)."""
    out = None
    for index, result in _inference_outputs(net, sequences, batch_size):
        if out is None:
            out = np.empty((len(sequences), *result.shape[1:]), dtype=np.float64)
        out[index] = result
    return out


def predict_attention(
    net: NeuralNet, sequences: Sequences, batch_size: int
) -> list[np.ndarray]:
    """The attention pooling's weights of every sequence over its encoder steps: one
    float64 array per sequence (summing to 1; empty for an empty sequence), in input
    order."""
    out = [None] * len(sequences)
    for index, (weights, lengths) in _inference_outputs(
        net, sequences, batch_size, method="attention_weights"
    ):
        for row, i in enumerate(index.tolist()):
            out[i] = weights[row, : int(lengths[row])].astype(np.float64)
    return out


def predict_steps(
    net: NeuralNet, sequences: Sequences, batch_size: int
) -> list[np.ndarray]:
    """Per-step module outputs: one float64 ``(length, n_outputs)`` array per
    sequence, in input order."""
    out = [None] * len(sequences)
    lengths = sequences.lengths
    for index, result in _inference_outputs(net, sequences, batch_size):
        for row, i in enumerate(index.tolist()):
            out[i] = result[row, : lengths[i]].astype(np.float64)
    return out
