"""The fitted skorch net as plain data, and back.

A fitted estimator stores its net, when pickled, as numbers, strings, numpy arrays,
lists and dicts only: the network's and the optimizer's state as arrays, the
training history as its rows, the random generator of the batch shuffle as its
state, and the net's settings with each class (the module, the loss, the optimizer,
the data loader) named from a fixed list of the classes it may use. Loading rebuilds
the net from its settings and restores the state into it.

So a saved model holds no functions (skorch's callbacks hold ``print`` as their
sink), no ``functools.partial`` and no torch or skorch objects: ``skops.io`` reads
everything but the estimator classes themselves without being told to trust them.
The callbacks of the last fit are not stored: every fit and ``partial_fit`` builds
its own (and the estimator's ``callbacks`` parameter keeps the user's).
"""

from __future__ import annotations

import inspect

import numpy as np
import torch
from skorch.dataset import Dataset
from skorch.exceptions import DeviceWarning
from skorch.history import History

from ._lm_network import LanguageModelNetwork
from ._network import SequenceNetwork, StepNetwork
from ._training import OPTIMIZERS, BatchLoader, SequenceNet
from ._warnings import warn

__all__ = ["is_net_state", "net_from_state", "net_to_state"]

#: Marks (and versions) a net stored as plain data.
_FORMAT_KEY = "sklearn_rnn_net_format"
_FORMAT = 1

#: Tags of the values that are not plain data themselves.
_CLASS, _TENSOR, _NUMPY_RNG, _TORCH_RNG = (
    "__sklearn_rnn_class__",
    "__sklearn_rnn_tensor__",
    "__sklearn_rnn_numpy_generator__",
    "__sklearn_rnn_torch_generator__",
)

#: Net attributes that loading rebuilds (by ``initialize``) or restores separately.
_REBUILT = {
    "module_",
    "criterion_",
    "optimizer_",
    "callbacks_",
    "history_",
    "initialized_",
    "grad_scaler_",
    "prefixes_",
    "cuda_dependent_attributes_",
    "virtual_params_",
    "init_context_",
}


def _loss_classes() -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(torch.nn.modules.loss, inspect.isclass)
        if issubclass(cls, torch.nn.modules.loss._Loss)
    ]


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


#: The classes a stored net may name: nothing else is imported when loading.
_CLASSES = {
    _name(cls): cls
    for cls in [
        SequenceNet,
        SequenceNetwork,
        StepNetwork,
        LanguageModelNetwork,
        BatchLoader,
        Dataset,
        *OPTIMIZERS.values(),
        *_loss_classes(),
    ]
}


#: numpy's bit generators, by the name their state carries.
_BIT_GENERATORS = {
    cls.__name__: cls
    for cls in (
        np.random.PCG64,
        np.random.PCG64DXSM,
        np.random.Philox,
        np.random.SFC64,
        np.random.MT19937,
    )
}


def _encode(value):
    """``value`` as plain data; values with no plain form are kept as they are."""
    if value is None or isinstance(value, (bool, int, float, str, bytes, np.generic)):
        return value
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, dict):
        return {key: _encode(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_encode(v) for v in value)
    if isinstance(value, type) and _CLASSES.get(_name(value)) is value:
        return {_CLASS: _name(value)}
    if isinstance(value, torch.Tensor):
        return {_TENSOR: value.detach().cpu().numpy()}
    if isinstance(value, np.random.Generator):
        return {_NUMPY_RNG: value.bit_generator.state}
    if isinstance(value, torch.Generator):
        return {
            _TORCH_RNG: value.get_state().numpy(),
            "device": str(value.device),
            "seed": value.initial_seed(),
        }
    return value


def _decode(value, device: str):
    if isinstance(value, list):
        return [_decode(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(_decode(v, device) for v in value)
    if not isinstance(value, dict):
        return value
    if _CLASS in value:
        try:
            return _CLASSES[value[_CLASS]]
        except KeyError:
            raise ValueError(
                f"The saved model names the class {value[_CLASS]!r}, which this "
                "version of sklearn_rnn does not use; load it with the version that "
                "saved it."
            ) from None
    if _TENSOR in value:
        return torch.from_numpy(np.array(value[_TENSOR]))
    if _NUMPY_RNG in value:
        state = value[_NUMPY_RNG]
        rng = np.random.Generator(_BIT_GENERATORS[state["bit_generator"]]())
        rng.bit_generator.state = state
        return rng
    if _TORCH_RNG in value:
        if torch.device(value["device"]).type == torch.device(device).type:
            generator = torch.Generator(device=value["device"])
            generator.set_state(torch.from_numpy(np.array(value[_TORCH_RNG])))
        else:  # a CUDA generator's state does not fit the CPU's: same seed instead
            generator = torch.Generator(device=device).manual_seed(value["seed"])
        return generator
    return {key: _decode(v, device) for key, v in value.items()}


def _plain_rows(history) -> list:
    """The history's rows as lists and dicts of numbers and strings."""
    return _encode([dict(row) for row in history])


def net_to_state(net: SequenceNet) -> dict:
    """The fitted ``net`` as plain data (see the module docstring)."""
    params = {
        key: value
        for key, value in net.get_params(deep=False).items()
        if not key.startswith("_") and key != "callbacks"
    }
    attributes = {
        key: value
        for key, value in vars(net).items()
        if key.endswith("_") and not key.startswith("_") and key not in _REBUILT
    }
    state = {
        _FORMAT_KEY: _FORMAT,
        "class": _encode(type(net)),
        "params": _encode(params),
        "attributes": _encode(attributes),
        "history": _plain_rows(net.history),
        "initialized": bool(getattr(net, "initialized_", False)),
    }
    if state["initialized"]:
        state["module"] = _encode(net.module_.state_dict())
        state["optimizer"] = _encode(net.optimizer_.state_dict())
        scaler = getattr(net, "grad_scaler_", None)
        state["grad_scaler"] = None if scaler is None else scaler.state_dict()
    return state


def is_net_state(value) -> bool:
    """Whether ``value`` is a net stored by :func:`net_to_state`."""
    return isinstance(value, dict) and _FORMAT_KEY in value


def _available_device(device: str) -> str:
    """``device``, or the CPU (with skorch's warning) where CUDA is missing."""
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        warn(
            f"Requested to load data to CUDA ({device!r}), but no CUDA devices are "
            "available. Loading on device 'cpu' instead.",
            DeviceWarning,
        )
        return "cpu"
    return str(device)


def net_from_state(state: dict) -> SequenceNet:
    """Rebuild the net stored by :func:`net_to_state`, on the CPU when its CUDA
    device is missing here."""
    if state[_FORMAT_KEY] != _FORMAT:
        raise ValueError(
            f"The saved model stores its network in format {state[_FORMAT_KEY]}, "
            f"which this version of sklearn_rnn (format {_FORMAT}) cannot read; load "
            "it with the version that saved it."
        )
    params = state["params"]
    device = _available_device(params.get("device", "cpu"))
    params = _decode(params, device)
    params["device"] = device
    net = _decode(state["class"], device)(**params, callbacks=[])
    for key, value in _decode(state["attributes"], device).items():
        setattr(net, key, value)
    if state["initialized"]:
        # Building the module draws its initial weights; they are overwritten, and
        # the caller's random state is left as it was.
        with torch.random.fork_rng(devices=[]):
            net.initialize()
        net.module_.load_state_dict(_decode(state["module"], device))
        try:
            net.optimizer_.load_state_dict(_decode(state["optimizer"], device))
        except ValueError:
            # Parameters an earlier version did not have (the attention pooling's
            # feature-wise scores, loaded from one score per step).
            warn(
                "The optimizer state saved with this model does not match its "
                "network, which an earlier version of sklearn_rnn saved: "
                "predictions are unaffected; continued training (warm_start, "
                "partial_fit) starts the optimizer afresh.",
                UserWarning,
            )
        if state["grad_scaler"] is not None and device.startswith("cuda"):
            net.grad_scaler_ = torch.amp.GradScaler("cuda")
            net.grad_scaler_.load_state_dict(state["grad_scaler"])
    net.history_ = History(_decode(state["history"], device))
    return net
