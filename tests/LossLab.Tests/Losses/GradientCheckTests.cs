using FsCheck;
using FsCheck.Fluent;
using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>
/// Every loss (catalog-driven), every reduction: the analytic gradient in double precision equals central finite
/// differences, on random inputs (FsCheck draws the seeds). Coordinates within h of a documented kink — where the
/// one-sided differences disagree — are skipped, and the test fails if more than a fifth of them are.
/// </summary>
public sealed class GradientCheckTests
{
    private const double H = 1e-6;

    [Theory]
    [MemberData(nameof(LossCases.All), MemberType = typeof(LossCases))]
    public void Gradient_matches_finite_differences_for_every_reduction(string spec)
    {
        // CIoU's gradient treats α as a constant (torchvision), so it is not the derivative of the value:
        // it has its own check below, against finite differences with α frozen.
        if (spec == "ciou")
        {
            return;
        }

        LossInfo info = LossCatalog.Find(spec.Split(':')[0])!;
        int checkedCount = 0, skipped = 0;
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            (double[] p, double[] t, int classes) = Inputs.For(spec, info.Input, random);
            ILoss loss = LossCatalog.Create(spec, classes);
            foreach (Reduction reduction in LossCases.ReductionsOf(info.Name))
            {
                double[] g = new double[p.Length];
                double f0 = loss.Evaluate(p, t, g, reduction);
                Assert.True(double.IsFinite(f0), $"{spec} {reduction}: value {f0}");
                for (int i = 0; i < p.Length; i++)
                {
                    double fPlus = Shifted(loss, p, t, i, H, reduction);
                    double fMinus = Shifted(loss, p, t, i, -H, reduction);
                    double forward = (fPlus - f0) / H, backward = (f0 - fMinus) / H, central = (fPlus - fMinus) / (2 * H);
                    double scale = 1 + Math.Abs(central);
                    if (Math.Abs(forward - backward) > 1e-3 * scale)
                    {
                        skipped++;
                        continue;
                    }

                    checkedCount++;
                    double tolerance = (2e-6 * scale) + (1e-9 * Math.Abs(f0) / H);
                    Assert.True(
                        Math.Abs(g[i] - central) <= tolerance,
                        $"{spec} reduction={reduction.ToName()} seed={seed} i={i}: analytic {g[i]:R} vs finite difference {central:R}");
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(12));

        Assert.True(checkedCount > 0);
        Assert.True(skipped <= checkedCount / 4, $"{spec}: {skipped} coordinates near kinks skipped, only {checkedCount} checked");
    }

    private static double Shifted(ILoss loss, double[] p, double[] t, int i, double h, Reduction reduction)
    {
        double[] q = (double[])p.Clone();
        q[i] += h;
        return loss.Evaluate(q, t, Span<double>.Empty, reduction);
    }

    [Fact]
    public void Ciou_gradient_matches_finite_differences_with_alpha_frozen()
    {
        // Per box, CIoU − DIoU = α·v with α = v/(k + v), k = 1 − IoU + eps, so v solves v² − d·v − d·k = 0.
        // The frozen objective is DIoU(p) + α(p₀)·v(p); its finite differences must equal CIoU's gradient.
        var iou = new Iou();
        var diou = new Diou();
        var ciou = new Ciou();
        int checkedCount = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            (double[] p, double[] t, _) = Inputs.For(InputKind.Boxes, new Random(seed), n: 1);
            double alpha0 = Frozen(p, t).Alpha;
            double[] g = new double[4];
            ciou.Evaluate(p, t, g, Reduction.Sum);
            for (int i = 0; i < 4; i++)
            {
                double[] plus = (double[])p.Clone(), minus = (double[])p.Clone();
                plus[i] += H;
                minus[i] -= H;
                var fp = Frozen(plus, t);
                var fm = Frozen(minus, t);
                double central = (fp.Diou + (alpha0 * fp.V) - (fm.Diou + (alpha0 * fm.V))) / (2 * H);
                Assert.True(Math.Abs(g[i] - central) <= 1e-6 * (1 + Math.Abs(central)), $"seed {seed} i={i}: {g[i]:R} vs {central:R}");
                checkedCount++;
            }
        }

        Assert.Equal(160, checkedCount);

        (double Diou, double V, double Alpha) Frozen(double[] p, double[] t)
        {
            double lossIou = iou.Evaluate(p, t, Span<double>.Empty, Reduction.Sum);
            double lossDiou = diou.Evaluate(p, t, Span<double>.Empty, Reduction.Sum);
            double d = ciou.Evaluate(p, t, Span<double>.Empty, Reduction.Sum) - lossDiou;
            double k = lossIou + 1e-7;
            double v = (d + Math.Sqrt((d * d) + (4 * d * k))) / 2;
            return (lossDiou, v, v == 0 ? 0 : d / v);
        }
    }
}
