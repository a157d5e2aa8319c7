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


# ---------------------------------------------------------------------- scalar losses (SGD kernels)
def binary_loss_naive(loss_id, z, y, p):
    """``(loss, dloss/dz)`` of one sample by the textbook formulas (scipy's ``expit``).

    ``loss_id`` 0 logistic ``log(1 + e^{-yz})``; 1 mixed ``-log(c1 s + c0 (1 - s))`` with
    ``s = expit(z)``, ``(c0, c1) = (p[j], p[2 + j])``; 2 linear ``a log(1 + e^z) + b log(1 +
    e^{-z})`` with ``(a, b) = (p[2j], p[2j + 1])``; 3 LeakyReLU ``t/2 + (1/2 - eta)|t|``,
    ``t = -yz``, derivative ``((1 - 2 eta) sign(z) - y)/2`` with ``sign(0) = 0``; ``j = 1``
    if ``y > 0`` else 0.
    """
    import math

    from scipy.special import expit

    j = 1 if y > 0 else 0
    if loss_id == 0:
        return math.log1p(math.exp(-y * z)), -y * float(expit(-y * z))
    if loss_id == 1:
        c0, c1 = p[j], p[2 + j]
        s, sm = float(expit(z)), float(expit(-z))
        q = c1 * s + c0 * sm
        return -math.log(q), -(c1 - c0) * s * sm / q
    if loss_id == 2:
        a, b = p[2 * j], p[2 * j + 1]
        return (a * math.log1p(math.exp(z)) + b * math.log1p(math.exp(-z)),
                a * float(expit(z)) - b * float(expit(-z)))
    eta = p[0]
    t = -y * z
    sgn = (z > 0) - (z < 0)
    return 0.5 * t + (0.5 - eta) * abs(t), 0.5 * ((1.0 - 2.0 * eta) * sgn - y)


def sgd_naive(X, y, order, w0, loss_id, p, scale, lr0, t0, radius, average, decay=True):
    """Projected SGD, one sample at a time, with :func:`binary_loss_naive`'s derivative.

    Step ``t = t0 + k + 1`` on sample ``i = order[k]``: ``w <- Proj_{||w|| <= radius}(w -
    (lr0 / sqrt(t) if decay else lr0) * scale * f'(scale w.x_i) x_i)``; returns ``(w, wsum,
    iterates)`` with ``wsum`` the sum of the iterates after each step if ``average`` (else 0).
    """
    import math

    import numpy as np

    w = np.array(w0, dtype=float)
    wsum = np.zeros_like(w)
    its = []
    for k, i in enumerate(order):
        t = t0 + k + 1
        _, dl = binary_loss_naive(loss_id, scale * float(X[i] @ w), float(y[i]), p)
        w = w - (lr0 / math.sqrt(t) if decay else lr0) * scale * dl * X[i]
        nrm = float(np.linalg.norm(w))
        if nrm > radius:
            w = w * (radius / nrm)
        if average:
            wsum = wsum + w
        its.append(w.copy())
    return w, wsum, np.array(its)


def perceptron_naive(X, y, order, t0=0):
    """The Perceptron (ties ``y w.x = 0`` are mistakes): ``(w, u, mistakes)`` with ``u = sum
    t y_i x_i`` over the mistakes at global steps ``t``."""
    import numpy as np

    w = np.zeros(X.shape[1])
    u = np.zeros(X.shape[1])
    mistakes = 0
    for k, i in enumerate(order):
        if y[i] * (X[i] @ w) <= 0:
            w = w + y[i] * X[i]
            u = u + (t0 + k + 1) * y[i] * X[i]
            mistakes += 1
    return w, u, mistakes


def binary_scan_naive(y):
    """``(lo, hi, k)``: ``k`` = number of distinct labels capped at 3; ``lo, hi`` the two (or
    the one, twice) distinct values if ``k <= 2``."""
    import numpy as np

    u = np.unique(y)
    if u.size > 2:
        return None, None, 3
    return u[0], u[-1], int(u.size)


def encode_pm_naive(y, neg, pos):
    """``(+1 where y == pos, -1 where y == neg, 0 elsewhere; number of other labels)``."""
    import numpy as np

    y = np.asarray(y)
    out = np.where(y == pos, 1.0, np.where(y == neg, -1.0, 0.0))
    return out, int(np.sum((y != pos) & (y != neg)))


def heldout_errors_naive(W, Xv, yv):
    """``mean(pred(w . x) != y)`` for every row ``w`` of ``W``, with ties predicting +1."""
    import numpy as np

    return np.mean(np.where(np.asarray(W) @ Xv.T >= 0, 1.0, -1.0) != yv, axis=1)


# ---------------------------------------------------------------------- distillation students
_FLOOR = 1e-12


def student_loss_grad_naive(z, y, alpha, c, T, kind):
    """One example's loss and its logit gradient: ``dL/dz = J^T dL/df`` with the softmax
    Jacobian ``J = diag(f) - f f^T``, ``f = softmax(z)``.

    ``kind`` 0: ``-sum_j y_j log m_j``, ``m_j = alpha f_j + (1 - alpha) c_j (1 - f_j)``; 1:
    ``-sum_j y_j log (T^T f)_j``; 2: ``sum_j y_j [(1 - f_j) + (1 - f_j)^2 / 2]``.  A probability
    at or below ``1e-12`` is replaced by ``1e-12`` (zero gradient there); entries with
    ``y_j = 0`` contribute nothing.  In kind 0 a term with ``(1 - alpha) c_j = 0`` is
    ``-y_j (log alpha + log f_j)`` (never clipped; gradient ``-y_j (e_j - f)``) if ``alpha >
    0``, and ``-y_j log 1e-12`` if ``alpha = 0``.
    """
    import numpy as np

    z = np.asarray(z, dtype=float)
    f = np.exp(z - z.max())
    f /= f.sum()
    log_f = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    y = np.asarray(y, dtype=float)
    K = z.size
    dLdf = np.zeros(K)
    dz_log = np.zeros(K)
    loss = 0.0
    if kind in (0, 1):
        if kind == 0:
            m = alpha * f + (1 - alpha) * np.asarray(c) * (1 - f)
            dm = np.diag(alpha - (1 - alpha) * np.asarray(c))  # dm_j / df_i
        else:
            m = np.asarray(T).T @ f
            dm = np.asarray(T)
        for j in range(K):
            if y[j] == 0:
                continue
            if kind == 0 and (1 - alpha) * c[j] == 0:
                if alpha > 0:
                    loss -= y[j] * (np.log(alpha) + log_f[j])
                    dz_log -= y[j] * (np.eye(K)[j] - f)
                else:
                    loss -= y[j] * np.log(_FLOOR)
                continue
            if m[j] > _FLOOR:
                loss -= y[j] * np.log(m[j])
                dLdf -= y[j] * dm[:, j] / m[j]
            else:
                loss -= y[j] * np.log(_FLOOR)
    else:
        q = 1 - f
        loss = float(np.sum(y * (q + q * q / 2)))
        dLdf = -y * (1 + q)
    J = np.diag(f) - np.outer(f, f)
    return float(loss), J.T @ dLdf + dz_log


def student_epoch_naive(model, X, Y, alpha, C, T, kinds, w, perm, bs, theta, H, lr, l2, adam,
                        decay, beta1=0.9, beta2=0.999, eps=1e-8):
    """One epoch of minibatch SGD/Adam for the students with :func:`student_loss_grad_naive`.

    The minibatch gradient is ``mean_i w_i grad loss_i + l2 decay theta`` (the mean over all
    rows of the minibatch, weight 0 included); returns ``(theta, sum_i w_i loss_i)``.
    """
    import numpy as np

    theta = np.array(theta, dtype=float)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    n, d = X.shape
    Kc = Y.shape[1]
    total = 0.0
    step = 0
    for s in range(0, n, bs):
        idx = perm[s:s + bs]
        xb = X[idx]
        if model == "logistic":
            W = theta[: d * Kc].reshape(d, Kc)
            Z = xb @ W + theta[d * Kc:]
        else:
            W1 = theta[: d * H].reshape(d, H)
            o2 = d * H + H
            W2 = theta[o2: o2 + H * Kc].reshape(H, Kc)
            h = np.maximum(xb @ W1 + theta[d * H: o2], 0)
            Z = h @ W2 + theta[o2 + H * Kc:]
        dZ = np.zeros_like(Z)
        for r, i in enumerate(idx):
            if w[i] == 0:
                continue
            loss, g = student_loss_grad_naive(Z[r], Y[i], alpha[i], C[i], T, kinds[i])
            total += w[i] * loss
            dZ[r] = g * w[i] / len(idx)
        if model == "logistic":
            g = np.concatenate([(xb.T @ dZ).ravel(), dZ.sum(0)])
        else:
            dh = (dZ @ W2.T) * (h > 0)
            g = np.concatenate([(xb.T @ dh).ravel(), dh.sum(0), (h.T @ dZ).ravel(), dZ.sum(0)])
        g = g + l2 * decay * theta
        step += 1
        if adam:
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            theta -= lr * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
        else:
            theta -= lr * g
    return theta, total
