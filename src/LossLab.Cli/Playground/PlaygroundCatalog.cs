using System.Text.Json;
using LossLab.Functions;
using LossLab.Losses;
using LossLab.Optim;
using LossLab.Schedules;
using LossLab.Specs;

namespace LossLab.Cli.Playground;

/// <summary>
/// What the page may choose, from the library's catalogs: the regression losses defined on any real target (those
/// <c>fit</c> trains a linear model with on the guide's data), every optimizer and schedule with their parameters, and
/// the test surfaces with a start, plot bounds and the minimum.
/// </summary>
internal static class PlaygroundCatalog
{
    /// <summary>How a test surface is shown: its title, a start, the plot bounds (xmin, xmax, ymin, ymax) and whether to colour log10(z − min).</summary>
    internal sealed record SurfaceView(string Title, double[] Start, double[] Bounds, bool Log);

    /// <summary>The view of each test surface, by CLI name.</summary>
    internal static readonly IReadOnlyDictionary<string, SurfaceView> Views = new Dictionary<string, SurfaceView>(StringComparer.Ordinal)
    {
        ["rosenbrock"] = new("Rosenbrock", [-1.5, 2], [-2, 2, -1, 3], true),
        ["beale"] = new("Beale", [1, 1.5], [-4.5, 4.5, -4.5, 4.5], true),
        ["rastrigin"] = new("Rastrigin", [3.2, 2.6], [-5.12, 5.12, -5.12, 5.12], false),
        ["saddle"] = new("Saddle", [-1.8, 0.01], [-2, 2, -2, 2], false),
        ["quadratic"] = new("Ill-conditioned quadratic", [-8, 2], [-10, 10, -3, 3], true),
    };

    /// <summary>The losses the fit panel offers: regression losses of real-valued targets.</summary>
    public static IEnumerable<LossInfo> Losses => LossCatalog.All.Where(l => l.Input == InputKind.Regression && l.Tasks.Contains("regression"));

    /// <summary>The view of a surface (a generic one for a surface added to the library later).</summary>
    public static SurfaceView View(ITestFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Views.TryGetValue(function.Name, out SurfaceView? view) ? view : new(function.Name, [1, 1], [-3, 3, -3, 3], false);
    }

    /// <summary>The <c>/api/catalog</c> document.</summary>
    public static string Json() => JsonText.Text(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("losses");
        foreach (LossInfo loss in Losses)
        {
            Entry(w, loss.Name, loss.Title, loss.Parameters);
        }

        w.WriteEndArray();
        w.WriteStartArray("optimizers");
        foreach (OptimizerInfo optimizer in OptimizerCatalog.All)
        {
            Entry(w, optimizer.Name, optimizer.Title, optimizer.Parameters);
        }

        w.WriteEndArray();
        w.WriteStartArray("schedules");
        foreach (ScheduleInfo schedule in ScheduleCatalog.All)
        {
            Entry(w, schedule.Name, schedule.Title, schedule.Parameters);
        }

        w.WriteEndArray();
        w.WriteStartArray("surfaces");
        foreach (ITestFunction f in TestFunctions.All)
        {
            SurfaceView view = View(f);
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteString("title", view.Title);
            w.WriteString("formula", f.Formula);
            w.Numbers("start", view.Start);
            w.Numbers("bounds", view.Bounds);
            if (f.Minimum.Count > 0)
            {
                w.Numbers("minimum", f.Minimum);
            }
            else
            {
                w.WriteNull("minimum");
            }

            w.WriteBoolean("log", view.Log);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void Entry(Utf8JsonWriter w, string name, string title, IReadOnlyList<SpecParameter> parameters)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("title", title);
        w.WriteStartArray("params");
        foreach (SpecParameter p in parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteString("default", p.Default);
            w.WriteString("description", p.Description);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
