using System.Numerics;

namespace LossLab.Numerics;

/// <summary>Numerically stable scalar helpers, generic over float and double.</summary>
internal static class Num
{
    /// <summary>Converts a double constant to <typeparamref name="T"/>.</summary>
    public static T C<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>Converts to double for accumulation.</summary>
    public static double D<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => double.CreateTruncating(value);

    /// <summary>softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^(−|x|)).</summary>
    public static T Softplus<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => T.Max(x, T.Zero) + Log1P(T.Exp(-T.Abs(x)));

    /// <summary>log σ(x) = −softplus(−x).</summary>
    public static T LogSigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => -Softplus(-x);

    /// <summary>σ(x) = 1 / (1 + e^(−x)), without overflow for large |x|.</summary>
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x >= T.Zero)
        {
            return T.One / (T.One + T.Exp(-x));
        }

        T e = T.Exp(x);
        return e / (T.One + e);
    }

    /// <summary>log(1 + x), accurate for small x (Goldberg's correction: log(u)·x/(u − 1) with u = 1 + x).</summary>
    public static T Log1P<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        if (u == T.One)
        {
            return x;
        }

        if (T.IsPositiveInfinity(u))
        {
            return u;
        }

        return T.Log(u) * x / (u - T.One);
    }

    /// <summary>eˣ − 1, accurate for small x.</summary>
    public static T ExpM1<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.Abs(x) >= C<T>(0.5))
        {
            return T.Exp(x) - T.One;
        }

        T u = T.Exp(x);
        if (u == T.One)
        {
            return x;
        }

        T um1 = u - T.One;
        return um1 == -T.One ? -T.One : um1 * x / T.Log(u);
    }

    /// <summary>
    /// The difference p − t as m·z: z = p − t and m = 1, or, when p − t overflows although both are finite,
    /// z = p/2 − t/2 and m = 2 (so the exact difference, up to rounding, is m·z without leaving the range).
    /// </summary>
    public static T Difference<T>(T p, T t, out T m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T z = p - t;
        if (T.IsInfinity(z) && T.IsFinite(p) && T.IsFinite(t))
        {
            T half = C<T>(0.5);
            m = C<T>(2);
            return (p * half) - (t * half);
        }

        m = T.One;
        return z;
    }

    /// <summary>sign(x) with sign(0) = 0 (PyTorch's <c>sgn</c>).</summary>
    public static T Sign<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;

    /// <summary>x·log(y) with 0·log(y) = 0 (PyTorch's <c>xlogy</c>).</summary>
    public static T XLogY<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>
        => x == T.Zero && !T.IsNaN(y) ? T.Zero : x * T.Log(y);
}
