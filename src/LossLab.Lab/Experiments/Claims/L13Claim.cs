using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L13, the guide's decision rule, scored on generated data: the advisor (<see cref="Diagnostics.Analyze"/> then
/// <see cref="Advisor.Recommend"/>, no verification) reads a training set of <c>builtin:seed</c> (y = 2x + 1 + noise,
/// σ = 1, 200 rows, new data each seed), and the guide's choice is then checked on a held-out validation set of 1000 rows
/// drawn from the same process, by exact fits (least squares; Huber δ = 1.345 scale units and L1 by IRLS). Scenarios:
/// <list type="bullet">
/// <item><c>clean</c> (Gaussian noise): the guide says L2; held when the advisor recommends mse and the least-squares
/// fit's validation RMSE is strictly below Huber's (judged strictly, stated in advance: no tie band; the two fits are
/// nearly the same line, so this scenario may well be split).</item>
/// <item><c>contaminated</c> (10% of targets shifted up by 20σ): the guide says L1 or Huber; held when the advisor
/// recommends huber or l1 and that fit has a lower validation MAE than least squares.</item>
/// <item><c>kpi_mae</c> (contaminated, KPI "average error"): the guide says L1; held when L1 has the lower validation
/// MAE than least squares.</item>
/// <item><c>kpi_max</c> (contaminated, KPI "avoid big accidents", the largest error): the guide says L2; held when least
/// squares has the lower validation largest error than L1.</item>
/// </list>
/// In the KPI scenarios the advisor's pick follows from its lookup table (a regression KPI maps to a loss), not from the
/// data, so it is reported (<c>advisor_picks_guide_loss</c>) but not judged: only the validation comparison — does the
/// guide's loss for that KPI win by that KPI's metric on held-out data? — is an empirical test there. In <c>clean</c> and
/// <c>contaminated</c> the advisor's pick depends on its diagnostics of the training rows, so it is part of the test.
/// </summary>
public sealed class L13Claim : IClaim
{
    /// <inheritdoc/>
    public string Id => "L13";

    /// <inheritdoc/>
    public string Statement => "Decision guide: start with MSE; if outliers hurt, try MAE or Huber and compare on a validation set; clean Gaussian-like noise → L2; dirty data → L1/Huber; KPI \"average error\" → L1, \"avoid big accidents\" → L2";

    /// <inheritdoc/>
    public string Prediction => "on clean data the advisor picks mse and least squares has a strictly lower validation RMSE than Huber; on contaminated data it picks huber or l1 and that fit has a lower validation MAE than least squares; with a KPI, the guide's loss wins on held-out data by that KPI's metric (average error: L1's MAE below least squares'; big accidents: least squares' largest error below L1's) — the advisor's KPI pick is a lookup and is reported, not judged";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "guide_choice_wins_validation";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["advisor_picks_guide_loss"] = "1 = yes",
        ["advisor_mse"] = "1 = recommended",
        ["advisor_huber"] = "1 = recommended",
        ["advisor_l1"] = "1 = recommended",
        ["outlier_share_found"] = "share of rows",
        ["guide_choice_wins_validation"] = "1 = yes",
        ["mse_strictly_better_rmse"] = "1 = yes",
        ["mse_val_rmse"] = "target units",
        ["huber_val_rmse"] = "target units",
        ["l1_val_rmse"] = "target units",
        ["mse_val_mae"] = "target units",
        ["huber_val_mae"] = "target units",
        ["l1_val_mae"] = "target units",
        ["mse_val_max_error"] = "target units",
        ["l1_val_max_error"] = "target units",
        ["mse_param_error"] = "parameter distance from (2, 1)",
        ["huber_param_error"] = "parameter distance from (2, 1)",
        ["l1_param_error"] = "parameter distance from (2, 1)",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        int s = Math.Abs(seed % 1_000_000);
        const string clean = "builtin:seed:n={0},noise=1,seed={1}";
        const string dirty = "builtin:seed:n={0},noise=1,outliers=0.1,outlier_scale=20,seed={1}";
        Fits cleanFits = Fit(clean, s);
        Fits dirtyFits = Fit(dirty, s);
        return
        [
            Trial("clean", cleanFits, null, "mse", f => f.Mse.Rmse < f.Huber.Rmse, judgePick: true),
            Trial("contaminated", dirtyFits, null, "huber|l1", f => (f.Family == "l1" ? f.L1.Mae : f.Huber.Mae) < f.Mse.Mae, judgePick: true),
            Trial("kpi_mae", dirtyFits, Kpi.Mae, "l1", f => f.L1.Mae < f.Mse.Mae, judgePick: false),
            Trial("kpi_max", dirtyFits, Kpi.Max, "mse", f => f.Mse.Max < f.L1.Max, judgePick: false),
        ];
    }

    private sealed record Scores(double Rmse, double Mae, double Max, double ParamError);

    private sealed record Fits(DataDiagnostics Diagnostics, Scores Mse, Scores Huber, Scores L1)
    {
        public string Family { get; init; } = string.Empty;
    }

    private static Fits Fit(string template, int s)
    {
        Dataset train = Builtins.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, 200, 2 * s));
        Dataset validation = Builtins.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, 1000, (2 * s) + 1));
        DataDiagnostics d = Diagnostics.Analyze(train);
        return new Fits(
            d,
            Score(ExactSolvers.LeastSquaresFit(train), validation),
            Score(ExactSolvers.Robust(new Huber(1.345), train).Coefficients, validation),
            Score(ExactSolvers.Robust(new L1(), train).Coefficients, validation));
    }

    private static Scores Score(double[] c, Dataset v)
    {
        double sum2 = 0, sum1 = 0, max = 0;
        for (int i = 0; i < v.Rows; i++)
        {
            double e = Math.Abs(v.Targets[i] - ((c[0] * v.Features[i]) + c[1]));
            sum2 += e * e;
            sum1 += e;
            max = Math.Max(max, e);
        }

        return new Scores(Math.Sqrt(sum2 / v.Rows), sum1 / v.Rows, max, Math.Sqrt(Math.Pow(c[0] - 2, 2) + Math.Pow(c[1] - 1, 2)));
    }

    private static ClaimTrial Trial(string scenario, Fits fits, Kpi? kpi, string guide, Func<Fits, bool> wins, bool judgePick)
    {
        Recommendation r = Advisor.Recommend(fits.Diagnostics, kpi);
        string family = r.Loss.Split(':')[0];
        bool picks = guide.Split('|').Contains(family);
        bool won = wins(fits with { Family = family });
        var evidence = new Dictionary<string, double>
        {
            ["advisor_picks_guide_loss"] = picks ? 1 : 0,
            ["advisor_mse"] = family == "mse" ? 1 : 0,
            ["advisor_huber"] = family == "huber" ? 1 : 0,
            ["advisor_l1"] = family == "l1" ? 1 : 0,
            ["outlier_share_found"] = fits.Diagnostics.OutlierShare ?? double.NaN,
            ["guide_choice_wins_validation"] = won ? 1 : 0,
            ["mse_strictly_better_rmse"] = fits.Mse.Rmse < fits.Huber.Rmse ? 1 : 0,
            ["mse_val_rmse"] = fits.Mse.Rmse,
            ["huber_val_rmse"] = fits.Huber.Rmse,
            ["l1_val_rmse"] = fits.L1.Rmse,
            ["mse_val_mae"] = fits.Mse.Mae,
            ["huber_val_mae"] = fits.Huber.Mae,
            ["l1_val_mae"] = fits.L1.Mae,
            ["mse_val_max_error"] = fits.Mse.Max,
            ["l1_val_max_error"] = fits.L1.Max,
            ["mse_param_error"] = fits.Mse.ParamError,
            ["huber_param_error"] = fits.Huber.ParamError,
            ["l1_param_error"] = fits.L1.ParamError,
        };
        return new ClaimTrial(scenario, (picks || !judgePick) && won, evidence);
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        string Picks(ScenarioSummary s) =>
            $"the advisor picked mse {s.Evidence["advisor_mse"] * s.Replications:F0}, huber {s.Evidence["advisor_huber"] * s.Replications:F0}, l1 {s.Evidence["advisor_l1"] * s.Replications:F0} times";
        ScenarioSummary c = summary["clean"], d = summary["contaminated"], a = summary["kpi_mae"], m = summary["kpi_max"];
        int strict = (int)Math.Round(c.Evidence["mse_strictly_better_rmse"] * c.Replications);
        (double lo, double hi) = ClaimRunner.Wilson(strict, c.Replications);
        string strictText = lo > 0.5 ? "a share whose 95% interval lies above ½: least squares clearly wins more often than not"
            : hi < 0.5 ? "a share whose 95% interval lies below ½: Huber wins more often"
            : "a share whose 95% interval contains ½: neither fit wins more often, so the guide's L2 is not shown to be better on clean data, only not clearly worse";
        string Wins(ScenarioSummary s, string metric, string guideName, string other, double guideValue, double otherValue) =>
            $"validation {metric} {guideName} {TextNumber.G(guideValue, 4)} vs {other} {TextNumber.G(otherValue, 4)} on average — the guide's loss won in {s.Evidence["guide_choice_wins_validation"] * s.Replications:F0} of {s.Replications}";
        bool mseFollowsOutliers = m.Evidence["mse_val_rmse"] < m.Evidence["l1_val_rmse"] && m.Evidence["mse_val_max_error"] < m.Evidence["l1_val_max_error"];
        bool robustFollowsBulk = a.Evidence["l1_val_mae"] < a.Evidence["mse_val_mae"] && a.Evidence["l1_param_error"] < a.Evidence["mse_param_error"];
        return $"Over {summary.Replications} replications (200 training rows, 1000 validation rows from the same process). "
            + (summary.Scenarios.Any(x => x.Low <= 0.5) ? $"Not clearly supported in: {string.Join(", ", summary.Scenarios.Where(x => x.Low <= 0.5).Select(x => x.Name))}. " : string.Empty)
            + $"Clean Gaussian noise: {Picks(c)}; validation RMSE least squares {TextNumber.G(c.Evidence["mse_val_rmse"], 4)} vs Huber {TextNumber.G(c.Evidence["huber_val_rmse"], 4)} on average — held (mse picked and strictly lower RMSE) in {c.Held} of {c.Replications}. "
            + $"Least squares had the strictly lower validation RMSE in {strict} of {c.Replications} ({lo:P0}–{hi:P0}), {strictText}. "
            + $"10% of targets shifted by 20σ: the advisor found {d.Evidence["outlier_share_found"] * 100:F1}% outliers; {Picks(d)}; validation MAE least squares {TextNumber.G(d.Evidence["mse_val_mae"], 4)}, Huber {TextNumber.G(d.Evidence["huber_val_mae"], 4)}, L1 {TextNumber.G(d.Evidence["l1_val_mae"], 4)}; "
            + $"distance to the true line {TextNumber.G(d.Evidence["mse_param_error"], 3)} / {TextNumber.G(d.Evidence["huber_param_error"], 3)} / {TextNumber.G(d.Evidence["l1_param_error"], 3)} — held in {d.Held} of {d.Replications}. "
            + $"With a KPI the advisor's pick is a lookup (KPI → loss), so only the validation comparison is tested: {Picks(a)} for average error, {Picks(m)} for big accidents. "
            + $"KPI average error: {Wins(a, "MAE", "L1", "least squares", a.Evidence["l1_val_mae"], a.Evidence["mse_val_mae"])}. "
            + $"KPI avoid big accidents: {Wins(m, "largest error", "least squares", "L1", m.Evidence["mse_val_max_error"], m.Evidence["l1_val_max_error"])} (validation RMSE {TextNumber.G(m.Evidence["mse_val_rmse"], 4)} vs {TextNumber.G(m.Evidence["l1_val_rmse"], 4)}). "
            + (mseFollowsOutliers && robustFollowsBulk
                ? "When the validation data carry the same gross errors, the KPI decides the loss: on average least squares had the better RMSE and largest error (it follows the outliers' mean), L1 the better MAE and the closer line (it follows the bulk)."
                : mseFollowsOutliers ? "On average least squares had the better validation RMSE and largest error, but L1 did not have both the better MAE and the closer line."
                : robustFollowsBulk ? "On average L1 had the better validation MAE and the closer line, but least squares did not have both the better RMSE and the better largest error."
                : "Neither fit dominated its KPI's metrics on average.");
    }
}
