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

    /// <summary>Training options (epochs, batch size, seed, early stopping).</summary>
    public TrainOptions Training { get; init; } = new();

    /// <summary>How the parameters start.</summary>
    public Init Init { get; init; } = Init.Default;

    /// <summary>Standardise the features on the training part.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Share of rows held out for validation.</summary>
    public double Validation { get; init; } = 0.2;

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
        Dataset train = data.Subset(trainRows);
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
        return result with { TrainIndices = trainRows, ValidationIndices = validationRows };
    }

    private static FitResult Gradient(Dataset data, Model model, ILoss loss, string lossSpec, FitSettings settings, Dataset train, Dataset? validation, CancellationToken cancellation)
    {
        Standardizer scaler = settings.Standardize ? Standardizer.Fit(train) : Standardizer.Identity(train.Columns);
        Dataset trainS = scaler.Apply(train);
        Dataset? validationS = validation is null ? null : scaler.Apply(validation);
        int batch = settings.Training.BatchSize <= 0 ? trainS.Rows : Math.Min(settings.Training.BatchSize, trainS.Rows);
        var objective = new TrainingObjective(model, loss, data.Task, Math.Max(batch, 1024));
        OptimizerRule rule = OptimizerCatalog.Create(settings.Optimizer, settings.Schedule, settings.ClipNorm);
        float[] initial = new float[model.ParameterCount];
        model.Initialize(initial, settings.Init, new Random(settings.Training.Seed));
        objective.ApplyPrior(initial, trainS);
        TrainingRun run = Trainer.Train(objective, rule, initial, trainS, validationS, settings.Training, cancellation);
        double[] parameters = model is LinearModel && settings.Standardize
            ? scaler.ToOriginalUnits(run.Parameters, model.Outputs)
            : run.Parameters.Select(p => (double)p).ToArray();
        var (trainMetrics, trainOutputs) = Scored(objective, run.Parameters, trainS);
        var (validationMetrics, validationOutputs) = validationS is null ? ([], []) : Scored(objective, run.Parameters, validationS);
        return new FitResult
        {
            Model = model.Name,
            Loss = lossSpec,
            Optimizer = settings.Optimizer,
            Epochs = run.Epochs,
            Parameters = parameters,
            ModelParameters = run.Parameters,
            Train = trainMetrics,
            Validation = validationMetrics,
            TrainOutputs = trainOutputs,
            ValidationOutputs = validationOutputs,
            Diverged = run.Diverged,
            DivergenceReason = run.DivergenceReason,
            Cancelled = run.Cancelled,
            Run = run,
            TrainRows = train.Rows,
            ValidationRows = validation?.Rows ?? 0,
        };
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
