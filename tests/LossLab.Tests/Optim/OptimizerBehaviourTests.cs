using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Tests.Optim;

/// <summary>Catalog-driven behaviour: descent on a convex quadratic, convergence on Rosenbrock, no allocation, validation.</summary>
public sealed class OptimizerBehaviourTests
{
    /// <summary>
    /// A sensible setting per optimizer for Rosenbrock from (−1.2, 1), the step budget and the distance to (1, 1) it must reach.
    /// Adadelta hovers around the valley at any constant rate (PyTorch's does too), so it gets a cosine decay.
    /// </summary>
    public static TheoryData<string, string?, int, double> RosenbrockSettings => new()
    {
        { "sgd:lr=0.001,momentum=0.9", null, 20000, 1e-2 },
        { "sgd:lr=0.001,momentum=0.9,nesterov=true", null, 20000, 1e-2 },
        { "adam:lr=0.01", null, 20000, 1e-2 },
        { "adamw:lr=0.01,weight_decay=0", null, 20000, 1e-2 },
        { "rmsprop:lr=0.001", null, 20000, 1e-2 },
        { "adagrad:lr=0.5", null, 20000, 1e-2 },
        { "adadelta:lr=1", "cosine:t_max=20000", 20000, 1e-2 },
        { "adamax:lr=0.02", null, 20000, 1e-2 },
        { "nadam:lr=0.01", null, 20000, 1e-2 },
        { "radam:lr=0.001", null, 20000, 1e-2 },
        { "rprop:lr=0.001", null, 5000, 1e-2 },
        { "lion:lr=0.001", null, 20000, 1e-2 },
    };

    [Theory]
    [MemberData(nameof(RosenbrockSettings))]
    public void Reaches_the_Rosenbrock_minimum_within_the_stated_budget(string spec, string? schedule, int budget, double tolerance)
    {
        Problems.Gradient f = Problems.Surface("rosenbrock");
        float[] theta = [-1.2f, 1f];
        float[] g = new float[2];
        var optimizer = new Optimizer(OptimizerCatalog.Create(spec, schedule).Transform!, 2);
        for (int k = 0; k < budget; k++)
        {
            f(theta, g);
            optimizer.Step(theta, g);
        }

        double distance = Math.Sqrt(Math.Pow(theta[0] - 1, 2) + Math.Pow(theta[1] - 1, 2));
        Assert.True(distance <= tolerance, $"{spec}: ended at ({theta[0]}, {theta[1]}), {distance:G3} from (1, 1)");
    }

    [Fact]
    public void Lbfgs_with_strong_wolfe_reaches_the_Rosenbrock_minimum_in_a_few_steps()
    {
        OptimizerRule rule = OptimizerCatalog.Create("lbfgs:line_search_fn=strong_wolfe");
        Problems.Gradient f = Problems.Surface("rosenbrock");
        float[] theta = [-1.2f, 1f];
        var lbfgs = new Lbfgs(rule.Lbfgs!, 2);
        for (int k = 0; k < 10; k++)
        {
            lbfgs.Step(theta, (p, g) => (float)f(p, g));
        }

        Assert.True(Math.Abs(theta[0] - 1) < 1e-3 && Math.Abs(theta[1] - 1) < 1e-3, $"ended at ({theta[0]}, {theta[1]})");
    }

    public static TheoryData<string> Every
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (OptimizerInfo info in OptimizerCatalog.All.Where(o => o.Name != "lbfgs"))
            {
                data.Add(info.Name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Every_optimizer_decreases_a_convex_quadratic_at_its_defaults_times_ten(string name)
    {
        // f = ½(x² + 10y²) from (3, −2); a learning rate ten times the default keeps the test short for the slow ones.
        OptimizerInfo info = OptimizerCatalog.Find(name)!;
        double lr = 10 * double.Parse(info.Parameters.Single(p => p.Name == "lr").Default, System.Globalization.CultureInfo.InvariantCulture);
        if (name is "adadelta")
        {
            lr = 1;
        }

        var optimizer = new Optimizer(OptimizerCatalog.Create($"{name}:lr={lr}").Transform!, 2);
        float[] theta = [3f, -2f];
        float[] g = new float[2];
        double start = Quadratic(theta, g);
        for (int k = 0; k < 200; k++)
        {
            Quadratic(theta, g);
            optimizer.Step(theta, g);
        }

        double end = Quadratic(theta, g);
        Assert.True(end < 0.9 * start, $"{name}: f went from {start} to {end}");
        Assert.True(double.IsFinite(end));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void A_step_allocates_nothing_in_steady_state(string name)
    {
        string spec = name switch
        {
            "sgd" => "sgd:momentum=0.9,nesterov=true,weight_decay=0.1",
            "rprop" => "rprop",
            _ => name + ":weight_decay=0.01",
        };
        var optimizer = new Optimizer(OptimizerCatalog.Create(spec, "cosine:t_max=1000", clipNorm: 1.0).Transform!, 64);
        float[] theta = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray();
        float[] g = Enumerable.Range(0, 64).Select(i => (float)Math.Cos(i)).ToArray();
        for (int k = 0; k < 10; k++)
        {
            optimizer.Step(theta, g);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++)
        {
            optimizer.Step(theta, g);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("sgd:lr=-0.1", "lr")]
    [InlineData("sgd:momentum=-0.5", "momentum")]
    [InlineData("sgd:nesterov=true", "nesterov")]
    [InlineData("sgd:momentum=0.9,dampening=0.1,nesterov=true", "nesterov")]
    [InlineData("sgd:weight_decay=-1", "weight_decay")]
    [InlineData("adam:lr=-1", "lr")]
    [InlineData("adam:betas=1/0.999", "betas")]
    [InlineData("adam:betas=0.9/1.5", "betas")]
    [InlineData("adam:betas=-0.1/0.999", "betas")]
    [InlineData("adam:eps=-1", "eps")]
    [InlineData("adamw:weight_decay=-0.01", "weight_decay")]
    [InlineData("rmsprop:alpha=1.5", "alpha")]
    [InlineData("rmsprop:momentum=-1", "momentum")]
    [InlineData("adagrad:lr_decay=-1", "lr_decay")]
    [InlineData("adadelta:rho=1.5", "rho")]
    [InlineData("adamax:betas=0.9/1", "betas")]
    [InlineData("nadam:momentum_decay=-1", "momentum_decay")]
    [InlineData("radam:lr=-0.1", "lr")]
    [InlineData("rprop:etas=1.5/1.2", "etas")]
    [InlineData("rprop:step_sizes=1/0.1", "step_sizes")]
    [InlineData("lion:betas=0.9/2", "betas")]
    [InlineData("lbfgs:history_size=0", "history_size")]
    [InlineData("lbfgs:line_search_fn=backtracking", "line_search_fn")]
    public void Invalid_hyper_parameters_are_rejected_naming_the_parameter(string spec, string parameter)
    {
        var ex = Assert.Throws<SpecException>(() => OptimizerCatalog.Create(spec));
        Assert.Contains(parameter, ex.Message, StringComparison.Ordinal);
        Assert.Equal(parameter, Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException).ParamName);
    }

    [Fact]
    public void Factories_throw_argument_out_of_range_with_the_parameter_name()
    {
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Sgd(-1.0)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Sgd(0.1, nesterov: true)).ParamName);
        Assert.Equal("betas", Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Adam(0.1, 1.0)).ParamName);
        Assert.Equal("betas", Assert.Throws<ArgumentOutOfRangeException>(() => new ScaleByAdam(0.9, beta2: 1.0)).ParamName);
    }

    [Theory]
    [InlineData("adamm", "unknown optimizer 'adamm'; accepted: sgd, adam")]
    [InlineData("adam:momentum=0.9", "adam: unknown parameter 'momentum'; accepted: lr, betas")]
    [InlineData("adam:betas=0.9", "betas must have two entries")]
    [InlineData("sgd:lr=fast", "sgd: lr=fast is not a number")]
    public void Malformed_optimizer_specs_say_what_is_accepted(string spec, string expected)
    {
        var ex = Assert.Throws<SpecException>(() => OptimizerCatalog.Create(spec));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maximize_ascends()
    {
        var optimizer = new Optimizer(OptimizerCatalog.Create("sgd:lr=0.1,maximize=true").Transform!, 1);
        float[] theta = [1f];
        optimizer.Step(theta, [2f]);
        Assert.Equal(1.2f, theta[0], 6);
    }

    [Fact]
    public void Chains_are_records_that_can_be_varied_with_with()
    {
        var adam = new ScaleByAdam(0.9);
        ScaleByAdam variant = adam with { Beta2 = 0.99 };
        Assert.Equal(0.99, variant.Beta2);
        Assert.Equal(OptimizerCatalog.Create("adam:lr=0.01").Transform, OptimizerCatalog.Create("adam:lr=0.01").Transform);
        Assert.NotEqual(OptimizerCatalog.Create("adam:lr=0.01").Transform, OptimizerCatalog.Create("adam:lr=0.02").Transform);
    }

    private static double Quadratic(ReadOnlySpan<float> theta, Span<float> g)
    {
        g[0] = theta[0];
        g[1] = 10 * theta[1];
        return 0.5 * ((theta[0] * (double)theta[0]) + (10 * theta[1] * (double)theta[1]));
    }

    [Theory]
    [InlineData("adagrad")]
    [InlineData("adadelta")]
    [InlineData("rprop")]
    [InlineData("lbfgs")]
    public void One_cycle_with_cycle_momentum_is_refused_without_momentum_or_betas(string optimizer)
    {
        // PyTorch 1.13: "optimizer must support momentum with `cycle_momentum` option enabled".
        var ex = Assert.Throws<SpecException>(() => OptimizerCatalog.Create(optimizer, "one_cycle:max_lr=0.1,total_steps=10"));
        Assert.Contains($"one_cycle: {optimizer} has no momentum or betas", ex.Message, StringComparison.Ordinal);
        Assert.Contains("set one_cycle:cycle_momentum=false", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(OptimizerCatalog.Create(optimizer, "one_cycle:max_lr=0.1,total_steps=10,cycle_momentum=false"));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd:momentum=0.9")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("adamax")]
    [InlineData("nadam")]
    [InlineData("radam")]
    [InlineData("lion")]
    public void One_cycle_cycles_momentum_or_beta1_of_every_optimizer_that_has_one(string optimizer)
        => Assert.NotNull(OptimizerCatalog.Create(optimizer, "one_cycle:max_lr=0.1,total_steps=10"));
}
