using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Lab;

namespace LossLab.Reports;

/// <summary>
/// The report of <c>losslab fit --out DIR</c>: what was run, the parameters and the train/validation metrics, and for
/// gradient training the loss per epoch and per step, the learning rate and the gradient norm; for regression the
/// residuals and the fit (the data with the fitted line for one feature, predicted against actual otherwise).
/// </summary>
public static class FitReport
{
    /// <summary>The most parameters listed for a model that is not linear.</summary>
    public const int ListedParameters = 50;

    /// <summary>The most points a per-step chart draws; longer runs keep each stretch's lowest and highest value.</summary>
    public const int MaxChartPoints = 4000;

    private const int MaxFeatureNames = 50;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report of one fit.</summary>
    /// <param name="commandLine">The command line as typed.</param>
    /// <param name="dataText">The <c>--data</c> text.</param>
    /// <param name="dataset">The data set fitted (all rows; the split is <see cref="FitResult.TrainIndices"/> and <see cref="FitResult.ValidationIndices"/>).</param>
    /// <param name="settings">What was asked.</param>
    /// <param name="result">The fit.</param>
    public static Report Build(string commandLine, string dataText, Dataset dataset, FitSettings settings, FitResult result)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        TrainingRun? run = result.Run;
        var report = new Report($"LossLab fit: {dataText}", commandLine)
            .Fact("data", dataText)
            .Fact("task", dataset.Task.ToString().ToLowerInvariant())
            .Fact("target", dataset.TargetName)
            .Fact("features", FeatureList(dataset.FeatureNames))
            .Fact("rows", string.Create(Inv, $"{result.TrainRows} train, {result.ValidationRows} validation (of {dataset.Rows}; validation share {TextNumber.G(settings.Validation, 3)})"))
            .Fact("model", result.Model)
            .Fact("loss", result.Loss)
            .Fact("solver", settings.Solver)
            .Fact("optimizer", run is not null ? settings.Optimizer : "none (exact solver)")
            .Fact("schedule", run is not null ? settings.Schedule ?? "none" : "none (exact solver)")
            .Fact("clip-norm", (settings.ClipNorm is double clip ? TextNumber.G(clip, 6) : "none"))
            .Fact("epochs", run is not null ? string.Create(Inv, $"{result.Epochs} run of at most {settings.Training.Epochs} ({(result.Converged ? "converged" : "not converged")}; tol {TextNumber.G(settings.Training.Tolerance, 3)}, {settings.Training.NoChangeEpochs} quiet epochs)") : "0 (exact solver)")
            .Fact("batch size", settings.Training.BatchSize > 0 ? settings.Training.BatchSize.ToString(Inv) : "full batch")
            .Fact("standardize", settings.Standardize ? "true (on the training part)" : "false")
            .Fact("seed", settings.Training.Seed.ToString(Inv));

        AddOutcome(report, result);
        AddParameters(report, dataset, settings, result);
        AddMetrics(report, result);
        AddConfusion(report, "training", result.TrainConfusion);
        AddConfusion(report, "validation", result.ValidationConfusion);
        if (run is not null)
        {
            AddTraining(report, run);
        }
        else
        {
            report.Heading("Training")
                .Paragraph($"The {settings.Solver} solver computes the parameters directly: there is no per-step trace, so no loss, learning-rate or gradient charts.");
        }

        AddFit(report, dataset, result);
        return report;
    }

    private static void AddOutcome(Report report, FitResult result)
    {
        if (result.Diverged)
        {
            report.Note($"Training diverged: {result.DivergenceReason}. The parameters and metrics are those it stopped with; the charts leave out values that are not finite.");
        }

        if (result.Cancelled)
        {
            report.Note("Training was cancelled: the results are those of the steps completed.");
        }

        if (result.Run is { } stopped && !result.Converged && !result.Diverged && !result.Cancelled)
        {
            report.Note(string.Create(Inv, $"Training stopped after {stopped.Epochs} epochs without converging: the training loss was still changing by more than the tolerance. Raise --epochs or the learning rate."));
        }

        if (result.Run is { StoppedEarly: true } run)
        {
            report.Note(string.Create(Inv, $"Early stopping ended training after epoch {run.Epochs}; the parameters are those of epoch {run.BestEpoch}, the one with the lowest validation loss."));
        }
    }

    private static void AddParameters(Report report, Dataset dataset, FitSettings settings, FitResult result)
    {
        double[] p = result.Parameters;
        int d = dataset.Columns;
        int outputs = dataset.Outputs;
        report.Heading("Parameters");
        if (result.Model is "linear" or "logistic" or "softmax" && p.Length == (d + 1) * outputs)
        {
            report.Paragraph("In the original feature units (weights trained on standardised features are mapped back), so each weight is the change of the model's output (a logit for classification) per unit of its feature.");
            string[] header = outputs == 1
                ? ["feature", "weight"]
                : ["feature", .. Enumerable.Range(0, outputs).Select(o => dataset.ClassNames.Count == outputs ? dataset.ClassNames[o] : $"output {o}")];
            var rows = new List<IReadOnlyList<string>>(d + 1);
            for (int i = 0; i < d; i++)
            {
                rows.Add([dataset.FeatureNames[i], .. Enumerable.Range(0, outputs).Select(o => Number(p[(o * d) + i]))]);
            }

            rows.Add(["intercept", .. Enumerable.Range(0, outputs).Select(o => Number(p[(outputs * d) + o]))]);
            report.Table(header, rows);
            return;
        }

        string space = !settings.Standardize ? "as trained"
            : result.TargetSpread != 1 || result.TargetCenter != 0 ? "on the standardised features, the output layer mapped back to the target's units" : "as trained, on the standardised features";
        report.Paragraph(p.Length > ListedParameters
            ? string.Create(Inv, $"The first {ListedParameters} of {p.Length} parameters, in PyTorch's order (weights row-major, then biases), {space}.")
            : string.Create(Inv, $"All {p.Length} parameters, in PyTorch's order (weights row-major, then biases), {space}."));
        report.Table(["index", "name", "value"], p.Take(ListedParameters).Select((v, i) => (IReadOnlyList<string>)[i.ToString(Inv), i < result.ParameterNames.Length ? result.ParameterNames[i] : string.Empty, Number(v)]));
    }

    private static void AddConfusion(Report report, string part, ConfusionMatrix? matrix)
    {
        if (matrix is null)
        {
            return;
        }

        report.Heading($"Confusion matrix ({part} rows)")
            .Paragraph("Rows: the true class; columns: the predicted class (the largest logit; for two classes, probability above 0.5).");
        report.Table(
            ["true \\ predicted", .. matrix.Labels],
            matrix.Labels.Select((label, t) => (IReadOnlyList<string>)[label, .. matrix.Matrix[t].Select(c => c.ToString(Inv))]));
    }

    private static void AddMetrics(Report report, FitResult result)
    {
        report.Heading("Metrics");
        bool validation = result.Validation.Count > 0;
        IEnumerable<string> keys = result.Train.Keys.Union(result.Validation.Keys);
        report.Table(
            validation ? ["metric", "train", "validation"] : ["metric", "train"],
            keys.Select(k => (IReadOnlyList<string>)(validation
                ? [k, Metric(result.Train, k), Metric(result.Validation, k)]
                : [k, Metric(result.Train, k)])));
        if (!validation)
        {
            report.Paragraph("No rows were held out (--validation 0), so there are no validation metrics.");
        }
    }

    private static void AddTraining(Report report, TrainingRun run)
    {
        int rows = run.Steps + 1;
        report.Heading("Training");
        double[] epochs = [.. Enumerable.Range(1, run.EpochTrainLoss.Count).Select(e => (double)e)];
        var epochSeries = new List<Series> { new("training (mean batch loss during the epoch)", epochs, [.. run.EpochTrainLoss]) };
        if (run.EpochValidationLoss.Count > 0)
        {
            epochSeries.Add(new Series("validation (after the epoch)", [.. Enumerable.Range(1, run.EpochValidationLoss.Count).Select(e => (double)e)], [.. run.EpochValidationLoss]));
        }

        report.Chart(
            "epoch-loss",
            "Training and validation loss per epoch (log scale); the training value is the mean of the batch losses seen during the epoch",
            epochSeries.Count > 1 ? Charts.Lines("Loss per epoch", "epoch", "loss", epochSeries, logY: true) : Single(Charts.Lines("Training loss per epoch", "epoch", "loss", epochSeries, logY: true)));
        report.Chart(
            "step-loss",
            "Loss after each update (log scale), on the batch the next step uses (the whole training part for full batch)" + Thinned(rows),
            Single(Charts.Lines("Loss per step", "step", "loss", [Steps("loss", run.Loss, 0, rows)], logY: true)));
        report.Chart(
            "learning-rate",
            "Learning rate of each update" + Thinned(rows - 1),
            Single(Charts.Lines("Learning rate", "step", "learning rate", [Steps("learning rate", run.LearningRate, 1, rows)], logY: false)));
        report.Chart(
            "gradient-norm",
            "Global gradient norm of each update before clipping (log scale)" + Thinned(rows - 1),
            Single(Charts.Lines("Gradient norm", "step", "‖gradient‖", [Steps("gradient norm", run.GradientNorm, 1, rows)], logY: true)));
    }

    private static void AddFit(Report report, Dataset dataset, FitResult result)
    {
        report.Heading("Fit");
        if (dataset.Task != TaskKind.Regression || dataset.TargetWidth != 1 || dataset.Outputs != 1)
        {
            report.Paragraph("Residual and fit charts are drawn for regression; this is a classification task, so the metrics above are the fit.");
            return;
        }

        Dataset train = dataset.Subset(result.TrainIndices);
        Dataset? validation = result.ValidationIndices.Length > 0 ? dataset.Subset(result.ValidationIndices) : null;
        double[] trainResiduals = Residuals(train.Targets, result.TrainOutputs);
        double[] validationResiduals = validation is null ? [] : Residuals(validation.Targets, result.ValidationOutputs);
        if (!trainResiduals.Concat(validationResiduals).Any(double.IsFinite))
        {
            report.Paragraph("The predictions are not finite, so there are no residual or fit charts.");
            return;
        }

        var samples = new List<(string, double[])> { ("training", trainResiduals) };
        if (validation is not null)
        {
            samples.Add(("validation", validationResiduals));
        }

        report.Chart(
            "residuals",
            "Residuals y − ŷ on the training and validation rows (shared bins)",
            Charts.Histograms("Residuals", $"{dataset.TargetName} − prediction", samples));
        if (dataset.Columns == 1)
        {
            report.Chart("fit", "The data and the fitted model over the single feature", DataAndFit(dataset, train, validation, result));
        }
        else
        {
            report.Chart("predicted-vs-actual", "Predicted against actual target; points on the grey diagonal are predicted exactly", PredictedVsActual(dataset.TargetName, train, validation, result));
        }
    }

    /// <summary>
    /// One feature: the rows and the model's prediction over the feature. A prediction that is a straight line in the
    /// feature (a linear model on the target's scale) is drawn as that line; any other as the curve through the predictions.
    /// </summary>
    private static ScottPlot.Plot DataAndFit(Dataset dataset, Dataset train, Dataset? validation, FitResult result)
    {
        double[] x = ToDoubles(train.Features);
        double[] y = ToDoubles(train.Targets);
        double[] fitted = ToDoubles(result.TrainOutputs);
        string xLabel = dataset.FeatureNames[0];
        string yLabel = dataset.TargetName;
        ScottPlot.Plot plot;
        if (result.Parameters.Length == 2 && OnLine(x, fitted, result.Parameters[0], result.Parameters[1]))
        {
            double w = result.Parameters[0], b = result.Parameters[1];
            plot = Charts.PointsAndLines("Data and fitted line", xLabel, yLabel, x, y, null, [(string.Create(Inv, $"fit: ŷ = {TextNumber.G(w, 4)}·x + {TextNumber.G(b, 4)}"), w, b)], "training data");
        }
        else
        {
            plot = new ScottPlot.Plot();
            var points = plot.Add.ScatterPoints(x, y);
            points.LegendText = "training data";
            int[] order = [.. Enumerable.Range(0, x.Length).Where(i => double.IsFinite(fitted[i])).OrderBy(i => x[i])];
            var curve = plot.Add.ScatterLine(order.Select(i => x[i]).ToArray(), order.Select(i => fitted[i]).ToArray());
            curve.LegendText = "fit (prediction)";
            curve.LineWidth = 2;
            plot.Title("Data and fitted model");
            plot.XLabel(xLabel);
            plot.YLabel(yLabel);
        }

        if (validation is not null)
        {
            var held = plot.Add.ScatterPoints(ToDoubles(validation.Features), ToDoubles(validation.Targets));
            held.LegendText = "validation data";
            held.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            held.MarkerSize = 7;
        }

        return plot;
    }

    private static ScottPlot.Plot PredictedVsActual(string target, Dataset train, Dataset? validation, FitResult result)
    {
        var plot = new ScottPlot.Plot();
        var parts = new List<(string Label, double[] Actual, double[] Predicted)> { ("training", ToDoubles(train.Targets), ToDoubles(result.TrainOutputs)) };
        if (validation is not null)
        {
            parts.Add(("validation", ToDoubles(validation.Targets), ToDoubles(result.ValidationOutputs)));
        }

        double[] all = [.. parts.SelectMany(p => p.Actual.Concat(p.Predicted)).Where(double.IsFinite)];
        double lo = all.Min(), hi = all.Max();
        var diagonal = plot.Add.Line(lo, lo, hi, hi);
        diagonal.LegendText = "ŷ = y";
        diagonal.LineColor = ScottPlot.Colors.Gray;
        diagonal.LineWidth = 1.5f;
        foreach (var (label, actual, predicted) in parts)
        {
            int[] keep = [.. Enumerable.Range(0, actual.Length).Where(i => double.IsFinite(actual[i]) && double.IsFinite(predicted[i]))];
            var points = plot.Add.ScatterPoints(keep.Select(i => actual[i]).ToArray(), keep.Select(i => predicted[i]).ToArray());
            points.LegendText = label;
            points.Color = new ScottPlot.Palettes.Category10().GetColor(label == "validation" ? 1 : 0);
            if (label == "validation")
            {
                points.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
                points.MarkerSize = 7;
            }
        }

        plot.Title("Predicted against actual");
        plot.XLabel($"actual {target}");
        plot.YLabel($"predicted {target}");
        return plot;
    }

    /// <summary>Whether every finite prediction lies on w·x + b (to 10⁻⁴ of the largest prediction, float32 rounding).</summary>
    private static bool OnLine(double[] x, double[] fitted, double w, double b)
    {
        double[] finite = [.. fitted.Where(double.IsFinite)];
        if (finite.Length == 0 || !double.IsFinite(w) || !double.IsFinite(b))
        {
            return false;
        }

        double tolerance = 1e-4 * Math.Max(1, finite.Max(Math.Abs));
        return Enumerable.Range(0, x.Length).All(i => !double.IsFinite(fitted[i]) || Math.Abs(fitted[i] - ((w * x[i]) + b)) <= tolerance);
    }

    /// <summary>
    /// Rows <paramref name="from"/> to <paramref name="to"/> − 1 of a per-step record as a series over the step; beyond
    /// <see cref="MaxChartPoints"/> rows, each of <see cref="MaxChartPoints"/>/2 stretches keeps its lowest and highest
    /// finite value (in step order), so spikes stay visible.
    /// </summary>
    internal static Series Steps(string label, IReadOnlyList<double> values, int from, int to)
    {
        int rows = Math.Max(0, to - from);
        if (rows <= MaxChartPoints)
        {
            return new Series(label, [.. Enumerable.Range(from, rows).Select(i => (double)i)], [.. Enumerable.Range(from, rows).Select(i => values[i])]);
        }

        int buckets = MaxChartPoints / 2;
        var xs = new List<double>(MaxChartPoints);
        var ys = new List<double>(MaxChartPoints);
        for (int k = 0; k < buckets; k++)
        {
            int start = from + (int)((long)rows * k / buckets), end = from + (int)((long)rows * (k + 1) / buckets);
            int low = -1, high = -1;
            for (int i = start; i < end; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    continue;
                }

                if (low < 0 || values[i] < values[low])
                {
                    low = i;
                }

                if (high < 0 || values[i] > values[high])
                {
                    high = i;
                }
            }

            if (low >= 0)
            {
                int first = Math.Min(low, high), second = Math.Max(low, high);
                xs.Add(first);
                ys.Add(values[first]);
                if (second != first)
                {
                    xs.Add(second);
                    ys.Add(values[second]);
                }
            }
        }

        return new Series(label, [.. xs], [.. ys]);
    }

    /// <summary>A chart of one series: the title and axis say what it is, so no legend covers the data.</summary>
    internal static ScottPlot.Plot Single(ScottPlot.Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.HideLegend();
        return plot;
    }

    /// <summary>The caption's note when <see cref="Steps"/> thins <paramref name="rows"/> rows; empty otherwise.</summary>
    internal static string Thinned(int rows)
        => rows > MaxChartPoints ? string.Create(Inv, $"; {rows} steps drawn as the lowest and highest value of each of {MaxChartPoints / 2} stretches") : string.Empty;

    private static double[] Residuals(float[] targets, float[] outputs)
        => [.. Enumerable.Range(0, Math.Min(targets.Length, outputs.Length)).Select(i => (double)targets[i] - outputs[i])];

    private static double[] ToDoubles(float[] values) => [.. values.Select(v => (double)v)];

    private static string FeatureList(IReadOnlyList<string> names)
        => names.Count <= MaxFeatureNames
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(MaxFeatureNames)) + string.Create(Inv, $", … ({names.Count} features)");

    private static string Metric(SortedDictionary<string, double> metrics, string key)
        => metrics.TryGetValue(key, out double v) ? (double.IsFinite(v) ? TextNumber.G(v, 6) : "n/a") : "—";

    private static string Number(double v) => double.IsFinite(v) ? TextNumber.G(v, 6) : "n/a";
}
