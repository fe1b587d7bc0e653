"""Small data sets shared by the test modules."""

import numpy as np


def sign_task(n=60, t=6, channels=2, seed=0):
    """3D sequences and, as target, the sign-carrying value of the last step's first
    channel (``> 0`` gives class labels)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, t, channels)).astype(np.float32)
    return X, X[:, -1, 0]
