"""The public estimators: :class:`RNNClassifier` and :class:`RNNRegressor`."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d
from torch import nn

from ._base import BaseRNN

_PARAMETERS_DOC = """
    Parameters
    ----------
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="lstm"
        The recurrent cell: long short-term memory, gated recurrent unit, or a vanilla
        (Elman) RNN with tanh or ReLU non-linearity.

    hidden_size : int, default=64
        Number of features of the hidden state of each recurrent layer (per
        direction).

    num_layers : int, default=1
        Number of stacked recurrent layers.

    bidirectional : bool, default=False
        Also run every layer over the reversed sequence and concatenate both
        directions.

    dropout : float, default=0.0
        Dropout probability on the outputs of each recurrent layer except the last
        (no effect when ``num_layers=1``).

    pooling : {"last", "mean", "max"}, default="last"
        How the per-step outputs of the last layer become one vector per sequence:
        the state at the last valid step (for the backward direction of a
        bidirectional network: its state at the first step, which has read the whole
        sequence), or the mean or maximum over the valid steps.

    embedding_dim : int, default=64
        Size of the learned embedding of token ids (token input only).

    input_type : {"auto", "numeric", "tokens"}, default="auto"
        How to read ``X``. ``"numeric"``: values of a series. ``"tokens"``: integer
        token ids, 0 meaning padding wherever it occurs and 1 an out-of-vocabulary
        token; ids above those seen in ``fit`` are read as 1 at prediction.
        ``"auto"``: integer-typed 2D arrays and lists of 1D integer arrays are token
        ids, anything else is numeric. **Integer-valued numeric series must be cast
        to float or use** ``input_type="numeric"``.
        For raw text, put a :class:`SequenceVectorizer` before the estimator in a
        pipeline: it produces such id matrices.

    channels_first : bool, default=False
        Read 3D arrays as ``(n_samples, n_channels, n_timesteps)`` and list items as
        ``(n_channels, n_timesteps)``, the layout of sktime and aeon. By default the
        time axis comes before the channels.

    max_iter : int, default=100
        Number of epochs (passes over the training data).

    batch_size : int, default=32
        Number of sequences per training minibatch.

    lr : float, default=3e-3
        Learning rate of the optimizer. The default is above Adam's usual 1e-3:
        on small real data sets (JapaneseVowels, Tecator) 1e-3 left the network
        under-trained after 100 epochs (see ``benchmarks/real_data.py``).

    optimizer : {"adam", "adamw", "sgd", "rmsprop"}, default="adam"
        The optimizer.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout and the per-epoch shuffle. Pass an int
        for reproducible fits on CPU. The global random state of numpy and torch is
        left untouched.

    device : str, default="auto"
        The torch device to train and predict on: ``"cpu"``, ``"cuda"``
        (or ``"cuda:N"``), or ``"auto"`` for CUDA when available, else CPU. The
        device actually used is ``device_``.

    verbose : int, default=0
        0 is silent; 1 or more prints one line per epoch.
"""

_INPUT_DOC = """
    Notes
    -----
    ``X`` may be any of:

    * a 2D float array ``(n_samples, n_timesteps)`` of univariate series, all of one
      length (``n_features_in_`` is then the number of timesteps, fixed at fit);
    * a 3D float array ``(n_samples, n_timesteps, n_channels)``; shorter series are
      padded with trailing all-NaN steps (``n_features_in_`` is the number of
      channels, and any length is accepted at prediction);
    * a list of 1D ``(t,)`` or 2D ``(t, n_channels)`` arrays of any lengths;
    * a 2D integer array of token ids (of any width at prediction), or a list of
      1D integer arrays (see ``input_type``).

    Padding never changes a prediction: the network reads only the valid steps of
    each sequence. Predictions are made in length-sorted batches whose row count is
    a multiple of 16, which on CPU makes each prediction bit-for-bit independent of
    the other sequences predicted with it.
"""

_COMMON_ATTRIBUTES_DOC = """
    input_type_ : {"numeric", "tokens"}
        How ``X`` was read at fit.

    n_features_in_ : int
        Number of columns for 2D input, number of channels for 3D or list input.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the columns seen at fit, when ``X`` was a DataFrame.

    vocab_size_ : int
        Token input only: the number of ids the embedding knows (the largest id seen
        in ``fit`` plus one, and at least 2).

    device_ : str
        The torch device used.

    n_iter_ : int
        Number of epochs run.

    loss_curve_ : list of float
        Mean training loss of each epoch.

    net_ : skorch.NeuralNet
        The fitted skorch net, for power users: ``net_.module_`` is the torch module,
        ``net_.history`` the full training history.
"""


class RNNClassifier(ClassifierMixin, BaseRNN):
    __doc__ = (
        """Recurrent neural network classifier for sequences.

    Trains a recurrent network (RNN, LSTM or GRU, optionally bidirectional and
    stacked) on sequences of numbers or token ids, with a softmax output and the
    cross-entropy loss. Labels may be any hashable values.
"""
        + _PARAMETERS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
"""
        + _COMMON_ATTRIBUTES_DOC
        + """
    See Also
    --------
    RNNRegressor : The same network for regression.
    SequenceScaler : Per-channel standardization of sequences.
    SequenceVectorizer : Raw text to padded token-id matrices.
"""
        + _INPUT_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 10, 2)).astype(np.float32)
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(hidden_size=16, max_iter=30, random_state=0).fit(X, y)
    >>> clf.classes_
    array(['down', 'up'], dtype='<U4')
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
"""
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see the class notes for the accepted forms).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : RNNClassifier
            The fitted estimator.
        """
        return self._fit(X, y)

    def _encode_y(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        return encoder.transform(y).astype(np.int64), len(self.classes_)

    def _criterion(self):
        return nn.CrossEntropyLoss

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities for each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``; each row sums to 1.
        """
        logits = self._forward(X)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X) -> np.ndarray:
        """Most likely class of each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels, from ``classes_``.
        """
        logits = self._forward(X)
        return self.classes_[np.argmax(logits, axis=1)]


class RNNRegressor(RegressorMixin, BaseRNN):
    __doc__ = (
        """Recurrent neural network regressor for sequences.

    Trains a recurrent network (RNN, LSTM or GRU, optionally bidirectional and
    stacked) on sequences of numbers or token ids with the mean squared error. The
    targets are standardized internally (and predictions mapped back), so targets on
    any scale train well. Single and multi-output targets are supported.
"""
        + _PARAMETERS_DOC
        + """
    Attributes
    ----------
    n_outputs_ : int
        Number of targets.
"""
        + _COMMON_ATTRIBUTES_DOC
        + """
    See Also
    --------
    RNNClassifier : The same network for classification.
    SequenceScaler : Per-channel standardization of sequences.
    SequenceVectorizer : Raw text to padded token-id matrices.
"""
        + _INPUT_DOC
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(80, 12, 1)).astype(np.float32)
    >>> y = 100 + 10 * X[:, -3:, 0].sum(axis=1)
    >>> reg = RNNRegressor(hidden_size=16, max_iter=60, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.8)
    True
"""
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see the class notes for the accepted forms).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        Returns
        -------
        self : RNNRegressor
            The fitted estimator.
        """
        return self._fit(X, y)

    def _encode_y(self, y):
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if y.ndim not in (1, 2):
            raise ValueError(
                "y must be 1D (n_samples,) or 2D (n_samples, n_outputs); got "
                f"{y.ndim}D."
            )
        self._y_1d = y.ndim == 1
        y2 = y.reshape(len(y), -1).astype(np.float64)
        self.n_outputs_ = y2.shape[1]
        self._y_mean = y2.mean(axis=0)
        scale = y2.std(axis=0)
        self._y_scale = np.where(scale > 0, scale, 1.0)
        return ((y2 - self._y_mean) / self._y_scale).astype(np.float32), y2.shape[1]

    def _criterion(self):
        return nn.MSELoss

    def predict(self, X) -> np.ndarray:
        """Predicted targets for each sequence.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, with the shape of the ``y`` seen in ``fit``.
        """
        y = self._forward(X) * self._y_scale + self._y_mean
        return y.ravel() if self._y_1d else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
