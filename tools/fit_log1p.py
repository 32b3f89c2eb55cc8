#!/usr/bin/python3
"""Fits the polynomial of LossLab's log1p on [0, 1] (VectorMath.Log1PUnit in src/LossLab/Numerics/VectorMath.cs).

The kernel computes log1p(e) = e + e²·R(e) for e in [0, 1] with no exponent split; R is a degree-7 polynomial fitted
to (log1p(e) − e)/e² by weighted least squares with iterative reweighting toward the largest error of the result
relative to log1p(e) (Lawson's algorithm), so the fit is close to minimax. The script prints the float32
coefficients (lowest degree first) and the largest error in ulps of a float32 evaluation in the kernel's order
(Estrin's scheme with fused multiply-adds, each rounded to float32) on 2,000,000 evenly spaced points and 200,000
points spaced evenly in log scale down to 1e-38, against numpy's double log1p.

Run with Debian's interpreter, which has numpy: /usr/bin/python3 tools/fit_log1p.py [degree]
"""
import sys

import numpy as np
from numpy.polynomial import polynomial as P


def r_exact(e):
    out = np.empty_like(e)
    small = e < 1e-3
    es = e[small]
    out[small] = -0.5 + es / 3 - es ** 2 / 4 + es ** 3 / 5 - es ** 4 / 6
    en = e[~small]
    out[~small] = (np.log1p(en) - en) / en ** 2
    return out


def fit(degree):
    x = 0.5 * (1 - np.cos(np.pi * (np.arange(6000) + 0.5) / 6000))
    y = r_exact(x)
    target = np.log1p(x)
    w = np.ones_like(x)
    for _ in range(80):
        c = P.polyfit(x, y, degree, w=np.sqrt(w))
        err = np.abs(x * x * (P.polyval(x, c) - y)) / np.maximum(target, 1e-300)
        w = w * (err / err.max() + 1e-3)
        w /= w.sum()
    return c.astype(np.float32), err.max()


def f32(a):
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def fma(a, b, c):
    # The product of two float32 values is exact in double, so one rounding of a·b + c to float32 is a fused multiply-add.
    return f32(a * b + c)


def evaluate(e, c):
    """e + e²·R(e) in float32 in the kernel's order: pairs c[2k] + c[2k+1]·e, combined with e² and e⁴."""
    e = f32(e)
    e2 = f32(e * e)
    power = e2
    q = [fma(c[2 * k + 1], e, c[2 * k]) if 2 * k + 1 < len(c) else np.full_like(e, c[2 * k]) for k in range((len(c) + 1) // 2)]
    while len(q) > 1:
        q = [fma(q[k + 1], power, q[k]) if k + 1 < len(q) else q[k] for k in range(0, len(q), 2)]
        power = f32(power * power)
    return fma(e2, q[0], e)


degree = int(sys.argv[1]) if len(sys.argv) > 1 else 7
coefficients, fit_error = fit(degree)
xs = f32(np.concatenate([np.linspace(0, 1, 2000001)[1:], np.exp(np.linspace(np.log(1e-38), 0, 200001))]))
reference = np.log1p(xs)
ulp = np.spacing(reference.astype(np.float32)).astype(np.float64)
result = evaluate(xs, coefficients.astype(np.float64))
print("R, degree %d (log1p(e) = e + e^2 R(e)), lowest degree first:" % degree)
print("  " + ", ".join("%.9ef" % v for v in coefficients))
print("  fit: largest relative error %.2e; float32 evaluation: largest error %.3f ulp, relative %.2e"
      % (fit_error, np.max(np.abs(result - reference) / ulp), np.max(np.abs(result - reference) / reference)))
