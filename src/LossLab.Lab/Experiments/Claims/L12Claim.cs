using LossLab.Lab.Data;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L12's last sentence, "do not use L1/L2 for classification", tested with L2 on probabilities — the Brier score
/// (1/n)Σ(σ(zᵢ) − yᵢ)² — against binary cross-entropy for a logistic model z = w·x + b on seeded binary data
/// (x ~ N(0, 1)², true logit 0.5 + 1.5x₁ − x₂; 200 training rows, 2000 test rows, new data each seed). Two scenarios:
/// <list type="bullet">
/// <item><c>calibration</c>: both losses minimised exactly (Newton's method); held when the Brier model's held-out log
/// loss is materially worse — more than 1% above the BCE model's (<see cref="MaterialExcess"/>; the strict wins of BCE
/// are reported too). Calibration-in-the-large (mean p − mean y) and the expected calibration error of both
/// are reported.</item>
/// <item><c>saturation</c>: plain full-batch gradient descent from a confidently wrong start, each loss at its own tuned
/// rate. The start is new per seed: weights of norm <see cref="StartNorm"/> pointing within ±30° of −w_true (uniform
/// angle) and a bias drawn from N(0, 1), so most training rows have a true-class probability ≤ 0.01 (the share is
/// reported). Each loss's rate is tuned on the training rows only, from a second start drawn the same way: the rate of
/// <see cref="Rates"/> (<see cref="Descent.RateGrid"/> extended by 3, 10, 30, 100, 300 and 1000 — the Brier gradient per row is
/// BCE's times 2p(1 − p) ≤ ½, so its fair rate can lie above the shared grid's top, 1) that first brings the training
/// loss within <see cref="Tolerance"/> (relative) of that loss's own exact optimum (Newton), ties to the lower rate.
/// Held when, from the evaluation start at the tuned rates, BCE reaches its tolerance in strictly fewer steps than Brier
/// reaches its own (cap <see cref="MaxSteps"/>; a run that never gets there counts as the cap + 1). With a sigmoid the
/// gradient wrt the logit is p − y under BCE but 2(p − y)p(1 − p) under Brier, which vanishes as p → 0 or 1.</item>
/// </list>
/// </summary>
public sealed class L12Claim : IClaim
{
    /// <summary>The relative excess of held-out log loss from which the Brier model counts as worse calibrated.</summary>
    public const double MaterialExcess = 0.01;

    /// <summary>The step cap of the saturation scenario.</summary>
    public const int MaxSteps = 3000;

    /// <summary>Reached: the training loss is within this relative distance of the loss's own exact optimum.</summary>
    public const double Tolerance = 0.01;

    /// <summary>The norm of the starting weights in the saturation scenario.</summary>
    public const double StartNorm = 20;

    /// <summary>The learning rates both losses are tuned over: <see cref="Descent.RateGrid"/> extended by 3, 10, 30, 100, 300 and 1000.</summary>
    public static IReadOnlyList<double> Rates { get; } = [.. Descent.RateGrid, 3, 10, 30, 100, 300, 1000];

    private static readonly double[] TrueW = [1.5, -1];
    private const double TrueB = 0.5;
    private const int D = 2;

    /// <inheritdoc/>
    public string Id => "L12";

    /// <inheritdoc/>
    public string Statement => "By task: regression → MSE, MAE, Huber, Log-Cosh; binary classification → binary cross-entropy; multi-class → softmax + cross-entropy; … Do not use L1/L2 for classification";

    /// <inheritdoc/>
    public string Prediction => "a logistic model trained with L2 on probabilities (the Brier score) is worse than one trained with BCE: a held-out log loss more than 1% higher (calibration), and, each loss at its own rate tuned on the training rows, strictly more gradient-descent steps to come within 1% of its own optimum's training loss from a confidently wrong start (saturation)";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "log_loss_excess_of_brier";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["bce_test_log_loss"] = "nats per row",
        ["brier_test_log_loss"] = "nats per row",
        ["log_loss_excess_of_brier"] = "nats per row",
        ["bce_strictly_better_log_loss"] = "1 = yes",
        ["bce_test_brier"] = "squared probability",
        ["brier_test_brier"] = "squared probability",
        ["bce_calibration_in_the_large"] = "probability (mean p − mean y)",
        ["brier_calibration_in_the_large"] = "probability (mean p − mean y)",
        ["bce_ece"] = "probability (10 bins)",
        ["true_model_ece"] = "probability (10 bins)",
        ["brier_ece"] = "probability (10 bins)",
        ["bce_param_error"] = "parameter distance",
        ["brier_param_error"] = "parameter distance",
        ["bce_logit_grad_at_p0.001_y1"] = "d loss / d logit",
        ["brier_logit_grad_at_p0.001_y1"] = "d loss / d logit",
        ["bce_steps_from_bad_start"] = "gradient steps (cap 3000; 3001 = not reached)",
        ["brier_steps_from_bad_start"] = "gradient steps (cap 3000; 3001 = not reached)",
        ["bce_tuned_lr"] = "learning rate",
        ["brier_tuned_lr"] = "learning rate",
        ["brier_tuned_lr_at_grid_top"] = "1 = yes",
        ["bce_tuned_lr_at_grid_top"] = "1 = yes",
        ["start_mean_p_of_true_class"] = "probability",
        ["start_median_p_of_true_class"] = "probability",
        ["start_share_true_class_p_le_0.01"] = "share of training rows",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var random = new Random(seed);
        (double[] x, double[] y) = Draw(200, random);
        (double[] xt, double[] yt) = Draw(2000, random);
        double[] bce = Newton(x, y, brier: false, new double[D + 1]);
        double[] brier = Newton(x, y, brier: true, (double[])bce.Clone());
        double[] truth = [.. TrueW, TrueB];
        double bceLog = LogLoss(xt, yt, bce), brierLog = LogLoss(xt, yt, brier);
        var calibration = new Dictionary<string, double>
        {
            ["bce_test_log_loss"] = bceLog,
            ["brier_test_log_loss"] = brierLog,
            ["log_loss_excess_of_brier"] = brierLog - bceLog,
            ["bce_strictly_better_log_loss"] = bceLog < brierLog ? 1 : 0,
            ["bce_test_brier"] = Mean(xt, yt, bce, brier: true),
            ["brier_test_brier"] = Mean(xt, yt, brier, brier: true),
            ["bce_calibration_in_the_large"] = InTheLarge(xt, yt, bce),
            ["brier_calibration_in_the_large"] = InTheLarge(xt, yt, brier),
            ["bce_ece"] = Ece(xt, yt, bce),
            ["true_model_ece"] = Ece(xt, yt, truth),
            ["brier_ece"] = Ece(xt, yt, brier),
            ["bce_param_error"] = Distance(bce, truth),
            ["brier_param_error"] = Distance(brier, truth),
        };

        double[] tuningStart = Start(random), start = Start(random);
        double bceLr = Tune(x, y, brier: false, tuningStart, bce), brierLr = Tune(x, y, brier: true, tuningStart, brier);
        int bceSteps = Descend(x, y, brier: false, start, bce, bceLr);
        int brierSteps = Descend(x, y, brier: true, start, brier, brierLr);
        double[] startP = [.. Enumerable.Range(0, y.Length).Select(i => y[i] == 1 ? Sigmoid(Logit(x, i, start)) : 1 - Sigmoid(Logit(x, i, start))).Order()];
        double p = 0.001;
        var saturation = new Dictionary<string, double>
        {
            ["bce_logit_grad_at_p0.001_y1"] = p - 1,
            ["brier_logit_grad_at_p0.001_y1"] = 2 * (p - 1) * p * (1 - p),
            ["bce_steps_from_bad_start"] = bceSteps,
            ["brier_steps_from_bad_start"] = brierSteps,
            ["bce_tuned_lr"] = bceLr,
            ["brier_tuned_lr"] = brierLr,
            ["bce_tuned_lr_at_grid_top"] = bceLr == Rates[^1] ? 1 : 0,
            ["brier_tuned_lr_at_grid_top"] = brierLr == Rates[^1] ? 1 : 0,
            ["start_mean_p_of_true_class"] = startP.Average(),
            ["start_median_p_of_true_class"] = startP[startP.Length / 2],
            ["start_share_true_class_p_le_0.01"] = startP.Count(q => q <= 0.01) / (double)startP.Length,
        };
        return
        [
            new ClaimTrial("calibration", brierLog > bceLog * (1 + MaterialExcess), calibration),
            new ClaimTrial("saturation", bceSteps < brierSteps, saturation),
        ];
    }

    private static (double[] X, double[] Y) Draw(int n, Random random)
    {
        double[] x = new double[n * D], y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = TrueB;
            for (int j = 0; j < D; j++)
            {
                x[(i * D) + j] = Builtins.Normal(random);
                z += TrueW[j] * x[(i * D) + j];
            }

            y[i] = random.NextDouble() < Sigmoid(z) ? 1 : 0;
        }

        return (x, y);
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double Logit(double[] x, int i, double[] theta)
    {
        double z = theta[D];
        for (int j = 0; j < D; j++)
        {
            z += theta[j] * x[(i * D) + j];
        }

        return z;
    }

    /// <summary>The mean loss (BCE or Brier) and its gradient and Hessian wrt (w, b).</summary>
    private static double Evaluate(double[] x, double[] y, bool brier, double[] theta, double[] gradient, double[,]? hessian)
    {
        int n = y.Length, p = D + 1;
        Array.Clear(gradient);
        if (hessian is not null)
        {
            Array.Clear(hessian);
        }

        double loss = 0;
        Span<double> a = stackalloc double[D + 1];
        for (int i = 0; i < n; i++)
        {
            double z = Logit(x, i, theta), s = Sigmoid(z), r = s - y[i], v = s * (1 - s);
            double g, h;
            if (brier)
            {
                loss += r * r;
                g = 2 * r * v;
                h = 2 * v * (v + (r * (1 - (2 * s))));
            }
            else
            {
                loss += Math.Max(z, 0) - (z * y[i]) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                g = r;
                h = v;
            }

            for (int j = 0; j < D; j++)
            {
                a[j] = x[(i * D) + j];
            }

            a[D] = 1;
            for (int j = 0; j < p; j++)
            {
                gradient[j] += g * a[j] / n;
                if (hessian is not null)
                {
                    for (int k = 0; k < p; k++)
                    {
                        hessian[j, k] += h * a[j] * a[k] / n;
                    }
                }
            }
        }

        return loss / n;
    }

    /// <summary>Newton's method with step halving (falls back to a gradient step where the Hessian is not positive definite).</summary>
    private static double[] Newton(double[] x, double[] y, bool brier, double[] theta)
    {
        int p = D + 1;
        double[] g = new double[p], trial = new double[p], gt = new double[p];
        double[,] h = new double[p, p];
        double loss = Evaluate(x, y, brier, theta, g, h);
        for (int it = 0; it < 100; it++)
        {
            double[] step = Solve(h, g) ?? [.. g];
            if (step.Zip(g).Sum(q => q.First * q.Second) <= 0)
            {
                step = [.. g];
            }

            double t = 1;
            for (int half = 0; half < 60; half++, t /= 2)
            {
                for (int j = 0; j < p; j++)
                {
                    trial[j] = theta[j] - (t * step[j]);
                }

                if (Evaluate(x, y, brier, trial, gt, null) <= loss)
                {
                    break;
                }
            }

            Array.Copy(trial, theta, p);
            loss = Evaluate(x, y, brier, theta, g, h);
            if (Math.Sqrt(g.Sum(v => v * v)) < 1e-12)
            {
                break;
            }
        }

        return theta;
    }

    private static double[]? Solve(double[,] h, double[] g)
    {
        int p = g.Length;
        double[,] a = (double[,])h.Clone();
        double[] b = (double[])g.Clone();
        for (int c = 0; c < p; c++)
        {
            if (!(a[c, c] > 1e-14))
            {
                return null;
            }

            for (int r = c + 1; r < p; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k < p; k++)
                {
                    a[r, k] -= f * a[c, k];
                }

                b[r] -= f * b[c];
            }
        }

        double[] s = new double[p];
        for (int r = p - 1; r >= 0; r--)
        {
            double v = b[r];
            for (int k = r + 1; k < p; k++)
            {
                v -= a[r, k] * s[k];
            }

            s[r] = v / a[r, r];
        }

        return s;
    }

    /// <summary>A confidently wrong start: weights of norm <see cref="StartNorm"/> within ±30° of −w_true, bias ~ N(0, 1).</summary>
    private static double[] Start(Random random)
    {
        double angle = Math.Atan2(-TrueW[1], -TrueW[0]) + ((random.NextDouble() - 0.5) * Math.PI / 3);
        return [StartNorm * Math.Cos(angle), StartNorm * Math.Sin(angle), Builtins.Normal(random)];
    }

    /// <summary>The rate of <see cref="Rates"/> with the fewest steps to the tolerance from <paramref name="start"/> (training rows only; ties to the lower rate).</summary>
    private static double Tune(double[] x, double[] y, bool brier, double[] start, double[] optimum)
    {
        double best = Rates[0];
        int fewest = int.MaxValue;
        foreach (double lr in Rates)
        {
            int steps = Descend(x, y, brier, start, optimum, lr);
            if (steps < fewest)
            {
                (fewest, best) = (steps, lr);
            }
        }

        return best;
    }

    /// <summary>Plain full-batch gradient descent at <paramref name="lr"/> until the training loss is within <see cref="Tolerance"/> (relative) of the optimum's; the steps taken (<see cref="MaxSteps"/> + 1 if never).</summary>
    private static int Descend(double[] x, double[] y, bool brier, double[] start, double[] optimum, double lr)
    {
        double[] theta = (double[])start.Clone(), g = new double[D + 1];
        double target = Mean(x, y, optimum, brier) * (1 + Tolerance);
        for (int step = 0; step <= MaxSteps; step++)
        {
            double loss = Evaluate(x, y, brier, theta, g, null);
            if (loss <= target)
            {
                return step;
            }

            if (!double.IsFinite(loss))
            {
                break;
            }

            for (int j = 0; j <= D; j++)
            {
                theta[j] -= lr * g[j];
            }
        }

        return MaxSteps + 1;
    }

    private static double LogLoss(double[] x, double[] y, double[] theta) => Mean(x, y, theta, brier: false);

    private static double Mean(double[] x, double[] y, double[] theta, bool brier)
        => Evaluate(x, y, brier, theta, new double[D + 1], null);

    private static double InTheLarge(double[] x, double[] y, double[] theta)
        => Enumerable.Range(0, y.Length).Average(i => Sigmoid(Logit(x, i, theta)) - y[i]);

    /// <summary>Expected calibration error: Σ_bins (n_b/n)·|mean p − mean y| over 10 equal-width bins of p.</summary>
    private static double Ece(double[] x, double[] y, double[] theta)
    {
        double[] sp = new double[10], sy = new double[10];
        int[] count = new int[10];
        for (int i = 0; i < y.Length; i++)
        {
            double p = Sigmoid(Logit(x, i, theta));
            int b = Math.Min(9, (int)(p * 10));
            sp[b] += p;
            sy[b] += y[i];
            count[b]++;
        }

        return Enumerable.Range(0, 10).Sum(b => Math.Abs(sp[b] - sy[b])) / y.Length;
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Select((v, i) => (v - b[i]) * (v - b[i])).Sum());

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ScenarioSummary c = summary["calibration"], s = summary["saturation"];
        var e = c.Evidence;
        var f = s.Evidence;
        int strict = (int)Math.Round(e["bce_strictly_better_log_loss"] * c.Replications);
        string calibrationVerdict = c.Low > 0.5 ? "the Brier model was clearly materially worse on held-out log loss"
            : c.High < 0.5 ? "the Brier model was clearly not materially worse on held-out log loss (more than 1% worse in a minority of replications)"
            : "whether the Brier model is materially worse on held-out log loss is not settled by these replications";
        string efficiency = e["brier_param_error"] > e["bce_param_error"]
            ? $"its parameters were on average farther from the true ones ({TextNumber.G(e["brier_param_error"], 3)} vs {TextNumber.G(e["bce_param_error"], 3)}), as a less efficient estimator's would be"
            : $"its parameters were on average no farther from the true ones ({TextNumber.G(e["brier_param_error"], 3)} vs {TextNumber.G(e["bce_param_error"], 3)})";
        double grid = Rates[^1];
        string speed = s.Low > 0.5 ? "At tuned rates BCE clearly reached its optimum in fewer steps than Brier from a confidently wrong start, so the slowdown is not a matter of an untuned rate: the advice holds for training by gradient descent from such a start. "
            : s.High < 0.5 ? "At tuned rates BCE was clearly not faster than Brier from a confidently wrong start: the advice's training argument is not supported here. "
            : "At tuned rates neither loss was clearly faster from a confidently wrong start: the advice's training argument is not settled here. ";
        string top = (f["brier_tuned_lr_at_grid_top"] > 0 ? $"Brier's tuned rate was the grid's largest ({TextNumber.G(grid, 3)}) in {f["brier_tuned_lr_at_grid_top"]:P0} of replications, so a still larger rate might have made it faster. " : string.Empty)
            + (f["bce_tuned_lr_at_grid_top"] > 0 ? $"BCE's tuned rate was the grid's largest ({TextNumber.G(grid, 3)}) in {f["bce_tuned_lr_at_grid_top"]:P0} of replications. " : string.Empty);
        return $"\"L2 for classification\" is tested as the Brier score, the mean squared error of the predicted probabilities. "
            + $"Calibration: the Brier model's held-out log loss was more than 1% worse in {c.Held} of {c.Replications} replications ({c.Low:P0}–{c.High:P0}), so {calibrationVerdict}; BCE's was lower at all in {strict} of {c.Replications}, by {TextNumber.G(e["log_loss_excess_of_brier"], 2)} nats per row on average "
            + $"({TextNumber.G(e["bce_test_log_loss"], 4)} vs {TextNumber.G(e["brier_test_log_loss"], 4)}). Mean p − mean y was {TextNumber.G(e["bce_calibration_in_the_large"], 2)} (BCE) vs {TextNumber.G(e["brier_calibration_in_the_large"], 2)} (Brier); "
            + $"expected calibration error {TextNumber.G(e["bce_ece"], 2)} vs {TextNumber.G(e["brier_ece"], 2)}, against {TextNumber.G(e["true_model_ece"], 2)} for the true probabilities on the same rows (the sampling floor of a 10-bin ECE on 2000 rows) — "
            + (e["brier_ece"] > e["bce_ece"] ? "the Brier model's was the higher on average. " : "the Brier model's was not the higher on average. ")
            + $"The Brier score is a proper scoring rule (its minimiser is the true probability); {efficiency}. "
            + $"Saturation: at p = 0.001 for a positive, the gradient wrt the logit is {TextNumber.G(f["bce_logit_grad_at_p0.001_y1"], 3)} under BCE and {TextNumber.G(f["brier_logit_grad_at_p0.001_y1"], 3)} under Brier. "
            + $"From a new confidently wrong start per replication (true-class p ≤ 0.01 for {f["start_share_true_class_p_le_0.01"]:P0} of training rows, median {TextNumber.G(f["start_median_p_of_true_class"], 2)}, mean {TextNumber.G(f["start_mean_p_of_true_class"], 2)} on average), "
            + $"with rates tuned on the training rows from a separate start (mean tuned rate BCE {TextNumber.G(f["bce_tuned_lr"], 3)}, Brier {TextNumber.G(f["brier_tuned_lr"], 3)}), gradient descent came within {Tolerance:P0} of its own optimum's training loss in {TextNumber.G(f["bce_steps_from_bad_start"], 4)} steps on average with BCE "
            + $"and {TextNumber.G(f["brier_steps_from_bad_start"], 4)} with Brier (cap {MaxSteps}; not reached counts {MaxSteps + 1}); BCE took strictly fewer steps in {s.Held} of {s.Replications} ({s.Low:P0}–{s.High:P0}). "
            + speed + top
            + "L1 on probabilities is different: |p − y| is not proper (its minimiser is the majority class, p pushed to 0 or 1).";
    }
}
