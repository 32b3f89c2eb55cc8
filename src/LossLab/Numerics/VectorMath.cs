using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossLab.Numerics;

/// <summary>
/// Float32 exp and log for 8 lanes, in single precision throughout (Cody–Waite range reduction and the minimax
/// polynomials of the Cephes library's expf/logf, about 2 ulp). <see cref="Vector256.Exp(Vector256{float})"/>
/// computes in double and is several times slower; the loss kernels are memory-bound only with these.
/// </summary>
internal static class VectorMath
{
    /// <summary>eˣ; 0 below −87.3 (no denormals), +∞ above 88.72.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> tooSmall = Vector256.LessThan(x, Vector256.Create(-87.33654f));
        Vector256<float> tooLarge = Vector256.GreaterThan(x, Vector256.Create(88.72283f));
        Vector256<float> clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.33654f)), Vector256.Create(88.72283f));

        Vector256<float> p = Reduced(clamped, out Vector256<float> shifted);

        // Scale by 2ⁿ through the exponent bits; n + 127 stays in [1, 254] over the clamped range except at the top,
        // where two half steps avoid overflowing the exponent field.
        Vector256<int> ni = shifted.AsInt32() - Vector256.Create(0x4B400000);
        Vector256<int> half = Vector256.ShiftRightArithmetic(ni, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(ni - half + Vector256.Create(127), 23).AsSingle();
        Vector256<float> result = p * s1 * s2;
        result = Vector256.ConditionalSelect(tooSmall, Vector256<float>.Zero, result);
        return Vector256.ConditionalSelect(tooLarge, Vector256.Create(float.PositiveInfinity), result);
    }

    /// <summary>
    /// eˣ for x ≤ 0 (NaN stays NaN): the same polynomial as <see cref="Exp"/> without the overflow guard and with one
    /// exponent scaling, since n = round(x/ln 2) lies in [−126, 0] over the clamped range. For the shifted logits of
    /// softmax and the e^(−|x|) of logistic losses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        Vector256<float> tooSmall = Vector256.LessThan(x, Vector256.Create(-87.33654f));
        Vector256<float> clamped = Vector256.Max(x, Vector256.Create(-87.33654f));
        Vector256<float> p = Reduced(clamped, out Vector256<float> shifted);
        Vector256<float> scale = Vector256.ShiftLeft(shifted.AsInt32() - Vector256.Create(0x4B400000 - 127), 23).AsSingle();
        return Vector256.ConditionalSelect(tooSmall, Vector256<float>.Zero, p * scale);
    }

    /// <summary>log x for positive, finite, normal x (callers guarantee it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        // x = m·2^e with m in [0.5, 1); then fold m into [√½, √2) − 1.
        Vector256<int> bits = x.AsInt32();
        Vector256<float> e = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126));
        Vector256<float> m = ((bits & Vector256.Create(0x007fffff)) | Vector256.Create(0x3f000000)).AsSingle();
        Vector256<float> small = Vector256.LessThan(m, Vector256.Create(0.707106781186547524f));
        e -= small & Vector256<float>.One;
        Vector256<float> f = (m + (small & m)) - Vector256<float>.One;

        return LogPolynomial(f, e);
    }

    /// <summary>
    /// log(1 + e) for e in [0, 1] (NaN stays NaN) with no exponent split and no division:
    /// log1p(e) = e + e²·R(e), R a degree-7 minimax fit of (log1p(e) − e)/e² on [0, 1] (tools/fit_log1p.py), evaluated
    /// by Estrin's scheme with fused multiply-adds. The leading term e is exact, which keeps the precision of tiny e;
    /// the float32 evaluation is within 1.6 ulp of log1p over the whole interval (tested densely against double math).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1PUnit(Vector256<float> e)
    {
        Vector256<float> e2 = e * e;
        Vector256<float> e4 = e2 * e2;
        Vector256<float> q01 = Mad(Vector256.Create(3.332132399e-01f), e, Vector256.Create(-4.999964833e-01f));
        Vector256<float> q23 = Mad(Vector256.Create(1.915372610e-01f), e, Vector256.Create(-2.485718131e-01f));
        Vector256<float> q45 = Mad(Vector256.Create(7.920618355e-02f), e, Vector256.Create(-1.375394762e-01f));
        Vector256<float> q67 = Mad(Vector256.Create(5.365055520e-03f), e, Vector256.Create(-3.006676026e-02f));
        Vector256<float> r = Mad(Mad(q67, e2, q45), e4, Mad(q23, e2, q01));
        return Mad(e2, r, e);
    }

    /// <summary>
    /// 1/a for positive normal a well inside the float range (callers guarantee it; the sigmoid's 1 + e ∈ [1, 2] and a
    /// softmax sum ∈ [1, C]): the 14-bit reciprocal estimate r refined by one Newton step, r + r·(1 − a·r), where the
    /// processor has AVX-512 (relative error about 2⁻²⁸ before the last rounding, within 1 ulp); an exact division elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Reciprocal(Vector256<float> a)
    {
        if (Avx512F.VL.IsSupported)
        {
            Vector256<float> r = Avx512F.VL.Reciprocal14(a);
            return Fma.MultiplyAdd(r, Fma.MultiplyAddNegated(a, r, Vector256<float>.One), r);
        }

        return Vector256<float>.One / a;
    }

    /// <summary>
    /// eʳ for the reduced argument r = x − n·ln 2 (n = round(x/ln 2), ln 2 in two parts, |r| ≤ ½ ln 2) of a clamped x:
    /// the Cephes expf polynomial by Estrin's scheme with fused multiply-adds (a shallow dependency chain, so several
    /// vectors are in flight at once). <paramref name="shifted"/> = x/ln 2 + 1.5·2²³ carries the integer n in its low
    /// mantissa bits, for the exponent scaling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reduced(Vector256<float> clamped, out Vector256<float> shifted)
    {
        shifted = Mad(clamped, Vector256.Create(1.44269504088896341f), Vector256.Create(12582912f));
        Vector256<float> n = shifted - Vector256.Create(12582912f);
        Vector256<float> r = Mad(n, Vector256.Create(2.12194440e-4f), Mad(n, Vector256.Create(-0.693359375f), clamped));
        Vector256<float> r2 = r * r;
        Vector256<float> r4 = r2 * r2;
        Vector256<float> q01 = Mad(Vector256.Create(1.6666665459e-1f), r, Vector256.Create(5.0000001201e-1f));
        Vector256<float> q23 = Mad(Vector256.Create(8.3334519073e-3f), r, Vector256.Create(4.1665795894e-2f));
        Vector256<float> q45 = Mad(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        return Mad(Mad(r4, q45, Mad(r2, q23, q01)), r2, r) + Vector256<float>.One;
    }

    /// <summary>log(2^k·(1 + f)) for f in [√½ − 1, √2 − 1] (Cephes logf's polynomial).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogPolynomial(Vector256<float> f, Vector256<float> k)
    {
        Vector256<float> z = f * f;
        Vector256<float> z2 = z * z;
        Vector256<float> e01 = Mad(Vector256.Create(-2.4999993993e-1f), f, Vector256.Create(3.3333331174e-1f));
        Vector256<float> e23 = Mad(Vector256.Create(-1.6668057665e-1f), f, Vector256.Create(2.0000714765e-1f));
        Vector256<float> e45 = Mad(Vector256.Create(-1.2420140846e-1f), f, Vector256.Create(1.4249322787e-1f));
        Vector256<float> e67 = Mad(Vector256.Create(-1.1514610310e-1f), f, Vector256.Create(1.1676998740e-1f));
        Vector256<float> y = Mad(z2 * z2, Vector256.Create(7.0376836292e-2f), Mad(z2, Mad(z, e67, e45), Mad(z, e23, e01)));
        y = y * f * z;
        y += k * Vector256.Create(-2.12194440e-4f);
        y += Vector256.Create(-0.5f) * z;
        return f + y + (k * Vector256.Create(0.693359375f));
    }

    /// <summary>c₀ + c₁t + … + c₇t⁷ by Horner's rule with fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Polynomial7(Vector256<float> t, float c0, float c1, float c2, float c3, float c4, float c5, float c6, float c7)
    {
        Vector256<float> p = Mad(Vector256.Create(c7), t, Vector256.Create(c6));
        p = Mad(p, t, Vector256.Create(c5));
        p = Mad(p, t, Vector256.Create(c4));
        p = Mad(p, t, Vector256.Create(c3));
        p = Mad(p, t, Vector256.Create(c2));
        p = Mad(p, t, Vector256.Create(c1));
        return Mad(p, t, Vector256.Create(c0));
    }

    /// <summary>a·b + c, fused where the processor has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
