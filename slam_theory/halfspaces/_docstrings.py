"""The docstring texts the halfspace learners share (each module of the package ends with
``fill_docstrings(globals(), TEXTS)``, see :mod:`slam_theory._docs`)."""

from __future__ import annotations

__all__: list[str] = []

_X = "X : array-like of shape (n_samples, n_features)"
_RETURNS_SELF = "Returns\n-------\nself"
_RANDOM_STATE = """random_state : None, int, SeedSequence, Generator or RandomState, default=None
    Seeds the permutations."""

TEXTS: dict[str, str] = {
    # the constructor parameters every projected-SGD learner has
    "sgd": f"""max_iter : int, default=1
    Passes over the data in ``fit`` (``partial_fit`` always makes one).
step_size : float or None, default=None
    ``lr0`` of the step ``lr0 / sqrt(t)``; None uses the loss's default (see above).
average : bool, default=True
    Output the uniform average of the iterates (Polyak-Ruppert) instead of the last one.
shuffle : bool, default=True
    Visit the samples in a fresh random order on every ``fit`` pass.
{_RANDOM_STATE}""",
    # the constructor parameters of both Perceptrons (the whole section)
    "perceptron": f"""Parameters
----------
max_iter : int, default=5
    Maximum passes in ``fit`` (stops early after a pass without mistakes).
shuffle : bool, default=True
    Fresh random order on every pass of ``fit``.
{_RANDOM_STATE}""",
    # the RCN rate of the binary noise-corrected losses, an alternative to their matrix T
    "eta_or_T": """eta : float or None, default=None
    Alternative to ``T``: symmetric RCN rate in ``[0, 1/2)``.  Exactly one of ``T``, ``eta``.""",
    # the attributes every learner sets in fit (the section; a learner may list more after it)
    "fitted": """Attributes
----------
classes_ : ndarray of shape (2,)
    The two labels; ``classes_[1]`` is the ``+1`` side.
coef_ : ndarray of shape (1, n_features)
    The output halfspace, ``||coef_|| <= 1``.
intercept_ : ndarray of shape (1,)
    Always zero (homogeneous halfspace).
n_iter_ : int
    Number of passes (SGD) or full-batch iterations made.
history_ : dict of lists
    ``iteration``, ``objective`` and ``coef`` at log-spaced iterations.""",
    # the arguments and the return value of fit (the whole sections)
    "fit": f"""Parameters
----------
{_X}
    Training samples (finite; the default step sizes and the guarantees assume
    ``||x|| <= 1``).
y : array-like of shape (n_samples,)
    Two-class (noisy) labels.

{_RETURNS_SELF}""",
    # the arguments and the return value of partial_fit (the whole sections)
    "partial_fit": f"""Parameters
----------
{_X}
    Samples.
y : array-like of shape (n_samples,)
    Labels; they must belong to ``classes_`` after the first call.
classes : array-like of shape (2,), optional
    Both labels; needed on the first call only if ``y`` holds a single class.

{_RETURNS_SELF}""",
    # the data of the learners' Examples: noisy margin halfspace samples
    "margin_data": """>>> from slam_theory import data, noise
>>> gen = data.MarginHalfspace(d=5, gamma=0.2, random_state=0)
>>> X, y = gen.sample(2000)
>>> y = noise.RCN(0.1).corrupt(y, random_state=1)""",
    # the argument of decision_function and predict (the whole section)
    "X": f"""Parameters
----------
{_X}
    Samples.""",
}
