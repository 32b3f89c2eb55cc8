using System.Numerics.Tensors;

namespace LossLab.Optim;

/// <summary>
/// The objective L-BFGS re-evaluates (PyTorch's closure): returns f(<paramref name="parameters"/>) and writes ∇f to
/// <paramref name="gradient"/>, which is zeroed before every call.
/// </summary>
/// <param name="parameters">The point to evaluate at (float32).</param>
/// <param name="gradient">Receives the gradient, one entry per parameter.</param>
/// <returns>The loss, a float32 value as PyTorch's closure returns a float32 tensor.</returns>
public delegate float Objective(ReadOnlySpan<float> parameters, Span<float> gradient);

/// <summary>
/// L-BFGS with PyTorch 1.13's <c>torch.optim.LBFGS</c> semantics: one <see cref="Step"/> is one
/// <c>optimizer.step(closure)</c> — up to <c>max_iter</c> quasi-Newton iterations, each a two-loop recursion over the
/// last <c>history_size</c> curvature pairs (kept when y·s &gt; 1e-10, initial inverse Hessian H₀ = (s·y)/(y·y)) and
/// either a fixed step (the very first one min(1, 1/‖g‖₁)·lr, then lr) or a strong-Wolfe line search with cubic
/// interpolation (c₁ = 1e-4, c₂ = 0.9, at most 25 evaluations). The state — direction, step, history, previous
/// gradient, counters — carries over from one <see cref="Step"/> to the next exactly as PyTorch's does.
/// </summary>
/// <remarks>
/// Parameters, gradients and vector arithmetic are float32, rounded where PyTorch's CPU kernels round: dot products
/// accumulate in float32 from the first entry to the last (BLAS <c>sdot</c>), <c>p + α·d</c> is a fused multiply-add
/// (ATen's AVX2 kernels), and the scalars (step t, slopes, interpolation) are Python floats or float32 tensors
/// following PyTorch's promotion rules. Checked against PyTorch 1.13 on the CPU (AVX2 kernels, reference BLAS): the
/// trajectories, losses and evaluation counts agree bit for bit (<c>tools/generate_lbfgs_goldens.py</c>). A PyTorch
/// built on OpenBLAS or MKL sums long dot products in another order, so there the last bits of long vectors differ.
/// The runner allocates its buffers up front, and one vector pair per history slot the first time it is filled;
/// a <see cref="Step"/> allocates nothing after that.
/// </remarks>
public sealed class Lbfgs
{
    private const double C1 = 1e-4;
    private const double C2 = 0.9;
    private const int MaxLineSearch = 25;
    private const int InitialHistoryCapacity = 16;

    // PyTorch's LBFGS.step calls _strong_wolfe without its tolerance_change, so the line search keeps the default.
    private const double LineSearchToleranceChange = 1e-9;

    private readonly int _n;
    private readonly int _historySize;
    private readonly float[] _flatGrad;
    private readonly float[] _prevFlatGrad;
    private readonly float[] _d;

    // line search buffers (strong_wolfe only)
    private readonly float[] _xInit;
    private readonly float[] _gInit;
    private readonly float[] _gNew;
    private readonly float[] _gPrev;
    private readonly float[][] _bracketG;
    private readonly TorchScalar[] _bracket = new TorchScalar[2];
    private readonly double[] _bracketF = new double[2];
    private readonly TorchScalar[] _bracketGtd = new TorchScalar[2];

    private float[] _y;
    private float[] _s;

    // the history: a ring of (y, s, ρ = 1/y·s) in order from _historyStart; it grows (doubling) until it holds
    // history_size pairs and only then starts to wrap, so _historyStart stays 0 while it grows
    private float[]?[] _oldDirs;
    private float[]?[] _oldStps;
    private float[] _ro;
    private float[] _al;
    private int _historyStart;
    private int _historyCount;
    private float _hDiag = 1;
    private TorchScalar _t;

    /// <summary>Creates the runner (PyTorch's optimizer object) for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="options">The hyper-parameters.</param>
    /// <param name="parameterCount">The number of parameters (≥ 1).</param>
    public Lbfgs(LbfgsOptions options, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        Options = options;
        _n = parameterCount;
        _historySize = options.HistorySize;
        _flatGrad = new float[_n];
        _prevFlatGrad = new float[_n];
        _d = new float[_n];
        _y = new float[_n];
        _s = new float[_n];
        int capacity = Math.Min(_historySize, InitialHistoryCapacity);
        _oldDirs = new float[]?[capacity];
        _oldStps = new float[]?[capacity];
        _ro = new float[capacity];
        _al = new float[capacity];
        bool lineSearch = options.LineSearchFn is not null;
        _xInit = lineSearch ? new float[_n] : [];
        _gInit = lineSearch ? new float[_n] : [];
        _gNew = lineSearch ? new float[_n] : [];
        _gPrev = lineSearch ? new float[_n] : [];
        _bracketG = lineSearch ? [new float[_n], new float[_n]] : [[], []];
    }

    /// <summary>Creates the runner with PyTorch's default hyper-parameters.</summary>
    /// <param name="parameterCount">The number of parameters (≥ 1).</param>
    public Lbfgs(int parameterCount)
        : this(new LbfgsOptions(), parameterCount)
    {
    }

    /// <summary>The hyper-parameters.</summary>
    public LbfgsOptions Options { get; }

    /// <summary>The number of parameters.</summary>
    public int ParameterCount => _n;

    /// <summary>The objective evaluations so far, over all steps (PyTorch's <c>state['func_evals']</c>).</summary>
    public long FunctionEvaluations { get; private set; }

    /// <summary>The inner iterations so far, over all steps (PyTorch's <c>state['n_iter']</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>The number of curvature pairs held (at most <see cref="LbfgsOptions.HistorySize"/>).</summary>
    public int HistoryCount => _historyCount;

    /// <summary>The current search direction d (PyTorch's <c>state['d']</c>; zeros before the first iteration).</summary>
    public ReadOnlySpan<float> Direction => _d;

    /// <summary>The last step length t, rounded to float32 as it is applied (PyTorch's <c>state['t']</c>; 0 before the first iteration).</summary>
    public float StepLength => _t.Single;

    /// <summary>Forgets the state (history, direction, counters), as a freshly created PyTorch optimizer.</summary>
    public void Reset()
    {
        Array.Clear(_d);
        Array.Clear(_prevFlatGrad);
        _historyStart = 0;
        _historyCount = 0;
        _hDiag = 1;
        _t = 0.0;
        FunctionEvaluations = 0;
        Iterations = 0;
    }

    /// <summary>
    /// One PyTorch <c>optimizer.step(closure)</c>: evaluates the objective at <paramref name="parameters"/>, then runs up
    /// to <c>max_iter</c> iterations, updating <paramref name="parameters"/> in place. During a line search the trial
    /// points are written to <paramref name="parameters"/> for the call and restored afterwards.
    /// </summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="objective">The closure: the loss at its argument, and the gradient.</param>
    /// <returns>The loss at the starting point (PyTorch's <c>orig_loss</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> has the wrong length.</exception>
    public float Step(Span<float> parameters, Objective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (parameters.Length != _n)
        {
            throw new ArgumentException($"L-BFGS was created for {_n} parameters, got {parameters.Length}", nameof(parameters));
        }

        LbfgsOptions o = Options;
        double lr = o.Lr;
        int maxIter = o.MaxIter;
        int maxEval = o.EffectiveMaxEval;
        TorchScalar toleranceGrad = o.ToleranceGrad;
        TorchScalar toleranceChange = o.ToleranceChange;
        bool lineSearch = o.LineSearchFn is not null;

        // evaluate the initial f(x) and ∇f(x)
        float origLoss = Call(objective, parameters, _flatGrad);
        double loss = origLoss;
        int currentEvals = 1;
        FunctionEvaluations++;

        bool optCond = TorchScalar.Tensor(MaxAbs(_flatGrad)) <= toleranceGrad;
        if (optCond)
        {
            return origLoss;
        }

        int nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            Iterations++;

            // direction
            if (Iterations == 1)
            {
                TensorPrimitives.Negate(_flatGrad, _d);
                _historyStart = 0;
                _historyCount = 0;
                _hDiag = 1;
            }
            else
            {
                UpdateMemory();
                TwoLoop();
            }

            _flatGrad.CopyTo(_prevFlatGrad);
            double prevLoss = loss;

            // step length
            _t = Iterations == 1
                ? TorchScalar.Min(1.0, 1.0 / TorchScalar.Tensor(SumAbs(_flatGrad))) * lr
                : lr;

            TorchScalar gtd = TorchScalar.Tensor(Dot(_flatGrad, _d));
            if (gtd > -toleranceChange)
            {
                break;
            }

            int lsFuncEvals = 0;
            if (lineSearch)
            {
                parameters.CopyTo(_xInit);
                (loss, _t, lsFuncEvals) = StrongWolfe(objective, parameters, _t, loss, gtd);
                AddScaled(parameters, _t.Single, _d);
                optCond = TorchScalar.Tensor(MaxAbs(_flatGrad)) <= toleranceGrad;
            }
            else
            {
                AddScaled(parameters, _t.Single, _d);
                if (nIter != maxIter)
                {
                    // re-evaluate except on the last iteration (PyTorch: no use in a stochastic setting)
                    loss = Call(objective, parameters, _flatGrad);
                    optCond = TorchScalar.Tensor(MaxAbs(_flatGrad)) <= toleranceGrad;
                    lsFuncEvals = 1;
                }
            }

            currentEvals += lsFuncEvals;
            FunctionEvaluations += lsFuncEvals;

            // stopping conditions
            if (nIter == maxIter || currentEvals >= maxEval || optCond)
            {
                break;
            }

            if (TorchScalar.Tensor(MaxAbsScaled(_d, _t.Single)) <= toleranceChange)
            {
                break; // lack of progress: tiny step
            }

            if (Math.Abs(loss - prevLoss) < o.ToleranceChange)
            {
                break; // lack of progress: flat loss
            }
        }

        return origLoss;
    }

    private static float Call(Objective objective, Span<float> parameters, float[] gradient)
    {
        Array.Clear(gradient);
        return objective(parameters, gradient);
    }

    /// <summary>y = g − g_prev, s = t·d; keep the pair when y·s &gt; 1e-10 and set H₀ = (y·s)/(y·y).</summary>
    private void UpdateMemory()
    {
        float t = _t.Single;
        TensorPrimitives.Subtract(_flatGrad, _prevFlatGrad, _y);
        TensorPrimitives.Multiply(_d, t, _s);
        float ys = Dot(_y, _s);
        if (!(TorchScalar.Tensor(ys) > 1e-10))
        {
            return;
        }

        if (_historyCount == _historySize)
        {
            // drop the oldest pair
            _historyStart = (_historyStart + 1) % _historySize;
            _historyCount--;
        }
        else if (_historyCount == _oldDirs.Length)
        {
            int capacity = (int)Math.Min(2L * _oldDirs.Length, _historySize);
            Array.Resize(ref _oldDirs, capacity);
            Array.Resize(ref _oldStps, capacity);
            Array.Resize(ref _ro, capacity);
            Array.Resize(ref _al, capacity);
        }

        int slot = (_historyStart + _historyCount) % _oldDirs.Length;
        float[] y = _y, s = _s;
        _y = _oldDirs[slot] ?? new float[_n];
        _s = _oldStps[slot] ?? new float[_n];
        _oldDirs[slot] = y;
        _oldStps[slot] = s;
        _ro[slot] = 1f / ys;
        _historyCount++;
        _hDiag = ys / Dot(y, y);
    }

    /// <summary>d = −H·g by the two-loop recursion over the history, with H₀ = H_diag·I.</summary>
    private void TwoLoop()
    {
        float[] q = _d;
        TensorPrimitives.Negate(_flatGrad, q);
        for (int i = _historyCount - 1; i >= 0; i--)
        {
            int k = (_historyStart + i) % _oldDirs.Length;
            _al[i] = Dot(_oldStps[k]!, q) * _ro[k];
            AddScaled(q, -_al[i], _oldDirs[k]!);
        }

        TensorPrimitives.Multiply(q, _hDiag, q);
        for (int i = 0; i < _historyCount; i++)
        {
            int k = (_historyStart + i) % _oldDirs.Length;
            float be = Dot(_oldDirs[k]!, q) * _ro[k];
            AddScaled(q, _al[i] - be, _oldStps[k]!);
        }
    }

    /// <summary>f and ∇f at x + t·d (∇f written to <paramref name="gradient"/>); the parameters are restored to x.</summary>
    private double DirectionalEvaluate(Objective objective, Span<float> parameters, TorchScalar t, float[] gradient)
    {
        TensorPrimitives.FusedMultiplyAdd(_d, t.Single, _xInit, parameters);
        double loss = Call(objective, parameters, gradient);
        _xInit.CopyTo(parameters);
        return loss;
    }

    /// <summary>
    /// PyTorch's <c>_strong_wolfe</c>: brackets a step satisfying the strong Wolfe conditions (extrapolating by cubic
    /// interpolation within [t + 0.01(t − t_prev), 10t]), then zooms in by safeguarded cubic interpolation.
    /// Returns the loss and step at the best point; its gradient is left in <c>_flatGrad</c>.
    /// </summary>
    private (double Loss, TorchScalar T, int Evals) StrongWolfe(Objective objective, Span<float> parameters, TorchScalar t, double f, TorchScalar gtd)
    {
        float[] d = _d;
        TorchScalar dNorm = TorchScalar.Tensor(MaxAbs(d));
        _flatGrad.CopyTo(_gInit);

        double fNew = DirectionalEvaluate(objective, parameters, t, _gNew);
        int evals = 1;
        TorchScalar gtdNew = TorchScalar.Tensor(Dot(_gNew, d));

        // bracket an interval containing a point satisfying the Wolfe criteria
        TorchScalar tPrev = 0.0;
        double fPrev = f;
        float[] gPrev = _gInit; // becomes _gPrev once a trial point has been passed
        TorchScalar gtdPrev = gtd;
        bool done = false;
        int lsIter = 0;
        int bracketLength = 0;
        TorchScalar[] bracket = _bracket;
        double[] bracketF = _bracketF;
        TorchScalar[] bracketGtd = _bracketGtd;
        float[][] bracketG = _bracketG;
        while (lsIter < MaxLineSearch)
        {
            if (fNew > f + (C1 * t * gtd) || (lsIter > 1 && fNew >= fPrev))
            {
                SetBracket(tPrev, fPrev, gPrev, gtdPrev, t, fNew, gtdNew);
                bracketLength = 2;
                break;
            }

            if (TorchScalar.Abs(gtdNew) <= -C2 * gtd)
            {
                bracket[0] = t;
                bracketF[0] = fNew;
                _gNew.CopyTo(bracketG[0]);
                bracketLength = 1;
                done = true;
                break;
            }

            if (gtdNew >= 0.0)
            {
                SetBracket(tPrev, fPrev, gPrev, gtdPrev, t, fNew, gtdNew);
                bracketLength = 2;
                break;
            }

            // extrapolate
            TorchScalar minStep = t + (0.01 * (t - tPrev));
            TorchScalar maxStep = t * 10.0;
            TorchScalar tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);

            tPrev = tmp;
            fPrev = fNew;
            _gNew.CopyTo(_gPrev);
            gPrev = _gPrev;
            gtdPrev = gtdNew;
            fNew = DirectionalEvaluate(objective, parameters, t, _gNew);
            evals++;
            gtdNew = TorchScalar.Tensor(Dot(_gNew, d));
            lsIter++;
        }

        if (lsIter == MaxLineSearch)
        {
            bracket[0] = 0.0;
            bracket[1] = t;
            bracketF[0] = f;
            bracketF[1] = fNew;
            _gInit.CopyTo(bracketG[0]);
            _gNew.CopyTo(bracketG[1]);
            bracketLength = 2;
        }

        // zoom: refine the bracket until a point satisfies the criteria
        bool insufficientProgress = false;
        int low = bracketLength == 1 || bracketF[0] <= bracketF[1] ? 0 : 1;
        int high = 1 - low;
        while (!done && lsIter < MaxLineSearch)
        {
            if (TorchScalar.Abs(bracket[1] - bracket[0]) * dNorm < LineSearchToleranceChange)
            {
                break; // the bracket is too small
            }

            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // safeguard: a trial too close to an end (twice in a row, or outside) moves to 10% of the bracket inside it
            TorchScalar bracketMax = TorchScalar.Max(bracket[0], bracket[1]);
            TorchScalar bracketMin = TorchScalar.Min(bracket[0], bracket[1]);
            TorchScalar eps = 0.1 * (bracketMax - bracketMin);
            if (TorchScalar.Min(bracketMax - t, t - bracketMin) < eps)
            {
                if (insufficientProgress || t >= bracketMax || t <= bracketMin)
                {
                    t = TorchScalar.Abs(t - bracketMax) < TorchScalar.Abs(t - bracketMin) ? bracketMax - eps : bracketMin + eps;
                    insufficientProgress = false;
                }
                else
                {
                    insufficientProgress = true;
                }
            }
            else
            {
                insufficientProgress = false;
            }

            fNew = DirectionalEvaluate(objective, parameters, t, _gNew);
            evals++;
            gtdNew = TorchScalar.Tensor(Dot(_gNew, d));
            lsIter++;

            if (fNew > f + (C1 * t * gtd) || fNew >= bracketF[low])
            {
                // Armijo condition not met, or not lower than the low end: the new point becomes the high end
                bracket[high] = t;
                bracketF[high] = fNew;
                _gNew.CopyTo(bracketG[high]);
                bracketGtd[high] = gtdNew;
                low = bracketF[0] <= bracketF[1] ? 0 : 1;
                high = 1 - low;
            }
            else
            {
                if (TorchScalar.Abs(gtdNew) <= -C2 * gtd)
                {
                    done = true; // Wolfe conditions met
                }
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0.0)
                {
                    // the old high end becomes the new low end
                    bracket[high] = bracket[low];
                    bracketF[high] = bracketF[low];
                    bracketG[low].CopyTo(bracketG[high]);
                    bracketGtd[high] = bracketGtd[low];
                }

                bracket[low] = t;
                bracketF[low] = fNew;
                _gNew.CopyTo(bracketG[low]);
                bracketGtd[low] = gtdNew;
            }
        }

        bracketG[low].CopyTo(_flatGrad);
        return (bracketF[low], bracket[low], evals);
    }

    private void SetBracket(TorchScalar t0, double f0, float[] g0, TorchScalar gtd0, TorchScalar t1, double f1, TorchScalar gtd1)
    {
        _bracket[0] = t0;
        _bracket[1] = t1;
        _bracketF[0] = f0;
        _bracketF[1] = f1;
        g0.CopyTo(_bracketG[0]);
        _gNew.CopyTo(_bracketG[1]);
        _bracketGtd[0] = gtd0;
        _bracketGtd[1] = gtd1;
    }

    /// <summary>
    /// PyTorch's <c>_cubic_interpolate</c>: the minimizer of the cubic through (x₁, f₁, g₁) and (x₂, f₂, g₂), clamped to
    /// the bounds (default: between x₁ and x₂); the middle of the bounds when the cubic has no minimizer.
    /// </summary>
    private static TorchScalar CubicInterpolate(
        TorchScalar x1, TorchScalar f1, TorchScalar g1, TorchScalar x2, TorchScalar f2, TorchScalar g2, TorchScalar? lowerBound = null, TorchScalar? upperBound = null)
    {
        TorchScalar xminBound, xmaxBound;
        if (lowerBound is { } lo && upperBound is { } hi)
        {
            (xminBound, xmaxBound) = (lo, hi);
        }
        else
        {
            (xminBound, xmaxBound) = x1 <= x2 ? (x1, x2) : (x2, x1);
        }

        TorchScalar d1 = g1 + g2 - (3.0 * (f1 - f2) / (x1 - x2));
        TorchScalar d2Square = (d1 * d1) - (g1 * g2);
        if (d2Square >= 0.0)
        {
            TorchScalar d2 = TorchScalar.Sqrt(d2Square);
            TorchScalar minPos = x1 <= x2
                ? x2 - ((x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + (2.0 * d2))))
                : x1 - ((x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + (2.0 * d2))));
            return TorchScalar.Min(TorchScalar.Max(minPos, xminBound), xmaxBound);
        }

        return (xminBound + xmaxBound) / 2.0;
    }

    /// <summary>x ← x + α·v with one rounding per entry (a fused multiply-add, as ATen's <c>add_(v, alpha=α)</c>).</summary>
    private static void AddScaled(Span<float> x, float alpha, ReadOnlySpan<float> v)
        => TensorPrimitives.FusedMultiplyAdd(v, alpha, x, x);

    /// <summary>Σ aᵢbᵢ accumulated in float32 from the first entry to the last (BLAS <c>sdot</c>'s order).</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Σ |xᵢ| in float32.</summary>
    private static float SumAbs(ReadOnlySpan<float> x)
    {
        float sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += MathF.Abs(x[i]);
        }

        return sum;
    }

    /// <summary>max |xᵢ|, NaN when any entry is NaN (as <c>Tensor.max</c>).</summary>
    private static float MaxAbs(ReadOnlySpan<float> x)
    {
        float max = 0;
        foreach (float v in x)
        {
            float a = MathF.Abs(v);
            if (a > max || float.IsNaN(a))
            {
                max = a;
                if (float.IsNaN(a))
                {
                    break;
                }
            }
        }

        return max;
    }

    /// <summary>max |s·xᵢ| with each product rounded to float32 (<c>d.mul(t).abs().max()</c>).</summary>
    private static float MaxAbsScaled(ReadOnlySpan<float> x, float s)
    {
        float max = 0;
        foreach (float v in x)
        {
            float a = MathF.Abs(v * s);
            if (a > max || float.IsNaN(a))
            {
                max = a;
                if (float.IsNaN(a))
                {
                    break;
                }
            }
        }

        return max;
    }
}
