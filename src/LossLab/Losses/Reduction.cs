namespace LossLab.Losses;

/// <summary>How per-item loss values are combined into one number (PyTorch's <c>reduction</c> argument).</summary>
public enum Reduction
{
    /// <summary>No reduction: one value per item; the gradient is the element-wise derivative (the gradient of the sum).</summary>
    None,

    /// <summary>Sum of the items divided by the number of elements (<c>numel</c>); weighted losses divide by the weight sum.</summary>
    Mean,

    /// <summary>Plain sum of the items.</summary>
    Sum,

    /// <summary>Sum divided by the batch size N (only <c>kl_div</c>, where it is the mathematically correct mean).</summary>
    BatchMean,
}

/// <summary>Parsing and printing of <see cref="Reduction"/> names as PyTorch spells them.</summary>
public static class ReductionNames
{
    /// <summary>The snake_case name: <c>none</c>, <c>mean</c>, <c>sum</c>, <c>batchmean</c>.</summary>
    public static string ToName(this Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Mean => "mean",
        Reduction.Sum => "sum",
        Reduction.BatchMean => "batchmean",
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown reduction"),
    };

    /// <summary>Parses <c>none</c>, <c>mean</c>, <c>sum</c> or <c>batchmean</c>.</summary>
    /// <exception cref="ArgumentException">The name is not one of these.</exception>
    public static Reduction Parse(string name) => name switch
    {
        "none" => Reduction.None,
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException($"unknown reduction '{name}'; accepted: none, mean, sum, batchmean", nameof(name)),
    };
}
