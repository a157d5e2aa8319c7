"""Slow, obvious references that kernels and statistics are tested against."""


# ---------------------------------------------------------------------- halfspaces (DDKWZ23 Alg. 1)
def leaky_relu_alg1_trajectory(X, y, eta, n_steps, lr, project=True):
    """Every iterate ``w_0 = 0, ..., w_T`` of DDKWZ23 Algorithm 1, the plain full-batch loop.

    ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w . x_i) - y_i] x_i`` with numpy's ``sign(0) = 0``,
    ``w <- w - lr g(w)``, then projected onto the unit ball (unless ``project=False``).
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    n, d = X.shape
    w = np.zeros(d)
    out = [w.copy()]
    for _ in range(n_steps):
        g = (((1.0 - 2.0 * eta) * np.sign(X @ w) - y)[:, None] * X).sum(axis=0) / (2.0 * n)
        w = w - lr * g
        nrm = np.linalg.norm(w)
        if project and nrm > 1.0:
            w = w / nrm
        out.append(w.copy())
    return np.array(out)


# ---------------------------------------------------------------------- convergence (forward SGD)
def forward_loss_naive(u, eta):
    """``f(u) = -log((1 - eta) sigmoid(u) + eta sigmoid(-u))`` by the textbook formula."""
    import math

    s = 1.0 / (1.0 + math.exp(-u))
    return -math.log((1.0 - eta) * s + eta * (1.0 - s))


def projected_sgd_naive(X, y, eta, order, step, radius):
    """Projected SGD on the forward loss, one sample at a time, and the average of w_1..w_T.

    ``w_1 = 0``; ``w_{t+1} = Proj_{||w|| <= radius}(w_t - step f'(y_i w_t.x_i) y_i x_i)`` with
    ``f'`` by a central finite difference of :func:`forward_loss_naive`; returns ``(average,
    last)`` with ``average = (w_1 + ... + w_T)/T``.
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    total = np.zeros_like(w)
    h = 1e-6
    for i in order:
        total += w
        u = y[i] * (X[i] @ w)
        fp = (forward_loss_naive(u + h, eta) - forward_loss_naive(u - h, eta)) / (2 * h)
        w = w - step * fp * y[i] * X[i]
        nrm = np.linalg.norm(w)
        if nrm > radius:
            w = w * (radius / nrm)
    return total / len(order), w


def ball_minimum_naive(X, y, eta, radius, n_steps=20000):
    """``min_{||w|| <= radius} F`` by plain projected gradient descent with step ``1/L``."""
    import numpy as np

    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        u = y * (X @ w)
        s = 1.0 / (1.0 + np.exp(-u))
        fp = -(1.0 - 2.0 * eta) * s * (1.0 - s) / (eta + (1.0 - 2.0 * eta) * s)
        g = (fp * y) @ X / X.shape[0]
        w = w - 4.0 * g
        nrm = np.linalg.norm(w)
        if nrm > radius:
            w = w * (radius / nrm)
    u = y * (X @ w)
    return float(np.mean([forward_loss_naive(v, eta) for v in u])), w


# ---------------------------------------------------------------------- data (MarginHalfspace)
def margin_t_and_r_scipy(gen, v, sign):
    """Reference for ``MarginHalfspace._t_and_r``: ``s = 1 - t^2`` by ``scipy.special.betaincinv``.

    ``s = betaincinv(b, 1/2, (1 - v) Q)`` with ``b = (d - 1)/2`` (sphere) or ``(d + 1)/2``
    (ball) and ``Q = gen.mass``; returns ``(sign * t, sqrt(s))`` with ``t = sqrt(1 - s)``.
    """
    import numpy as np
    from scipy import special

    b = (gen.d - 1) / 2.0 if gen.marginal == "sphere" else (gen.d + 1) / 2.0
    if gen.gamma >= 1.0:
        s = np.zeros_like(v)
    else:
        s = special.betaincinv(b, 0.5, (1.0 - v) * gen.mass)
        np.minimum(s, 1.0 - gen.gamma**2, out=s)
    t = np.sqrt(1.0 - s)
    np.maximum(t, gen.gamma, out=t)
    return sign * t, np.sqrt(s)
