"""Curated mutants of the Numba kernels in ``slam_theory/_kernels/`` (mutmut cannot mutate them).

Each entry is ``(name, file, original text, mutated text, tests)``: ``tools/mutation.py`` writes
the mutated text into a copy of the kernel file, runs ``tests`` (paths or pytest node ids) and
counts a failing run as a kill.  Every original text must occur exactly once in its file (else
the mutant is reported stale).  The mutants are the bugs a kernel can plausibly have and that
would change a result: sign flips, a dropped projection or clip, a wrong step, an off-by-one in
a chunked loop (the last, partial block), ties at zero, a wrong index or stream.
"""

from __future__ import annotations

_SAMPLING = ["tests/test_kernels_sampling.py"]
_LOSSES = ["tests/test_losses.py", "tests/test_kernels_reference.py"]
_SGD = ["tests/test_kernels_reference.py",
        "tests/test_halfspaces.py::test_sgd_kernel_matches_reference",
        "tests/test_halfspaces.py::test_sgd_kernel_constant_step_matches_reference"]
_PERCEPTRON = ["tests/test_kernels_reference.py",
               "tests/test_halfspaces.py::test_perceptron_kernel_matches_reference"]
_LABELS = ["tests/test_kernels_reference.py",
           "tests/test_halfspaces.py::test_any_two_labels_and_ties"]
_FULL_BATCH = ["tests/test_kernels_reference.py",
               "tests/test_halfspaces.py::test_leaky_relu_full_batch_kernel_matches_reference",
               "tests/test_halfspaces.py::test_leaky_relu_full_batch_kernel_projects_onto_the_ball"]
_EXACT = ["tests/test_halfspaces_alg1.py", "tests/test_kernels_reference.py"]
_STUDENTS = ["tests/test_kernels_reference.py",
             "tests/test_distill_student.py::test_epoch_kernels_match_numpy_reference",
             "tests/test_distill.py"]

_RNG = "slam_theory/_kernels/rng.py"
_SMP = "slam_theory/_kernels/sampling.py"
_LOS = "slam_theory/_kernels/losses.py"
_HS = "slam_theory/_kernels/halfspaces.py"
_LR = "slam_theory/_kernels/leaky_relu.py"
_LRP = "slam_theory/_kernels/leaky_relu_plain.py"
_ST = "slam_theory/_kernels/students.py"

KERNEL_MUTANTS: list[tuple[str, str, str, str, list[str]]] = [
    # ------------------------------------------------------------------ rng.py
    ("rng_splitmix_shift", _RNG, "z = (z ^ (z >> _U27)) * _MIX2", "z = (z ^ (z >> _U30)) * _MIX2",
     _SAMPLING),
    ("rng_seed_chain", _RNG, "s2 = splitmix64(s1 ^ key[2])", "s2 = splitmix64(s0 ^ key[2])",
     _SAMPLING),
    ("rng_seed_stream_ignored", _RNG, "^ np.uint64(stream) * _STREAM_MUL)", ")", _SAMPLING),
    ("rng_xoshiro_output", _RNG, "result = _rotl(s0 + s3, _U23) + s0",
     "result = _rotl(s0 + s3, _U23) + s1", _SAMPLING),
    ("rng_xoshiro_rotation", _RNG, "s3 = _rotl(s3, _U45)", "s3 = _rotl(s3, _U23)", _SAMPLING),
    ("rng_double_bits", _RNG, "return float(np.int64(r >> _U11)) * _TWO_M53, s0",
     "return float(np.int64(r >> _U9)) * _TWO_M53, s0", _SAMPLING),
    ("rng_normal_sign_dropped", _RNG, "* (1.0 - 2.0 * float(np.int64((r >> _U8) & _U1)))", "",
     _SAMPLING),
    ("rng_normal_tail_test", _RNG, "if yy + yy > xx * xx:", "if yy > xx * xx:", _SAMPLING),
    ("rng_normal_tail_sign", _RNG, "return -(ZIGGURAT_R + xx), s0", "return ZIGGURAT_R + xx, s0",
     _SAMPLING),
    ("rng_normal_wedge_density", _RNG, "< math.exp(-0.5 * x * x):", "< math.exp(-0.25 * x * x):",
     _SAMPLING),
    ("rng_ziggurat_ki_index", _RNG, "ki[i + 1] = int((dn / tn) * m1)",
     "ki[i] = int((dn / tn) * m1)", _SAMPLING),
    ("rng_ziggurat_fi", _RNG, "fi[i] = math.exp(-0.5 * dn * dn)", "fi[i] = math.exp(-0.5 * dn)",
     _SAMPLING),
    # ------------------------------------------------------------------ sampling.py
    ("sampling_uniforms_block_offset", _SMP, "seed_state(key, block0 + b, 0)",
     "seed_state(key, b, 0)", _SAMPLING),
    ("sampling_uniforms_last_block", _SMP,
     "nblocks = (n + block_rows - 1) // block_rows\n    for b in numba.prange(nblocks):\n"
     "        s0, s1, s2, s3 = seed_state(key, block0 + b, 0)",
     "nblocks = n // block_rows\n    for b in numba.prange(nblocks):\n"
     "        s0, s1, s2, s3 = seed_state(key, block0 + b, 0)", _SAMPLING),
    ("sampling_uniforms_sign_bit", _SMP, "sign[i] = 1.0 if (r & _U1) == _U1 else -1.0",
     "sign[i] = 1.0 if (r & _U1) == _U1 else 1.0", _SAMPLING),
    ("sampling_rows_stream", _SMP, "seed_state(key, block0 + b, 1)",
     "seed_state(key, block0 + b, 0)", _SAMPLING),
    ("sampling_rows_last_block", _SMP,
     "nblocks = (n + block_rows - 1) // block_rows\n    for b in numba.prange(nblocks):\n"
     "        s0, s1, s2, s3 = seed_state(key, block0 + b, 1)",
     "nblocks = n // block_rows\n    for b in numba.prange(nblocks):\n"
     "        s0, s1, s2, s3 = seed_state(key, block0 + b, 1)", _SAMPLING),
    ("sampling_ball_radius", _SMP, "scale *= (1.0 - u) ** inv_m", "scale *= 1.0 - u", _SAMPLING),
    ("sampling_householder_sign", _SMP, "X[i, j] -= c * hh_v[j]", "X[i, j] += c * hh_v[j]",
     _SAMPLING),
    ("sampling_first_coordinate", _SMP, "X[i, 0] = t[i]", "X[i, 0] = r[i]", _SAMPLING),
    ("polar_newton_sign", _SMP, "th1 = th - delta", "th1 = th + delta", _SAMPLING),
    ("polar_newton_dropped", _SMP, "delta = ((p_tab[j] - p) + integral) / g",
     "delta = 0.0 * ((p_tab[j] - p) + integral) / g", _SAMPLING),
    ("polar_expansion_sign", _SMP, "t = cs + delta * sn - hd2 * cs",
     "t = cs - delta * sn - hd2 * cs", _SAMPLING),
    ("polar_hermite_slope", _SMP, "+ (u3 - 2.0 * u2 + u) * h * dtheta_tab[j]",
     "+ (u3 - 2.0 * u2 + u) * h * dtheta_tab[j + 1]", _SAMPLING),
    # ------------------------------------------------------------------ losses.py
    ("leaky_relu_grad_sign", _LOS, "(1.0 - 2.0 * eta)", "(1.0 + 2.0 * eta)", _LOSSES),
    ("softplus_positive_branch", _LOS, "return u + math.log1p(math.exp(-u))",
     "return u + math.log1p(math.exp(u))", _LOSSES),
    ("sigmoid_negative_branch", _LOS, "return e / (1.0 + e)", "return 1.0 / (1.0 + e)", _LOSSES),
    ("logaddexp_branch", _LOS, "if a > b:\n        return a + math.log1p(math.exp(b - a))",
     "if a < b:\n        return a + math.log1p(math.exp(b - a))", _LOSSES),
    ("mixed_nll_derivative_sign", _LOS, "d = -(c1 - c0) * math.exp", "d = (c1 - c0) * math.exp",
     _LOSSES),
    ("loss_label_index", _LOS, "j = 1 if y > 0.0 else 0\n    if loss_id == MIXED:",
     "j = 0 if y > 0.0 else 1\n    if loss_id == MIXED:", _LOSSES),
    ("linear_loss_derivative", _LOS, "a * sigmoid(z) - b * sigmoid(-z)",
     "a * sigmoid(z) + b * sigmoid(-z)", _LOSSES),
    ("loss_dz_mixed_denominator", _LOS, "/ (c1 * s + c0 * sc)", "/ (c0 * s + c1 * sc)", _LOSSES),
    ("loss_dz_mixed_negative_margin", _LOS, "sc = 1.0 / (1.0 + e)\n            s = e * sc",
     "sc = 1.0 / (1.0 + e)\n            s = sc", _LOSSES),
    ("loss_dz_leaky_tie_at_zero", _LOS,
     "sgn = 1.0 if z > 0.0 else (-1.0 if z < 0.0 else 0.0)\n        return",
     "sgn = 1.0 if z >= 0.0 else -1.0\n        return", _LOSSES),
    ("loss_dz_logistic_sign", _LOS, "return -y * sigmoid(-y * z)", "return -y * sigmoid(y * z)",
     _LOSSES),
    # ------------------------------------------------------------------ halfspaces.py
    ("sgd_no_projection", _HS, "if norm2 > r2:", "if False and norm2 > r2:", _SGD),
    ("sgd_step_decay", _HS, "c = (lr0 / math.sqrt(t) if decay else lr0)",
     "c = (lr0 / t if decay else lr0)", _SGD),
    ("sgd_norm_update_sign", _HS, "norm2 = norm2 - 2.0 * c * z + c * c * xx",
     "norm2 = norm2 + 2.0 * c * z + c * c * xx", _SGD),
    ("sgd_average_unscaled", _HS, "vsum[j] += s * vj", "vsum[j] += vj", _SGD),
    ("sgd_fused_next_row_last_step", _HS, "i_next = order[k + 1] if k + 1 < n else i",
     "i_next = order[k + 1] if k + 2 < n else i", _SGD),
    ("sgd_axpy_wrong_row", _HS,
     "v[j] = vj\n        xj = X[i_next, j]\n        a += xj * vj\n        b += xj * xj\n"
     "    return a, b\n\n\n@numba.njit(**JIT_REDUCE)\ndef row_axpy_avg_dot",
     "v[j] = vj\n        xj = X[i, j]\n        a += xj * vj\n        b += xj * xj\n"
     "    return a, b\n\n\n@numba.njit(**JIT_REDUCE)\ndef row_axpy_avg_dot", _SGD),
    ("sgd_record_average", _HS, "rec_coef[r, j] = wsum[j] / t",
     "rec_coef[r, j] = wsum[j] / (t - 1)", _SGD),
    ("sgd_loss_stride", _HS, "if cnt == loss_stride:", "if cnt > loss_stride:", _SGD),
    ("perceptron_ties_not_mistakes", _HS, "if yi * z <= 0.0:", "if yi * z < 0.0:", _PERCEPTRON),
    ("perceptron_average_weight", _HS, "u[j] += ct * xj", "u[j] += yi * xj", _PERCEPTRON),
    ("binary_scan_order", _HS, "if b < a:\n        return b, a, k",
     "if b > a:\n        return b, a, k", _LABELS),
    ("binary_scan_third_label", _HS, "elif v != b:\n                k = 3",
     "elif v == b:\n                k = 3", _LABELS),
    ("encode_pm_sign", _HS, "if v == pos:\n            out[i] = 1.0",
     "if v == pos:\n            out[i] = -1.0", _LABELS),
    ("encode_pm_bad_count", _HS, "out[i] = 0.0\n            bad += 1", "out[i] = 0.0", _LABELS),
    # ------------------------------------------------------------------ leaky_relu.py
    ("alg1_exact_no_projection", _LR, "if project and norm2 > 1.0:",
     "if False and project and norm2 > 1.0:", _EXACT),
    ("alg1_full_batch_no_projection", _LRP, "if norm2 > 1.0:", "if False and norm2 > 1.0:",
     _FULL_BATCH),
    ("alg1_full_batch_step", _LRP, "step = lr / (2.0 * n)\n        for j",
     "step = lr / n\n        for j", _FULL_BATCH),
    ("alg1_full_batch_tie_at_zero", _LRP, "sgn = 1.0 if zk > 0.0 else (-1.0 if zk < 0.0 else 0.0)",
     "sgn = 1.0 if zk >= 0.0 else -1.0", _FULL_BATCH),
    ("alg1_full_batch_last_row_block", _LRP, "i1 = min(i0 + rb, n)", "i1 = min(i0 + rb, n - 1)",
     _FULL_BATCH),
    ("alg1_full_batch_last_iterate_block", _LRP,
     "if nb == _ITER_BLOCK or s == n_steps:\n            best_err, best = _select_block(",
     "if nb == _ITER_BLOCK:\n            best_err, best = _select_block(", _FULL_BATCH),
    ("alg1_objective_leaky_relu", _LRP, "acc += 0.5 * t + h * abs(t)", "acc += 0.5 * t + h * t",
     _FULL_BATCH),
    ("alg1_score_ties_predict_plus", _LRP, "pred = 1.0 if zb[k] >= 0.0 else -1.0",
     "pred = 1.0 if zb[k] > 0.0 else -1.0", _FULL_BATCH),
    ("alg1_score_last_row_block", _LRP, "i1 = min(i0 + _ROW_BLOCK, n_val)",
     "i1 = min(i0 + _ROW_BLOCK, n_val - 1)", _FULL_BATCH),
    ("alg1_transpose_block_gap", _LRP, "i1 = min(i0 + 64, n)", "i1 = min(i0 + 63, n)", _FULL_BATCH),
    ("alg1_exact_held_out_tie_predicts_plus", _LR,
     "p = 1 if row_dot(X_val, i, w) >= 0.0 else -1", "p = 1 if row_dot(X_val, i, w) > 0.0 else -1",
     _EXACT),
    ("alg1_exact_held_out_band", _LR, "if abs(mv[i]) <= xnv[i] * rr:",
     "if abs(mv[i]) <= xnv[i] * rr * 0.01:", _EXACT),
    ("alg1_exact_step", _LR, "step = lr / (2.0 * n)\n    xn", "step = lr / n\n    xn", _EXACT),
    ("alg1_exact_chunk_last_row", _LR, "i1 = (n * (c + 1)) // N_CHUNKS",
     "i1 = max(i0, (n * (c + 1)) // N_CHUNKS - 1)", _EXACT),
    ("alg1_exact_chunk_merge", _LR, "S[j] += dS[c, j]", "S[j] = dS[c, j]", _EXACT),
    ("alg1_exact_candidate_band", _LR, "if abs(m[i]) <= xn[i] * rr:",
     "if abs(m[i]) <= 0.5 * xn[i] * rr:", _EXACT),
    ("alg1_exact_tie_at_zero", _LR, "new = 1 if z > 0.0 else (-1 if z < 0.0 else 0)",
     "new = 1 if z >= 0.0 else -1", _EXACT),
    ("alg1_exact_recheck_tie_at_zero", _LR, "s = 1 if z > 0.0 else (-1 if z < 0.0 else 0)",
     "s = 1 if z >= 0.0 else -1", _EXACT),
    ("alg1_exact_growth_test", _LR, "within = beta1 > 0.0 and e2 <= (r * beta1) ** 2",
     "within = beta1 > 0.0 and e2 <= (2.0 * r * beta1) ** 2", _EXACT),
    ("alg1_exact_objective", _LR, "rec_obj[rec] = ((0.5 - eta) * sw - 0.5 * yw) / n",
     "rec_obj[rec] = ((0.5 - eta) * sw + 0.5 * yw) / n", _EXACT),
    ("alg1_exact_first_minimum", _LR,
     "if e < best_err:\n            best_err = e\n            best = s",
     "if e <= best_err:\n            best_err = e\n            best = s", _EXACT),
    # ------------------------------------------------------------------ students.py
    ("students_softmax_shift", _ST, "if z[j] > mx:", "if z[j] < mx:", _STUDENTS),
    ("students_mixed_gradient_sign", _ST, "dz[j] += f[j] * S", "dz[j] -= f[j] * S", _STUDENTS),
    ("students_mixed_log_space_ratio", _ST,
     "logm = math.log(b) + logf[j]\n                    r = 1.0",
     "logm = math.log(b) + logf[j]\n                    r = b", _STUDENTS),
    ("students_mixed_clip_dropped", _ST, "if m > FLOOR:\n                    logm",
     "if m > 0.0:\n                    logm", _STUDENTS),
    ("students_forward_transpose", _ST, "m += T[i, j] * f[i]", "m += T[j, i] * f[i]", _STUDENTS),
    ("students_taylor_gradient", _ST, "g = -yj * (1.0 + q)", "g = -yj * q", _STUDENTS),
    ("students_batch_gradient_sign", _ST, "dZ[i, j] = dz[j]", "dZ[i, j] = -dz[j]", _STUDENTS),
    ("students_adam_bias_correction", _ST, "theta[p] -= lr * (m[p] / c1)",
     "theta[p] -= lr * m[p]", _STUDENTS),
    ("students_sgd_step_sign", _ST, "theta[p] -= lr * grad[p]", "theta[p] += lr * grad[p]",
     _STUDENTS),
    ("students_logistic_last_batch_mean", _ST, "inv = 1.0 / B", "inv = 1.0 / batch_size",
     _STUDENTS),
    ("students_logistic_bias_gradient", _ST, "grad[nb + k] += dZ[t, k]", "grad[nb + k] += 0.0",
     _STUDENTS),
    ("students_logistic_weights_ignored", _ST,
     "w = weights[i]\n            if w == 0.0:\n                for k",
     "w = 1.0\n            if w == 0.0:\n                for k", _STUDENTS),
    ("students_mlp_relu_backward", _ST, "dh[u] = acc if hu > 0.0 else 0.0", "dh[u] = acc",
     _STUDENTS),
    ("students_mlp_last_batch_mean", _ST, "inv = 1.0 / (stop - start)", "inv = 1.0 / batch_size",
     _STUDENTS),
    # the L2 term of both models' steps (in _update since it is written once; the name is kept
    # for benchmarks/mutation.json)
    ("students_mlp_l2_decay", _ST, "grad[p] += l2 * decay[p] * theta[p]",
     "grad[p] += l2 * theta[p]", _STUDENTS),
]
