"""The public estimators: :class:`RNNClassifier` and :class:`RNNRegressor`."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d
from torch import nn

from ._base import BaseRNN
from ._data import IGNORED_STEP
from ._training import predict_attention


def _usable(weights: np.ndarray | None) -> np.ndarray | None:
    """Sample weights to average with, or None (equal weights) when they sum to 0
    (a validation split may hold only zero-weight samples)."""
    if weights is None or not weights.sum() > 0:
        return None
    return weights


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``(n, n_classes)`` logits (changed in place)."""
    logits -= logits.max(axis=1, keepdims=True)
    proba = np.exp(logits, out=logits)
    proba /= proba.sum(axis=1, keepdims=True)
    return proba


def step_prior_loss(y_fit, w_fit, y_eval, w_eval, n_classes: int, eps: float) -> float:
    """The per-step cross-entropy on ``(y_eval, w_eval)`` of predicting, at every
    step, the label frequencies of ``(y_fit, w_fit)`` (per-step targets, padded
    with ``IGNORED_STEP``; weights per step or None), with label smoothing ``eps``:
    the loss of the best constant prediction."""
    fit_valid, eval_valid = y_fit != IGNORED_STEP, y_eval != IGNORED_STEP
    w_fit = None if w_fit is None else w_fit[fit_valid]
    w_eval = None if w_eval is None else w_eval[eval_valid]
    prior = np.bincount(
        y_fit[fit_valid],
        weights=w_fit if w_fit is not None and w_fit.sum() > 0 else None,
        minlength=n_classes,
    )
    q = np.clip((1 - eps) * prior / prior.sum() + eps / n_classes, 1e-12, None)
    losses = -(1 - eps) * np.log(q[y_eval[eval_valid]]) - eps * np.log(q).mean()
    usable = w_eval is not None and w_eval.sum() > 0
    return float(np.average(losses, weights=w_eval if usable else None))


def class_weights(class_weight, classes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The weight of each class of ``classes`` for ``class_weight`` (a dict or
    "balanced"; ``y`` holds the class indices of the training targets), validated.

    As :func:`~sklearn.utils.class_weight.compute_class_weight`: classes missing
    from a dict weigh 1, and a key that is no class is an error unless every class
    has a weight (so one dict serves folds that lack a class).
    """
    if class_weight == "balanced":
        return compute_class_weight("balanced", classes=np.arange(len(classes)), y=y)
    for key, value in class_weight.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
            raise TypeError(
                f"class_weight[{key!r}] is {value!r}; class weights must be numbers."
            )
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(
                f"class_weight[{key!r}] is {value!r}; class weights must be finite "
                "and >= 0."
            )
    labels = classes.tolist()
    missing = [c for c in labels if c not in class_weight]
    unknown = [key for key in class_weight if key not in set(labels)]
    if unknown and missing:
        raise ValueError(
            f"class_weight has keys {unknown!r} that are not classes of y; the "
            f"classes are {labels!r} (those without a weight, {missing!r}, weigh "
            "1). Check the keys' spelling and type."
        )
    weights = np.array([float(class_weight.get(c, 1.0)) for c in labels])
    # Only ratios matter (the loss divides by the sum of the weights); at their
    # scale, huge weights would overflow float32.
    return weights / weights.max() if weights.max() > 0 else weights


def weights_with_classes(
    weights: np.ndarray | None, per_class: np.ndarray, y: np.ndarray, class_weight
) -> np.ndarray:
    """Sample weights (or None) times the class weight of each target in ``y``
    (class indices), refusing weights that are all zero."""
    from_class = per_class[y]
    if not from_class.sum() > 0 or (
        weights is not None and not (weights * from_class).sum() > 0
    ):
        raise ValueError(
            f"class_weight={class_weight!r} gives every training sample a weight "
            "of 0 (with "
            "sample_weight, if passed): nothing can be learned. Give at least one "
            "class present in y a positive weight."
        )
    return from_class if weights is None else weights * from_class


_NETWORK_PARAMETERS_DOC = """
    Parameters
    ----------
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="gru"
        The recurrent cell: long short-term memory, gated recurrent unit, or a vanilla
        (Elman) RNN with tanh or ReLU non-linearity. The GRU is the default because it
        measured better than the LSTM behind the default front end on five of six
        archive problems (by 1-4 points of accuracy), worse on Tecator (RMSE 0.83
        against 0.66, both far below ridge regression's 2.17), and the same on text
        (0.805 in 5-fold cross-validation on 3,000 review sentences); see the
        results page of the documentation.

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

    pooling : {"auto", "last", "mean", "max", "mean_max", "attention"}, \
            default="auto"
        How the per-step outputs of the last layer become one vector per sequence:
        the state at the last valid step (for the backward direction of a
        bidirectional network: its state at the first step, which has read the whole
        sequence), the mean or maximum over the valid steps, both of these side
        by side (``"mean_max"``), or a learned weighted mean of the valid steps
        (``"attention"``: attention pooling, feature by feature, starting near
        max pooling; padding never attended; the weights of each sequence are
        given by :meth:`attention_weights` and drawn by
        :class:`AttentionDisplay`). ``"auto"``: ``"mean_max"`` for numeric input,
        ``"last"`` for token ids.

    front_end : {"auto", "conv", "none"}, default="auto"
        A convolutional front end before the recurrent layers (as in LSTM-FCN,
        Karim et al. 2017): each layer is a 1D convolution over time, layer
        normalisation over its channels at each step, and ReLU. It learns local
        shapes that a recurrent cell reading one value per step over hundreds of
        steps does not, and its first layer's stride shortens long series.
        ``"auto"``: on for numeric input, off for token ids.

    conv_filters : tuple of int, default=(64, 128)
        Output channels of each layer of the front end.

    conv_kernel_sizes : tuple of int, default=(8, 5)
        Kernel width (in steps) of each layer of the front end, one per entry of
        ``conv_filters``.

    conv_stride : int or "auto", default="auto"
        Stride of the front end's first layer: a sequence of ``t`` steps reaches
        the recurrent layers with ``ceil(t / conv_stride)``. ``"auto"`` leaves the
        longest training sequence about 64 steps: ``round(t_max / 64)``, between 1
        and 8.

    input_scaling : {"both", "series", "dataset", "none"}, default="both"
        How numeric input is standardized inside the network, channel by channel
        (ignored for token ids). ``"series"``: each sequence by the mean and
        standard deviation of its own valid steps (the z-normalisation of the
        UCR/UEA archives: keeps the shape, drops offset and amplitude).
        ``"dataset"``: by the training set's statistics (as
        :class:`SequenceScaler` does). ``"both"``: the two side by side, so the
        network sees the shape of each series and its level. ``"none"``: as given.

    embedding_dim : int, default=64
        Size of the learned embedding of token ids (token input only; with
        ``embedding_init``, its width instead).

    embedding_init : array-like of shape (n_ids, dimension), default=None
        Initial embedding table of token ids, row ``i`` the vector of id ``i``:
        pretrained word vectors aligned to the vectorizer's vocabulary, as
        :func:`align_word_vectors` makes them (token input only). Every row is
        kept, also those of ids the training data lacks, so a word seen only at
        prediction keeps its pretrained vector; give the vectorizer the same
        fixed vocabulary (``SequenceVectorizer(vocabulary=...)``) so that the
        ids match in every fit of a search.

    freeze_embedding : bool, default=False
        Keep the token embedding as initialized (no gradient, no update):
        ``embedding_init`` used as fixed features. ``False`` fine-tunes it.
"""

_TRANSFER_PARAMETERS_DOC = """
    encoder_init : fitted estimator, default=None
        Start the token embedding and the recurrent layers from a fitted model's:
        an :class:`RNNLanguageModel` pre-trained on unlabelled text (Dai & Le
        2015; Howard & Ruder 2018), another estimator of this library fitted on
        text or token ids, or a :class:`~sklearn.frozen.FrozenEstimator` of
        either. The encoder then has the source's ``cell``, ``hidden_size``,
        ``num_layers`` and ``embedding_dim`` (leave them at their defaults or set
        them to the source's); ``bidirectional=True`` adds a new backward
        direction beside a unidirectional source's layers (a bidirectional
        source's backward direction is transferred too). Token ids must be the
        source's (``clone(model.vectorizer_)`` first in a pipeline); words and
        symbols the estimator numbers itself are matched to the source's by
        name. The model is only read: clones (in
        ``GridSearchCV``, ``cross_val_score``) share it, and ``fit`` copies its
        weights; after fitting, ``set_params(encoder_init=None)`` keeps it out
        of the model's pickle. See the user guide on language models.

    freeze_encoder : bool, default=False
        With ``encoder_init``: keep the transferred layers as they are and train
        the rest only (the head, and what the source did not have: also the
        input weights of a layer that reads a new backward direction or
        character features beside the transferred input).

    unfreeze_every : int, default=None
        With ``encoder_init``: gradual unfreezing (ULMFiT). The transferred layers
        start frozen, and after every ``unfreeze_every`` epochs one more of them
        trains too, from the top: the last recurrent layer first, the embedding
        last. None trains them all from the first epoch.

    encoder_lr_decay : float, default=1.0
        With ``encoder_init``: discriminative fine-tuning. Each transferred layer
        learns at ``encoder_lr_decay`` times the learning rate of the layer above
        it, the last recurrent layer at ``encoder_lr_decay * lr`` (ULMFiT: 1/2.6,
        about 0.38). 1.0: all at ``lr``.
"""

_PARAMETERS_INPUT_DOC = """
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

    max_iter : int or "auto", default="auto"
        Maximum number of epochs (passes over the training data). ``"auto"``: as
        many as make 1,500 optimizer steps, at least 10 and at most 1,000 epochs
        (a set of 36 series makes a few steps an epoch, a set of 100,000 thousands;
        counting steps gives both the same budget).

    batch_size : int or "auto", default="auto"
        Number of sequences per training minibatch. ``"auto"``: a quarter of the
        training set, at least 1 and at most 32.

    lr : float, default=3e-3
        Peak learning rate of the optimizer (the learning rate throughout with
        ``lr_schedule="constant"``).

    optimizer : {"adam", "adamw", "sgd", "rmsprop"}, default="adam"
        The optimizer.

    weight_decay : float, default=0.0
        L2 penalty (decoupled weight decay for ``"adamw"``).

    momentum : float, default=0.9
        Momentum of ``"sgd"`` and ``"rmsprop"`` (ignored by the Adam variants).

    clip_grad_norm : float or None, default=5.0
        Clip the gradient's global L2 norm to this value before each step, which
        keeps recurrent networks from exploding gradients. None disables clipping.
        On JapaneseVowels, 1.0 cost a point of accuracy; 5.0 did not.

    lr_schedule : {"cosine", "constant", "plateau"}, default="cosine"
        ``"cosine"``: the learning rate rises linearly to ``lr`` over the first
        10% of the fit's optimizer steps (the first step at ``lr`` divided by their
        number) (``max_iter`` epochs), then
        follows a cosine down to 0 at the last step. ``"constant"``: ``lr``
        throughout. ``"plateau"`` divides the learning rate by 5 when the monitored
        loss (validation loss with ``early_stopping``, else training loss) has not
        improved for ``max(1, n_iter_no_change // 2)`` epochs. ``partial_fit``
        always trains at ``lr``.

    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (stratified for
        classifiers where every class allows it, seeded by ``random_state``), stop
        when the validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and restore the weights of the best epoch.
        When False, all data is used for training and training stops when the
        training loss has not improved by ``tol`` for ``n_iter_no_change`` epochs.
        ``"auto"``: on when ``X_val`` is passed to ``fit`` or there are more than
        10,000 training sequences (as in
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier`). With ``X_val``
        and ``y_val``, they are the validation set and nothing is held out.
        ``partial_fit`` ignores it (it never holds data out). A random split
        measures generalisation only if the sequences are independent: phrases
        cut from the same sentences, or windows of one series, leak into the
        validation set and make it optimistic; hold out whole groups yourself
        then (e.g. pass ``early_stopping=False`` and select ``max_iter`` with
        :class:`~sklearn.model_selection.GroupKFold`).

    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before training stops. Misses are
        counted only once the monitored loss has fallen below 90% of a constant
        predictor's (the class prior, the training mean), so a fit still on its
        starting plateau is not stopped. With ``lr_schedule="cosine"`` the
        patience is at least a fifth of the ``max_iter`` epochs, up to 50: while
        the learning rate is high, a stalled loss is not a converged one.

    tol : float, default=1e-4
        Smallest decrease of the monitored loss that counts as an improvement.

    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted network (weights and
        optimizer state) for ``max_iter`` more epochs instead of starting anew.
        The network's shape parameters must not change in between.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks run during training, for power users.

    mixed_precision : bool, default=False
        Train with float16 autocast and a gradient scaler on CUDA devices (faster on
        recent GPUs). It has no effect on CPU (a warning says so).
"""

_PARAMETERS_DOC = (
    _NETWORK_PARAMETERS_DOC + _TRANSFER_PARAMETERS_DOC + _PARAMETERS_INPUT_DOC
)

# The parameters after ``class_weight``, which only the classifier has: the two
# halves keep each estimator's documented parameters in its signature's order.
_PARAMETERS_END_DOC = """
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout and the per-epoch shuffle. Pass an int
        for reproducible fits on CPU. The global random state of numpy and torch is
        left untouched.

    device : str, default="auto"
        The torch device to train and predict on: ``"cpu"``, ``"cuda"``
        (or ``"cuda:N"``), or ``"auto"`` for CUDA when available, else CPU. The
        device actually used is ``device_``.

    n_jobs : int, default=None
        The number of CPU threads torch computes with during ``fit``, ``predict``
        and the other methods that run the network (its intra-op threads; the
        caller's setting is restored after). None means 1 unless in a
        :func:`joblib.parallel_config` context, -1 all the CPUs this process may
        use, -2 all but one (scikit-learn's meaning). One thread is the default
        because a second one collapses as soon as another process wants a core
        (on 2 cores beside one busy process, the README's main job took 3.5x longer
        with two threads; on an idle machine two threads were 1.35x faster;
        ``benchmarks/bench_threads.py``), and because ``GridSearchCV(n_jobs=k)``
        then runs ``k`` fits on ``k`` cores without oversubscribing them. Raise it
        for one large model on an idle many-core machine. It has no effect on
        CUDA kernels. The thread count is a setting of the whole process: fits
        running in threads at once should all use the same ``n_jobs``.

    verbose : int, default=0
        0 is silent; 1 prints one line per epoch (training and validation loss,
        validation score, duration); 2 also shows a progress bar over the batches.
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
    the other sequences predicted with it. Large arrays and DataFrames are converted
    and predicted a few thousand sequences at a time, so memory does not grow with
    ``len(X)`` beyond the output (a list of sequences is converted whole).

    On CPU, training batches group sequences of similar length (seeded by
    ``random_state``) and are padded only to their own longest. Denormal floats are
    flushed to zero inside ``fit`` and ``predict`` (as TensorFlow does; gradients
    fading through long sequences otherwise slow the backward pass several times);
    the caller's setting is restored after. The setting is per thread: it covers the
    calling thread, which does all the work with one torch thread, not the work torch
    hands to its other threads. The number of CPU threads is torch's
    own: set it with ``torch.set_num_threads``, ``OMP_NUM_THREADS`` or, as for
    scikit-learn's OpenMP estimators, ``threadpoolctl.threadpool_limits``. Small
    networks gain little from more threads (see the performance guide).
"""

_COMMON_ATTRIBUTES_DOC = """
    input_type_ : {"numeric", "tokens"}
        How ``X`` was read at fit.

    n_features_in_ : int
        Number of columns for 2D input, number of channels for 3D or list input.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen at fit, when ``X`` was a DataFrame.

    vocab_size_ : int
        Token input only: the number of ids the embedding knows (the largest id seen
        in ``fit`` plus one, and at least 2).

    device_ : str
        The torch device used.

    n_iter_ : int
        Number of epochs run (over all ``fit``/``partial_fit`` calls that continued
        the same network).

    loss_curve_ : list of float
        Mean training loss of each epoch.

    best_loss_ : float or None
        Lowest training loss reached; None with ``early_stopping``.

    validation_loss_curve_ : list of float or None
        Validation loss of each epoch, with ``early_stopping``.

    validation_scores_ : list of float or None
        Validation score (accuracy or R^2) of each epoch, with ``early_stopping``.

    best_validation_score_ : float or None
        With ``early_stopping``, the validation score of the weights kept: those of
        the epoch with the lowest validation loss (not necessarily the highest
        score among ``validation_scores_``).

    net_ : skorch.NeuralNet
        The fitted skorch net, for power users: ``net_.module_`` is the torch module,
        ``net_.history`` the full training history.
"""


class _AttentionPooling:
    """``attention_weights`` of the estimators that pool one vector per sequence."""

    def attention_weights(self, X) -> list[np.ndarray]:
        """Attention pooling's weights of each sequence over its steps.

        With ``pooling="attention"``, the network pools each sequence into one
        vector, each feature a weighted mean of that feature over the steps; the
        weight of a step here is the mean of its weights over the features:
        which steps (tokens) the prediction rests on. :class:`AttentionDisplay`
        draws them.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        weights : list of ndarray of shape (n_steps,)
            One array per sequence, in order, summing to 1 (empty for an empty
            sequence). ``n_steps`` is the sequence's length, or, after a strided
            convolutional front end (``conv_stride > 1``), the number of steps
            the recurrent layers saw: ``ceil(length / conv_stride)``. Padding
            never gets any weight.

        Raises
        ------
        ValueError
            If the estimator was not fitted with ``pooling="attention"``.
        """
        check_is_fitted(self)
        pooling = self._architecture["pooling"]
        if pooling != "attention":
            raise ValueError(
                f"attention_weights needs pooling='attention'; this "
                f"{type(self).__name__} was fitted with pooling={pooling!r}, which "
                "has no attention weights. Refit with pooling='attention'."
            )
        return self._forward(X, attention=True)

    def _predict_outputs(self, seqs, batch_size: int, attention: bool = False):
        if attention:
            return predict_attention(self.net_, seqs, batch_size)
        return super()._predict_outputs(seqs, batch_size)


class RNNClassifier(_AttentionPooling, ClassifierMixin, BaseRNN):
    __doc__ = (
        """Recurrent neural network classifier for sequences.

    Trains a recurrent network (RNN, LSTM or GRU, optionally bidirectional and
    stacked) on sequences of numbers or token ids, with a softmax output and the
    cross-entropy loss. Labels may be any hashable values.
"""
        + _PARAMETERS_DOC
        + """
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplied into ``sample_weight``:
        a dict ``{label: weight}`` (classes not in it weigh 1), ``"balanced"`` for
        weights inversely proportional to the class frequencies in ``y`` (as
        :func:`sklearn.utils.class_weight.compute_class_weight` computes them; not
        supported by ``partial_fit``), or None for equal weights.

    label_smoothing : float, default=0.0
        Mix the one-hot targets with the uniform distribution by this share (as
        :class:`torch.nn.CrossEntropyLoss` does), which discourages
        over-confident predictions on small training sets.
"""
        + _PARAMETERS_END_DOC
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

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        cell: str = "gru",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        pooling: str = "auto",
        front_end: str = "auto",
        conv_filters: tuple = (64, 128),
        conv_kernel_sizes: tuple = (8, 5),
        conv_stride: int | str = "auto",
        input_scaling: str = "both",
        embedding_dim: int = 64,
        embedding_init=None,
        freeze_embedding: bool = False,
        encoder_init=None,
        freeze_encoder: bool = False,
        unfreeze_every: int | None = None,
        encoder_lr_decay: float = 1.0,
        input_type: str = "auto",
        channels_first: bool = False,
        max_iter: int | str = "auto",
        batch_size: int | str = "auto",
        lr: float = 3e-3,
        optimizer: str = "adam",
        weight_decay: float = 0.0,
        momentum: float = 0.9,
        clip_grad_norm: float | None = 5.0,
        lr_schedule: str = "cosine",
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        warm_start: bool = False,
        callbacks: list | None = None,
        mixed_precision: bool = False,
        class_weight: dict | str | None = None,
        label_smoothing: float = 0.0,
        random_state=None,
        device: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        super().__init__(
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            pooling=pooling,
            front_end=front_end,
            conv_filters=conv_filters,
            conv_kernel_sizes=conv_kernel_sizes,
            conv_stride=conv_stride,
            input_scaling=input_scaling,
            embedding_dim=embedding_dim,
            embedding_init=embedding_init,
            freeze_embedding=freeze_embedding,
            encoder_init=encoder_init,
            freeze_encoder=freeze_encoder,
            unfreeze_every=unfreeze_every,
            encoder_lr_decay=encoder_lr_decay,
            input_type=input_type,
            channels_first=channels_first,
            max_iter=max_iter,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            weight_decay=weight_decay,
            momentum=momentum,
            clip_grad_norm=clip_grad_norm,
            lr_schedule=lr_schedule,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            warm_start=warm_start,
            callbacks=callbacks,
            mixed_precision=mixed_precision,
            random_state=random_state,
            device=device,
            n_jobs=n_jobs,
            verbose=verbose,
        )
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see the class notes for the accepted forms).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss (multiplied by the
            ``class_weight`` of its class).
        X_val, y_val : like X and y, default=None
            A validation set for early stopping instead of a split of the
            training data (``early_stopping="auto"`` is then on).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : RNNClassifier
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing the network if fitted.

        The validation split of ``early_stopping`` is not used: every sample given
        is trained on.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences.
        y : array-like of shape (n_samples,)
            Class labels, all in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            All the classes the model will ever see. Required on the first call,
            ignored (but checked if given) afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : RNNClassifier
            The updated estimator.
        """
        return self._partial_fit_classes(X, y, classes, sample_weight)

    def _encode_y(self, y, *, reset):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            classes = getattr(self, "_classes_for_partial_fit", None)
            if classes is None:
                classes = np.unique(y)
            else:
                del self._classes_for_partial_fit
            self.classes_ = classes
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()!r} that are not in classes_ "
                f"{self.classes_.tolist()!r} (fixed by the first partial_fit or by "
                "the fit that warm_start continues)."
            )
        return np.searchsorted(self.classes_, y).astype(np.int64), len(self.classes_)

    def _sample_weight(self, y_train, sample_weight, n_samples):
        weights = super()._sample_weight(y_train, sample_weight, n_samples)
        if self.class_weight is None:
            return weights
        per_class = class_weights(self.class_weight, self.classes_, y_train)
        return weights_with_classes(weights, per_class, y_train, self.class_weight)

    def _stratify_labels(self, y_train):
        return y_train

    _constant_name = "the class prior"

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        n_classes = len(self.classes_)
        prior = np.bincount(y_fit, weights=_usable(w_fit), minlength=n_classes)
        eps = self.label_smoothing
        q = np.clip((1 - eps) * prior / prior.sum() + eps / n_classes, 1e-12, None)
        losses = -(1 - eps) * np.log(q[y_eval]) - eps * np.log(q).mean()
        return float(np.average(losses, weights=_usable(w_eval)))

    def _criterion_kwargs(self):
        return {"label_smoothing": self.label_smoothing}

    def _validation_score(self, raw, y_train):
        return float(np.mean(np.argmax(raw, axis=1) == y_train))

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
        return softmax(self._forward(X))

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


class RNNRegressor(_AttentionPooling, RegressorMixin, BaseRNN):
    __doc__ = (
        """Recurrent neural network regressor for sequences.

    Trains a recurrent network (RNN, LSTM or GRU, optionally bidirectional and
    stacked) on sequences of numbers or token ids with the mean squared error. The
    targets are standardized internally (and predictions mapped back), so targets on
    any scale train well. Single and multi-output targets are supported.
"""
        + _PARAMETERS_DOC
        + _PARAMETERS_END_DOC
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
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences (see the class notes for the accepted forms).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.
        X_val, y_val : like X and y, default=None
            A validation set for early stopping instead of a split of the
            training data (``early_stopping="auto"`` is then on).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : RNNRegressor
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing the network if fitted.

        The target scaling is fixed by the first call. The validation split of
        ``early_stopping`` is not used: every sample given is trained on.

        Parameters
        ----------
        X : array-like or list of array-like
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : RNNRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, partial=True)

    def _encode_y(self, y, *, reset):
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if y.ndim not in (1, 2):
            raise ValueError(
                "y must be 1D (n_samples,) or 2D (n_samples, n_outputs); got "
                f"{y.ndim}D."
            )
        y2 = y.reshape(len(y), -1).astype(np.float64)
        if reset:
            self._y_1d = y.ndim == 1
            self.n_outputs_ = y2.shape[1]
            # The statistics of y / max|y|, scaled back: the squares of targets
            # near 1e300 would overflow float64 (a standard deviation of inf).
            peak = np.abs(y2).max(axis=0)
            peak = np.where(peak > 0, peak, 1.0)
            self._y_mean = (y2 / peak).mean(axis=0) * peak
            scale = (y2 / peak).std(axis=0) * peak
            self._y_scale = np.where(scale > 0, scale, 1.0)
        elif y2.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y2.shape[1]} outputs, but {type(self).__name__} was fitted "
                f"with {self.n_outputs_}."
            )
        with np.errstate(over="ignore"):
            encoded = (y2 - self._y_mean) / self._y_scale
        if not np.isfinite(encoded).all():
            raise ValueError(
                "y is too large to standardize in float64 (values up to "
                f"{np.abs(y2).max():.3g}); rescale y first (e.g. divide it by a "
                "constant, or use TransformedTargetRegressor)."
            )
        return encoded.astype(np.float32), y2.shape[1]

    def _validation_score(self, raw, y_train):
        if len(y_train) < 2:  # R^2 is undefined; say so without a warning per epoch
            return float("nan")
        return float(r2_score(y_train, raw))

    def _criterion(self):
        return nn.MSELoss

    _constant_name = "the training mean"

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        mean = np.average(y_fit, axis=0, weights=_usable(w_fit))
        losses = ((y_eval - mean) ** 2).mean(axis=1)
        return float(np.average(losses, weights=_usable(w_eval)))

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
