using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Lab.Training;

/// <summary>What <c>losslab fit</c> does: the model, the loss, the optimizer and how to train.</summary>
public sealed record FitSettings
{
    /// <summary>Model spec (<c>linear</c>, <c>logistic</c>, <c>softmax</c>, <c>mlp:hidden=64/64,activation=relu</c>).</summary>
    public string Model { get; init; } = "linear";

    /// <summary>Loss spec; null picks the task's default (mse, bce_with_logits, cross_entropy).</summary>
    public string? Loss { get; init; }

    /// <summary>Optimizer spec.</summary>
    public string Optimizer { get; init; } = "adam:lr=0.01";

    /// <summary>Learning-rate schedule spec, or null.</summary>
    public string? Schedule { get; init; }

    /// <summary>Clip the gradient to this global norm, or null.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>
    /// Training options (epochs, batch size, seed, early stopping, stopping tolerance); the default is what
    /// <c>losslab fit</c> uses: at most <see cref="DefaultEpochs"/> epochs, tol <see cref="DefaultTolerance"/>, 5 epochs
    /// without change.
    /// </summary>
    public TrainOptions Training { get; init; } = new() { Epochs = DefaultEpochs, Tolerance = DefaultTolerance };

    /// <summary>The default epoch budget of <c>fit</c> (a maximum: the stopping tolerance usually ends the run earlier).</summary>
    public const int DefaultEpochs = 1000;

    /// <summary>The default stopping tolerance of <c>fit</c> (see <see cref="TrainOptions.Tolerance"/>).</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>How the parameters start.</summary>
    public Init Init { get; init; } = Init.Default;

    /// <summary>Standardise the features on the training part.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Share of rows held out for validation (0, the default: every row trains).</summary>
    public double Validation { get; init; }

    /// <summary>
    /// <c>gradient</c>, <c>closed_form</c> (least squares by QR), <c>irls</c> (robust / quantile regression) or
    /// <c>mm</c> (lmrob's MM-estimate; implies <see cref="ExactSolvers.MmDefaultLoss"/> when <see cref="Loss"/> is null) or
    /// <c>coordinate_descent</c> (the exact lasso of <c>--model linear:l1=λ</c> with <c>--loss mse</c>; see <see cref="ExactSolvers.Lasso"/>).
    /// </summary>
    public string Solver { get; init; } = "gradient";
}

/// <summary>The outcome of a fit.</summary>
public sealed record FitResult
{
    /// <summary>The model name.</summary>
    public required string Model { get; init; }

    /// <summary>The loss spec used.</summary>
    public required string Loss { get; init; }

    /// <summary>The optimizer spec (or the solver).</summary>
    public required string Optimizer { get; init; }

    /// <summary>Epochs run (0 for an exact solver).</summary>
    public int Epochs { get; init; }

    /// <summary>
    /// The parameters in PyTorch's order (weights row-major, then biases); for linear models in the original
    /// feature units even when the features were standardised.
    /// </summary>
    public required double[] Parameters { get; init; }

    /// <summary>The parameters as the model trained them (standardised space when standardising).</summary>
    public required float[] ModelParameters { get; init; }

    /// <summary>Training loss and metrics.</summary>
    public required SortedDictionary<string, double> Train { get; init; }

    /// <summary>Validation loss and metrics (empty without a validation part).</summary>
    public required SortedDictionary<string, double> Validation { get; init; }

    /// <summary>Whether training diverged.</summary>
    public bool Diverged { get; init; }

    /// <summary>
    /// Whether the fit converged: an exact solver always; gradient training when the stopping tolerance or early
    /// stopping ended it before the epoch budget (false when it ran out of epochs, diverged or was cancelled).
    /// </summary>
    public bool Converged { get; init; }

    /// <summary>A name per entry of <see cref="Parameters"/>, in the same order (see <see cref="Fitter.ParameterNames"/>).</summary>
    public string[] ParameterNames { get; init; } = [];

    /// <summary>The confusion matrix on the training rows (classification only, else null).</summary>
    public ConfusionMatrix? TrainConfusion { get; init; }

    /// <summary>The confusion matrix on the validation rows (classification with a validation part, else null).</summary>
    public ConfusionMatrix? ValidationConfusion { get; init; }

    /// <summary>
    /// How a regression target was scaled for gradient training: ŷ = <see cref="TargetSpread"/>·ŷ′ + <see cref="TargetCenter"/>
    /// (0 and 1 when it was not).
    /// </summary>
    public double TargetCenter { get; init; }

    /// <summary>See <see cref="TargetCenter"/>.</summary>
    public double TargetSpread { get; init; } = 1;

    /// <summary>Why and when.</summary>
    public string? DivergenceReason { get; init; }

    /// <summary>Whether it was cancelled (the results are those computed so far).</summary>
    public bool Cancelled { get; init; }

    /// <summary>The run, for gradient training.</summary>
    public TrainingRun? Run { get; init; }

    /// <summary>Rows used for training and validation.</summary>
    public int TrainRows { get; init; }

    /// <summary>Rows held out.</summary>
    public int ValidationRows { get; init; }

    /// <summary>For <c>--solver mm</c>: the robust scale and the rows the fit rejected; null otherwise.</summary>
    public RobustSummary? Robust { get; init; }

    /// <summary>The rows of the data set used for training (indices into the data set given to <see cref="Fitter.Fit"/>, in split order).</summary>
    public int[] TrainIndices { get; init; } = [];

    /// <summary>The rows of the data set held out for validation (indices, in split order; empty without a validation part).</summary>
    public int[] ValidationIndices { get; init; } = [];

    /// <summary>
    /// The fitted model's outputs on the training rows (in <see cref="TrainIndices"/> order, <see cref="Dataset.Outputs"/>
    /// per row), on the target's scale as the metrics read them (logits for classification).
    /// </summary>
    public float[] TrainOutputs { get; init; } = [];

    /// <summary>The fitted model's outputs on the validation rows (in <see cref="ValidationIndices"/> order), as <see cref="TrainOutputs"/>.</summary>
    public float[] ValidationOutputs { get; init; } = [];
}

/// <summary>Counts of (true class, predicted class) pairs: <c>Matrix[t][p]</c>, rows the true class, columns the predicted one.</summary>
/// <param name="Labels">The class names, in class-index order.</param>
/// <param name="Matrix">Rows = true class, columns = predicted class.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, long[][] Matrix)
{
    /// <summary>
    /// The confusion matrix of classification outputs (logits) against class-index targets, predicting as the accuracy does:
    /// binary positive where σ(z) &gt; 0.5, multiclass the first largest logit.
    /// </summary>
    public static ConfusionMatrix Of(TaskKind task, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int classes = task == TaskKind.Binary ? 2 : labels.Count;
        long[][] matrix = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
        for (int i = 0; i < targets.Length; i++)
        {
            int predicted;
            if (task == TaskKind.Binary)
            {
                predicted = Metrics.Sigmoid(outputs[i]) > 0.5 ? 1 : 0;
            }
            else
            {
                ReadOnlySpan<float> row = outputs.Slice(i * classes, classes);
                predicted = 0;
                for (int k = 1; k < classes; k++)
                {
                    if (row[k] > row[predicted])
                    {
                        predicted = k;
                    }
                }
            }

            int actual = task == TaskKind.Binary ? (targets[i] > 0.5f ? 1 : 0) : (int)targets[i];
            matrix[actual][predicted]++;
        }

        return new ConfusionMatrix(labels.Count == classes ? labels : Enumerable.Range(0, classes).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), matrix);
    }
}

/// <summary>What <c>--solver mm</c> reports beyond the coefficients.</summary>
/// <param name="Scale">The S-estimate's M-scale s, the robust residual scale (0 for an exact fit).</param>
/// <param name="WeightCut">lmrob's outlier cut 0.1/n on the robustness weights (n training rows).</param>
/// <param name="RejectedRows">Rows of the data set (0-based, ascending) whose robustness weight is below <paramref name="WeightCut"/>.</param>
/// <param name="Iterations">The M-step's IRWLS iterations (lmrob's <c>iter</c>).</param>
/// <param name="Converged">Whether the M-step converged.</param>
/// <param name="ExactFit">Whether more than half the rows lie exactly on the fit (scale 0, no M-step).</param>
public sealed record RobustSummary(double Scale, double WeightCut, int[] RejectedRows, int Iterations, bool Converged, bool ExactFit);

/// <summary>Trains one model on a data set (or solves it exactly) and reports parameters and metrics.</summary>
public static class Fitter
{
    /// <summary>The default loss of a task.</summary>
    public static string DefaultLoss(TaskKind task) => task switch
    {
        TaskKind.Regression => "mse",
        TaskKind.Binary or TaskKind.Segmentation => "bce_with_logits",
        TaskKind.Boxes => "smooth_l1",
        _ => "cross_entropy",
    };

    /// <summary>The default optimizer of full-batch training: L-BFGS with a strong-Wolfe line search (also safe on L1-type losses).</summary>
    public const string FullBatchOptimizer = "lbfgs:line_search_fn=strong_wolfe";

    /// <summary>The default optimizer of mini-batch training.</summary>
    public const string MiniBatchOptimizer = "adam:lr=0.01";

    /// <summary>
    /// The optimizer <c>fit</c> uses when none is given: <see cref="FullBatchOptimizer"/> for full batches
    /// (<paramref name="batchSize"/> 0 or at least <paramref name="rows"/>), where a quasi-Newton method reaches the
    /// minimum of a linear model in a few epochs, else <see cref="MiniBatchOptimizer"/>.
    /// </summary>
    public static string DefaultOptimizer(int batchSize, int rows) => batchSize <= 0 || batchSize >= rows ? FullBatchOptimizer : MiniBatchOptimizer;

    /// <summary>Fits.</summary>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task.</exception>
    public static FitResult Fit(Dataset data, FitSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        string lossSpec = settings.Loss ?? (settings.Solver == "mm" ? ExactSolvers.MmDefaultLoss : DefaultLoss(data.Task));
        int outputs = data.Outputs;
        Model model = CheckSize(ModelCatalog.Create(settings.Model, data.Columns, outputs));
        ILoss loss = LossCatalog.Create(lossSpec, data.Task == TaskKind.Multiclass ? data.Classes : 0);
        (int[] trainRows, int[] validationRows) = Splits.TrainValidation(data.Rows, settings.Validation, settings.Training.Seed);
        if (settings.Training.Patience > 0 && validationRows.Length == 0)
        {
            throw new SpecException("--patience: early stopping watches the validation loss; keep a validation part (--validation > 0)");
        }
        // Without a validation part the exact solvers read the data as loaded (the training rows are all rows in file
        // order, and they only read): no copy of a large file. Gradient training gets its own copy as before.
        bool exact = settings.Solver is "closed_form" or "irls" or "mm" or "coordinate_descent";
        Dataset train = exact && validationRows.Length == 0 ? data : data.Subset(trainRows);
        Dataset? validation = validationRows.Length > 0 ? data.Subset(validationRows) : null;
        if (train.Rows < 2)
        {
            throw new DataException($"{data.Name}: only {train.Rows} training row(s) after holding out {validationRows.Length} for validation; lower --validation");
        }

        FitResult result = settings.Solver switch
        {
            "gradient" => Gradient(data, model, loss, lossSpec, settings, train, validation, cancellation),
            "closed_form" or "irls" or "mm" or "coordinate_descent" => Exact(model, loss, lossSpec, settings, train, validation, trainRows),
            _ => throw new SpecException($"--solver {settings.Solver}: unknown; accepted: gradient, closed_form, irls, mm, coordinate_descent"),
        };
        bool classification = data.Task is TaskKind.Binary or TaskKind.Multiclass;
        return result with
        {
            TrainIndices = trainRows,
            ValidationIndices = validationRows,
            ParameterNames = ParameterNames(model, data),
            TrainConfusion = classification ? ConfusionMatrix.Of(data.Task, result.TrainOutputs, train.Targets, data.ClassNames) : null,
            ValidationConfusion = classification && validation is not null ? ConfusionMatrix.Of(data.Task, result.ValidationOutputs, validation.Targets, data.ClassNames) : null,
        };
    }

    /// <summary>
    /// A name per parameter, in the model's (PyTorch's) order. Linear models: the feature names, then <c>intercept</c>;
    /// with several outputs (softmax) each prefixed by its class, <c>class:feature</c> and <c>class:intercept</c>.
    /// MLP: <c>layerL.weight[o,i]</c> then <c>layerL.bias[o]</c> per layer, L from 1 (0-based o and i).
    /// </summary>
    public static string[] ParameterNames(Model model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var names = new List<string>(model.ParameterCount);
        if (model is LinearModel)
        {
            int outputs = model.Outputs;
            string Prefix(int o) => outputs == 1 ? string.Empty : (o < data.ClassNames.Count ? data.ClassNames[o] : $"output{o}") + ":";
            for (int o = 0; o < outputs; o++)
            {
                names.AddRange(data.FeatureNames.Select(f => Prefix(o) + f));
            }

            for (int o = 0; o < outputs; o++)
            {
                names.Add(Prefix(o) + "intercept");
            }
        }
        else if (model is Mlp mlp)
        {
            int[] sizes = [mlp.Inputs, .. mlp.Hidden, mlp.Outputs];
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                for (int o = 0; o < sizes[l + 1]; o++)
                {
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        names.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"layer{l + 1}.weight[{o},{i}]"));
                    }
                }

                for (int o = 0; o < sizes[l + 1]; o++)
                {
                    names.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"layer{l + 1}.bias[{o}]"));
                }
            }
        }

        while (names.Count < model.ParameterCount)
        {
            names.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{names.Count}"));
        }

        return [.. names];
    }

    private static FitResult Gradient(Dataset data, Model model, ILoss loss, string lossSpec, FitSettings settings, Dataset train, Dataset? validation, CancellationToken cancellation)
    {
        Standardizer scaler = settings.Standardize ? Standardizer.Fit(train) : Standardizer.Identity(train.Columns);
        Dataset trainS = scaler.Apply(train);
        Dataset? validationS = validation is null ? null : scaler.Apply(validation);
        TargetScaling scaling = settings.Standardize && data.Task == TaskKind.Regression && model is DenseModel
            ? TargetScaling.For(lossSpec, model, train.Targets, data.Columns, data.Outputs)
            : TargetScaling.None(lossSpec, model);
        Dataset trainT = scaling.IsIdentity ? trainS : trainS.WithTargets(scaling.Scale(trainS.Targets));
        Dataset? validationT = validationS is null || scaling.IsIdentity ? validationS : validationS.WithTargets(scaling.Scale(validationS.Targets));
        ILoss trainedLoss = scaling.IsIdentity ? loss : LossCatalog.Create(scaling.LossSpec);
        int batch = settings.Training.BatchSize <= 0 ? trainS.Rows : Math.Min(settings.Training.BatchSize, trainS.Rows);
        var objective = new TrainingObjective(scaling.Model, trainedLoss, data.Task, Math.Max(batch, 1024));
        OptimizerRule rule = OptimizerCatalog.Create(settings.Optimizer, settings.Schedule, settings.ClipNorm);
        float[] initial = new float[model.ParameterCount];
        model.Initialize(initial, settings.Init, new Random(settings.Training.Seed));
        objective.ApplyPrior(initial, trainT);
        TrainingRun run = Trainer.Train(objective, rule, initial, trainT, validationT, settings.Training, cancellation);

        // Back to the target's units: the output layer W, b becomes σ_y·W, σ_y·b + μ_y, the same function of the
        // standardised features; then, for linear models, to the original feature units.
        double[] reported = scaling.ToTargetUnits(run.Parameters);
        float[] modelParameters = [.. reported.Select(v => (float)v)];
        double[] parameters = model is LinearModel && settings.Standardize ? ToOriginalUnits(scaler, reported, model.Outputs) : reported;
        var reportObjective = scaling.IsIdentity ? objective : new TrainingObjective(model, loss, data.Task, Math.Max(batch, 1024));
        var (trainMetrics, trainOutputs) = Scored(reportObjective, modelParameters, trainS);
        var (validationMetrics, validationOutputs) = validationS is null ? ([], []) : Scored(reportObjective, modelParameters, validationS);
        return new FitResult
        {
            Model = model.Name,
            Loss = lossSpec,
            Optimizer = settings.Optimizer,
            Epochs = run.Epochs,
            Parameters = parameters,
            ModelParameters = modelParameters,
            Train = trainMetrics,
            Validation = validationMetrics,
            TrainOutputs = trainOutputs,
            ValidationOutputs = validationOutputs,
            Diverged = run.Diverged || !parameters.All(double.IsFinite),
            DivergenceReason = run.DivergenceReason ?? (parameters.All(double.IsFinite) ? null : "a parameter is not finite in the original units"),
            Converged = !run.Diverged && !run.Cancelled && (run.Converged || run.StoppedEarly),
            Cancelled = run.Cancelled,
            Run = run,
            TrainRows = train.Rows,
            ValidationRows = validation?.Rows ?? 0,
            TargetCenter = scaling.Center,
            TargetSpread = scaling.Spread,
        };
    }

    /// <summary>Standardizer.ToOriginalUnits in double: W'ₒᵢ = Wₒᵢ/σᵢ, b'ₒ = bₒ − Σᵢ Wₒᵢμᵢ/σᵢ.</summary>
    private static double[] ToOriginalUnits(Standardizer scaler, double[] parameters, int outputs)
    {
        int d = scaler.Mean.Length;
        double[] result = new double[parameters.Length];
        for (int o = 0; o < outputs; o++)
        {
            double shift = 0;
            for (int i = 0; i < d; i++)
            {
                double w = parameters[(o * d) + i] / scaler.Scale[i];
                result[(o * d) + i] = w;
                shift += w * scaler.Mean[i];
            }

            result[(outputs * d) + o] = parameters[(outputs * d) + o] - shift;
        }

        return result;
    }

    private static FitResult Exact(Model model, ILoss loss, string lossSpec, FitSettings settings, Dataset train, Dataset? validation, int[] trainRows)
    {
        if (model is not LinearModel || model.Outputs != 1 || train.Task != TaskKind.Regression)
        {
            throw new SpecException($"--solver {settings.Solver}: exact solvers fit a linear regression model (--model linear on a regression target)");
        }

        RobustSummary? robust = null;
        double[] coefficients;
        if (settings.Solver == "mm")
        {
            MmSolution mm = ExactSolvers.Mm(loss, train, settings.Training.Seed);
            coefficients = mm.Coefficients;
            robust = new RobustSummary(mm.Fit.Scale, mm.Fit.OutlierWeightCut, [.. mm.Fit.Outliers.Select(i => trainRows[i]).Order()], mm.Fit.Iterations, mm.Fit.Converged, mm.Fit.ExactFit);
        }
        else if (settings.Solver == "coordinate_descent")
        {
            if (loss.Name != "mse" || model.L2 != 0)
            {
                throw new SpecException($"--solver coordinate_descent fits the lasso: --loss mse with --model linear:l1=λ (no l2), not loss {loss.Name} with l2={model.L2}");
            }

            coefficients = ExactSolvers.Lasso(train, model.L1).Coefficients;
        }
        else
        {
            coefficients = ExactSolvers.Solve(settings.Solver, loss, train);
        }

        float[] modelParameters = coefficients.Select(c => (float)c).ToArray();
        var (trainMetrics, trainPredictions) = ExactSolvers.Score(loss, coefficients, train, model.L1, model.L2);
        var (validationMetrics, validationPredictions) = validation is null ? ([], []) : ExactSolvers.Score(loss, coefficients, validation, model.L1, model.L2);
        float[] trainOutputs = Array.ConvertAll(trainPredictions, v => (float)v), validationOutputs = Array.ConvertAll(validationPredictions, v => (float)v);
        return new FitResult
        {
            Model = model.Name,
            Loss = lossSpec,
            Optimizer = settings.Solver,
            Epochs = 0,
            Parameters = coefficients,
            ModelParameters = modelParameters,
            Train = trainMetrics,
            Validation = validationMetrics,
            TrainOutputs = trainOutputs,
            ValidationOutputs = validationOutputs,
            TrainRows = train.Rows,
            ValidationRows = validation?.Rows ?? 0,
            Robust = robust,
            Converged = robust?.Converged ?? true,
        };
    }

    /// <summary>The largest model fit and compare train (parameters).</summary>
    public const int MaxParameters = 50_000_000;

    /// <summary>Rejects a model too large to train here, naming its size.</summary>
    public static Model CheckSize(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ParameterCount <= MaxParameters
            ? model
            : throw new SpecException($"--model: {model.Name} has {model.ParameterCount:N0} parameters; the lab trains at most {MaxParameters:N0} (use fewer or smaller hidden layers)");
    }

    /// <summary>The loss and the task metrics of parameters on a data set.</summary>
    public static SortedDictionary<string, double> Score(TrainingObjective objective, ReadOnlySpan<float> parameters, Dataset data)
        => Scored(objective, parameters, data).Metrics;

    /// <summary>The metrics of <see cref="Score"/> and the outputs they were computed from.</summary>
    private static (SortedDictionary<string, double> Metrics, float[] Outputs) Scored(TrainingObjective objective, ReadOnlySpan<float> parameters, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(data);
        float[] outputs = objective.ToResponse(objective.Predict(parameters, data));
        SortedDictionary<string, double> metrics = Metrics.Compute(data.Task, outputs, data.Targets, data.Classes);
        metrics["loss"] = objective.Evaluate(parameters, data, objective.EncodeTargets(data.Targets));
        return (metrics, outputs);
    }
}

/// <summary>
/// How <c>fit</c> scales a regression target for gradient training, y′ = (y − μ_y)/σ_y on the training rows, so that
/// the default learning rate suits any target scale, while the fitted function stays the minimiser of the loss asked
/// for in the target's units:
/// <list type="bullet">
/// <item>losses of the residual that are homogeneous, L(σr; σa) = σ^k·L(r; a) with a the loss's own scale parameter:
/// mse, huber (δ), pseudo_huber (δ), tukey (c), squared_epsilon_insensitive (ε) with k = 2; l1, quantile, smooth_l1 (β),
/// epsilon_insensitive (ε) with k = 1; cauchy (c), barron (c) with k = 0. The parameter becomes a/σ_y and a linear
/// model's penalties l1·σ_y^(1−k) and l2·σ_y^(2−k), so the scaled objective is the original one divided by σ_y^k;</item>
/// <item>log_cosh (no scale parameter) and an MLP with a penalty: centred only (y − μ_y; the output bias absorbs it);</item>
/// <item>every other loss (log-link poisson_nll, tweedie, gamma, msle, mape, gaussian_nll): left as it is (a log-link
/// model already starts at log ȳ).</item>
/// </list>
/// </summary>
internal sealed class TargetScaling
{
    private TargetScaling(double center, double spread, string lossSpec, Model model)
    {
        Center = center;
        Spread = spread;
        LossSpec = lossSpec;
        Model = model;
    }

    /// <summary>μ_y (0 when not centred).</summary>
    public double Center { get; }

    /// <summary>σ_y (1 when not scaled).</summary>
    public double Spread { get; }

    /// <summary>The loss spec in the scaled units.</summary>
    public string LossSpec { get; }

    /// <summary>The model trained (its penalties in the scaled units).</summary>
    public Model Model { get; }

    /// <summary>Whether the target is left as it is.</summary>
    public bool IsIdentity => Center == 0 && Spread == 1;

    /// <summary>No scaling.</summary>
    public static TargetScaling None(string lossSpec, Model model) => new(0, 1, lossSpec, model);

    /// <summary>The scaling for a loss and a model on these training targets (see the class remarks).</summary>
    public static TargetScaling For(string lossSpec, Model model, float[] targets, int inputs, int outputs)
    {
        Spec spec = Spec.Parse(lossSpec);
        (int degree, string? key) = spec.Name switch
        {
            "mse" => (2, null),
            "huber" or "pseudo_huber" => (2, "delta"),
            "tukey" => (2, "c"),
            "squared_epsilon_insensitive" => (2, "epsilon"),
            "l1" or "quantile" => (1, (string?)null),
            "smooth_l1" => (1, "beta"),
            "epsilon_insensitive" => (1, "epsilon"),
            "cauchy" or "barron" => (0, "c"),
            "log_cosh" => (-1, null),
            _ => (-2, null),
        };
        if (degree == -2 || targets.Length == 0)
        {
            return None(lossSpec, model);
        }

        double mean = 0;
        foreach (float t in targets)
        {
            mean += t;
        }

        mean /= targets.Length;
        double squares = 0;
        foreach (float t in targets)
        {
            squares += (t - mean) * (t - mean);
        }

        double sd = Math.Sqrt(squares / targets.Length);
        bool scale = degree >= 0 && sd > 1e-12 * (1 + Math.Abs(mean)) && double.IsFinite(sd) && !(model is not LinearModel && model.HasPenalty);
        if (!scale)
        {
            return new TargetScaling(mean, 1, lossSpec, model);
        }

        string scaledLoss = lossSpec;
        if (key is not null)
        {
            string given = spec.Arguments.FirstOrDefault(a => a.Key == key).Value
                ?? LossCatalog.Find(spec.Name)!.Parameters.First(p => p.Name == key).Default;
            double value = double.Parse(given, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) / sd;
            string text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            List<KeyValuePair<string, string>> arguments = [.. spec.Arguments.Where(a => a.Key != key), new(key, text)];
            scaledLoss = new Spec(spec.Name, arguments).ToString();
        }

        Model trained = model;
        if (model is LinearModel && model.HasPenalty)
        {
            trained = new LinearModel(inputs, outputs, model.Name) { L1 = model.L1 * Math.Pow(sd, 1 - degree), L2 = model.L2 * Math.Pow(sd, 2 - degree) };
        }

        return new TargetScaling(mean, sd, scaledLoss, trained);
    }

    /// <summary>(y − μ_y)/σ_y.</summary>
    public float[] Scale(float[] targets) => [.. targets.Select(t => (float)((t - Center) / Spread))];

    /// <summary>Trained parameters with the output layer back in the target's units: W → σ_y·W, b → σ_y·b + μ_y.</summary>
    public double[] ToTargetUnits(float[] parameters)
    {
        double[] result = [.. parameters.Select(p => (double)p)];
        if (IsIdentity || Model is not DenseModel)
        {
            return result;
        }

        int outputs = Model.Outputs;
        int fanIn = Model is Mlp { Hidden.Count: > 0 } mlp ? mlp.Hidden[^1] : Model.Inputs;
        int biases = result.Length - outputs;
        for (int i = biases - (outputs * fanIn); i < result.Length; i++)
        {
            result[i] *= Spread;
        }

        for (int o = 0; o < outputs; o++)
        {
            result[biases + o] += Center;
        }

        return result;
    }
}
