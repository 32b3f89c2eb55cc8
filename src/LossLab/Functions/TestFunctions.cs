namespace LossLab.Functions;

/// <summary>The catalog of test surfaces for optimizers, by name.</summary>
public static class TestFunctions
{
    /// <summary>(1 − x)² + 100(y − x²)², minimum (1, 1).</summary>
    public static Rosenbrock Rosenbrock { get; } = new();

    /// <summary>(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5).</summary>
    public static Beale Beale { get; } = new();

    /// <summary>2A + Σ(xᵢ² − A·cos 2πxᵢ) with A = 10, minimum (0, 0).</summary>
    public static Rastrigin Rastrigin { get; } = new();

    /// <summary>x² − y², unbounded below (saddle point at the origin).</summary>
    public static Saddle Saddle { get; } = new();

    /// <summary>2xy, the saddle x² − y² turned by 45° (its escape directions on the diagonals).</summary>
    public static RotatedSaddle RotatedSaddle { get; } = new();

    /// <summary>½(x² + 100y²), condition number 100, minimum (0, 0).</summary>
    public static IllConditionedQuadratic Quadratic { get; } = new();

    /// <summary>Every test function, in catalog order.</summary>
    public static IReadOnlyList<ITestFunction> All { get; } = [Rosenbrock, Beale, Rastrigin, Saddle, RotatedSaddle, Quadratic];

    /// <summary>The function of a name (<c>rosenbrock</c>, <c>beale</c>, <c>rastrigin</c>, <c>saddle</c>, <c>rotated_saddle</c>, <c>quadratic</c>), or null.</summary>
    public static ITestFunction? Find(string name) => All.FirstOrDefault(f => f.Name == name);
}
