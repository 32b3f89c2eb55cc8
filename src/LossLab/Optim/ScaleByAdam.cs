using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Models;
using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// Adam's direction (PyTorch <c>Adam</c>, t = step + 1):
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², (AMSGrad: v̂ ← max(v̂, v) and v̂ replaces v),
/// u = m / (1 − β₁ᵗ) / (√v / √(1 − β₂ᵗ) + ε) — ε is added after bias-correcting √v, as PyTorch does.
/// The learning rate is applied by the next link. β₁ may follow a schedule (one-cycle cycling).
/// </summary>
public sealed record ScaleByAdam : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    public ScaleByAdam(Schedule beta1, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Amsgrad = amsgrad;
    }

    /// <summary>β₁ ∈ [0, 1) (a schedule; a number converts to a constant).</summary>
    public Schedule Beta1 { get; init => field = value ?? throw new ArgumentNullException("betas"); }

    /// <summary>β₂ ∈ [0, 1).</summary>
    public double Beta2 { get; init => field = OptimGuard.Beta(value, "betas"); }

    /// <summary>ε ≥ 0.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>Use the running maximum of v (AMSGrad).</summary>
    public bool Amsgrad { get; init; }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByAdam rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];
        private readonly float[] _v = new float[n];
        private readonly float[] _vMax = rule.Amsgrad ? new float[n] : [];
        private readonly AdamJob? _job = !rule.Amsgrad && n >= AdamJob.SplitMin ? new AdamJob() : null;

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            Coefficients k = Coefficients.At(rule, context);
            int i = 0;
            if (!rule.Amsgrad && updates.Length == _m.Length)
            {
                i = Vectorised(updates, _m, _v, 0, _m.Length, k);
            }

            for (; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i] = (_m[i] * k.B1) + (k.OneMinusB1 * g);
                float v = _v[i] = (_v[i] * k.B2) + (k.OneMinusB2 * g * g);
                if (rule.Amsgrad)
                {
                    v = _vMax[i] = MathF.Max(_vMax[i], v);
                }

                updates[i] = m / ((MathF.Sqrt(v) / k.SqrtBc2) + k.Eps) * k.InverseBc1;
            }
        }

        internal override void UpdateArray(float[] updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            if (_job is null || updates.Length != _m.Length || !IntraOp.Enabled)
            {
                Update(updates, parameters, context);
                return;
            }

            // Element-wise: parameter ranges of AdamJob.Chunk entries on either thread, each entry the same operations.
            _job.Set(updates, _m, _v, Coefficients.At(rule, context));
            IntraOp.Run(_job, (_m.Length + AdamJob.Chunk - 1) / AdamJob.Chunk, split: true);
        }
    }

    /// <summary>
    /// Entries [<paramref name="start"/>, <paramref name="end"/>) eight at a time, with the same operations in the same
    /// order as one at a time (no fused multiply-add; division and square root are correctly rounded in both), so the
    /// bits are the same; returns where the last whole group of eight ended.
    /// </summary>
    private static int Vectorised(Span<float> updates, float[] mState, float[] vState, int start, int end, in Coefficients k)
    {
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vb1 = Vector256.Create(k.B1), vb2 = Vector256.Create(k.B2), ve = Vector256.Create(k.Eps);
            Vector256<float> va1 = Vector256.Create(k.OneMinusB1), va2 = Vector256.Create(k.OneMinusB2);
            Vector256<float> vs = Vector256.Create(k.SqrtBc2), vc = Vector256.Create(k.InverseBc1);
            ref float u0 = ref MemoryMarshal.GetReference(updates);
            ref float m0 = ref MemoryMarshal.GetArrayDataReference(mState);
            ref float v0 = ref MemoryMarshal.GetArrayDataReference(vState);
            for (; i <= end - 8; i += 8)
            {
                Vector256<float> g = Vector256.LoadUnsafe(ref u0, (nuint)i);
                Vector256<float> m = (Vector256.LoadUnsafe(ref m0, (nuint)i) * vb1) + (va1 * g);
                Vector256<float> v = (Vector256.LoadUnsafe(ref v0, (nuint)i) * vb2) + (va2 * g * g);
                m.StoreUnsafe(ref m0, (nuint)i);
                v.StoreUnsafe(ref v0, (nuint)i);
                (m / ((Vector256.Sqrt(v) / vs) + ve) * vc).StoreUnsafe(ref u0, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>The float coefficients of one step.</summary>
    private readonly record struct Coefficients(float B1, float B2, float Eps, float OneMinusB1, float OneMinusB2, float InverseBc1, float SqrtBc2)
    {
        public static Coefficients At(ScaleByAdam rule, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step);
            double t = context.T;
            return new Coefficients(
                (float)beta1,
                (float)rule.Beta2,
                (float)rule.Eps,
                (float)(1 - beta1),
                (float)(1 - rule.Beta2),
                (float)(1 / (1 - Math.Pow(beta1, t))),
                (float)Math.Sqrt(1 - Math.Pow(rule.Beta2, t)));
        }
    }

    /// <summary>Adam's element-wise update in chunks of <see cref="Chunk"/> parameters (for <see cref="IntraOp"/>).</summary>
    private sealed class AdamJob : IntraOpJob
    {
        /// <summary>Parameters per chunk (a multiple of 8).</summary>
        public const int Chunk = 1 << 16;

        /// <summary>Vectors of at least this many parameters are split.</summary>
        public const int SplitMin = 1 << 18;

        private float[] _u = [];
        private float[] _m = [];
        private float[] _v = [];
        private Coefficients _k;

        public void Set(float[] updates, float[] m, float[] v, Coefficients k) => (_u, _m, _v, _k) = (updates, m, v, k);

        public override void Run(int first, int end, int slot)
        {
            int start = first * Chunk, stop = Math.Min(_m.Length, end * Chunk);
            int i = Vectorised(_u, _m, _v, start, stop, _k);
            for (; i < stop; i++)
            {
                float g = _u[i];
                float m = _m[i] = (_m[i] * _k.B1) + (_k.OneMinusB1 * g);
                float v = _v[i] = (_v[i] * _k.B2) + (_k.OneMinusB2 * g * g);
                _u[i] = m / ((MathF.Sqrt(v) / _k.SqrtBc2) + _k.Eps) * _k.InverseBc1;
            }
        }
    }
}

/// <summary>Checks shared by the optimizer transforms.</summary>
internal static class OptimGuard
{
    /// <summary>A decay rate β ∈ [0, 1).</summary>
    public static double Beta(double value, string name)
        => value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} entries must lie in [0, 1)");
}
