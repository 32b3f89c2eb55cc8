#!/usr/bin/python3
"""Fits the polynomials of LossLab's fused log-cosh kernel (src/LossLab/Losses/Regression/LogCosh.cs).

Below |z| = 1 the kernel computes log cosh z = t·P(t) and tanh z = z·Q(t) with t = z². P and Q are degree-7
polynomials fitted on t in [0, 1] by weighted least squares with iterative reweighting toward the largest relative
error (Lawson's algorithm), so the result is close to the minimax fit. The script prints the float32 coefficients
(lowest degree first) and the largest relative error of a float32 Horner evaluation on 200,001 points.

Run with Debian's interpreter, which has numpy: /usr/bin/python3 tools/fit_log_cosh.py
"""
import numpy as np
from numpy.polynomial import polynomial as P


def log_cosh_over_t(t):
    out = np.empty_like(t)
    small = t < 1e-6
    out[small] = 0.5 - t[small] / 12 + t[small] ** 2 / 45
    out[~small] = np.log(np.cosh(np.sqrt(t[~small]))) / t[~small]
    return out


def tanh_over_a(t):
    out = np.empty_like(t)
    small = t < 1e-6
    out[small] = 1 - t[small] / 3 + 2 * t[small] ** 2 / 15
    a = np.sqrt(t[~small])
    out[~small] = np.tanh(a) / a
    return out


def fit(f, degree):
    x = 0.5 * (1 - np.cos(np.pi * (np.arange(4000) + 0.5) / 4000))
    y = f(x)
    w = np.ones_like(x)
    for _ in range(50):
        c = P.polyfit(x, y, degree, w=np.sqrt(w))
        err = np.abs(P.polyval(x, c) - y) / np.abs(y)
        w = w * (err / err.max() + 1e-3)
        w /= w.sum()
    return c.astype(np.float32)


def float32_error(f, c):
    xs = np.linspace(0, 1, 200001)
    t = xs.astype(np.float32)
    acc = np.full_like(t, c[-1])
    for k in range(len(c) - 2, -1, -1):
        acc = (acc * t + c[k]).astype(np.float32)
    return np.max(np.abs(acc.astype(np.float64) - f(xs)) / f(xs))


for name, f in (("P (log cosh z = t·P(t))", log_cosh_over_t), ("Q (tanh z = z·Q(t))", tanh_over_a)):
    c = fit(f, 7)
    print(name)
    print("  " + ", ".join("%.9ef" % v for v in c))
    print("  float32 evaluation: largest relative error %.2e" % float32_error(f, c))
