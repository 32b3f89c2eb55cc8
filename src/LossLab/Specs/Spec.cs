using System.Globalization;

namespace LossLab.Specs;

/// <summary>
/// A parsed spec string: <c>name</c> or <c>name:key=value,key=value</c> (for example <c>huber:delta=1.5</c>).
/// Tuple values are written with <c>/</c> between the entries (<c>betas=0.9/0.999</c>).
/// </summary>
/// <param name="Name">The catalog name, lower-case snake_case.</param>
/// <param name="Arguments">The key/value pairs in the order given.</param>
public sealed record Spec(string Name, IReadOnlyList<KeyValuePair<string, string>> Arguments)
{
    /// <summary>Parses a spec string.</summary>
    /// <exception cref="SpecException">The text is empty, has an empty key or value, or repeats a key.</exception>
    public static Spec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? trimmed : trimmed[..colon]).Trim();
        if (name.Length == 0)
        {
            throw new SpecException($"'{text}' has no name; write name or name:key=value,key=value");
        }

        var arguments = new List<KeyValuePair<string, string>>();
        if (colon >= 0)
        {
            string rest = trimmed[(colon + 1)..];
            if (rest.Trim().Length == 0)
            {
                throw new SpecException($"'{text}' has a ':' but no key=value after it");
            }

            foreach (string part in rest.Split(','))
            {
                int eq = part.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? part.Trim() : part[..eq].Trim();
                string value = eq < 0 ? string.Empty : part[(eq + 1)..].Trim();
                if (eq < 0 || key.Length == 0 || value.Length == 0)
                {
                    throw new SpecException($"'{part.Trim()}' in '{text}' is not key=value");
                }

                if (arguments.Exists(a => a.Key == key))
                {
                    throw new SpecException($"'{key}' is given twice in '{text}'");
                }

                arguments.Add(new(key, value));
            }
        }

        return new Spec(name, arguments);
    }

    /// <summary>The canonical text: <c>name</c> or <c>name:key=value,…</c>.</summary>
    public override string ToString()
        => Arguments.Count == 0 ? Name : Name + ":" + string.Join(",", Arguments.Select(a => a.Key + "=" + a.Value));
}

/// <summary>A spec string that does not parse, names something unknown, or holds an invalid value.</summary>
public sealed class SpecException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public SpecException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public SpecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public SpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A documented parameter of a catalog entry: its spec key, default (as written in a spec) and meaning.</summary>
/// <param name="Name">The snake_case key.</param>
/// <param name="Default">The default, as a spec value (<c>none</c> for an absent list).</param>
/// <param name="Description">What it does and its valid range.</param>
public sealed record SpecParameter(string Name, string Default, string Description);

/// <summary>
/// Typed access to the values of a spec, falling back to the declared defaults, so that each default is written once.
/// </summary>
public sealed class SpecArguments
{
    private readonly string _owner;
    private readonly IReadOnlyList<SpecParameter> _parameters;
    private readonly Spec _spec;

    internal SpecArguments(string owner, IReadOnlyList<SpecParameter> parameters, Spec spec, int classes)
    {
        _owner = owner;
        _parameters = parameters;
        _spec = spec;
        Classes = classes;
    }

    /// <summary>The number of classes given beside the spec (0 when not given).</summary>
    public int Classes { get; }

    /// <summary>The smallest positive normal float32, 2⁻¹²⁶ ≈ 1.1755e-38: nonzero values below it are refused.</summary>
    private const double SmallestNormal = 1.1754943508222875e-38;

    /// <summary>A real value; <c>inf</c> and <c>-inf</c> are accepted; a nonzero value below 2⁻¹²⁶ in magnitude is refused.</summary>
    public double Number(string key)
    {
        string text = Raw(key);
        if (TryDouble(text, out double value))
        {
            // Losses and optimizers compute in float32, where a value below 2⁻¹²⁶ is subnormal (1e-45 is the last one
            // before 0): it keeps almost no digits and its products vanish, so it is refused rather than half-used.
            return value != 0 && Math.Abs(value) < SmallestNormal
                ? throw new SpecException($"{_owner}: {key}={text} is below float32's smallest normal number (1.18e-38), where it loses its digits; use a value of at least 1e-30, or 0 where 0 is allowed")
                : value;
        }

        throw new SpecException($"{_owner}: {key}={text} is not a number");
    }

    /// <summary>A whole number.</summary>
    public int WholeNumber(string key)
    {
        string text = Raw(key);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new SpecException($"{_owner}: {key}={text} is not a whole number");
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool Flag(string key)
    {
        string text = Raw(key);
        return text switch
        {
            "true" or "True" or "1" => true,
            "false" or "False" or "0" => false,
            _ => throw new SpecException($"{_owner}: {key}={text} is not true or false"),
        };
    }

    /// <summary>A text value as written (for example <c>mode=max</c>), or the declared default.</summary>
    public string Text(string key) => Raw(key);

    /// <summary>A list written with <c>/</c> between entries, or null for <c>none</c>.</summary>
    public IReadOnlyList<double>? Numbers(string key)
    {
        string text = Raw(key);
        if (text == "none")
        {
            return null;
        }

        var values = new List<double>();
        foreach (string part in text.Split('/'))
        {
            if (!TryDouble(part.Trim(), out double v))
            {
                throw new SpecException($"{_owner}: {key}={text} is not a list of numbers separated by '/'");
            }

            values.Add(v);
        }

        return values;
    }

    private string Raw(string key)
    {
        SpecParameter parameter = _parameters.FirstOrDefault(p => p.Name == key)
            ?? throw new InvalidOperationException($"{_owner} reads undeclared parameter '{key}'");
        foreach (KeyValuePair<string, string> a in _spec.Arguments)
        {
            if (a.Key == key)
            {
                return a.Value;
            }
        }

        return parameter.Default;
    }

    private static bool TryDouble(string text, out double value)
    {
        switch (text)
        {
            case "inf" or "+inf" or "Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-Infinity":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
        }
    }
}

/// <summary>What the three catalogs (losses, optimizers, schedules) share: checking a spec against declared parameters,
/// and turning an out-of-range hyper-parameter into a <see cref="SpecException"/> that names it.</summary>
public static class SpecBinding
{
    /// <summary>The default written for a parameter that has none and must be given.</summary>
    public const string Required = "required";

    /// <summary>Checks that every key is declared and every required parameter is given, then gives typed access.</summary>
    /// <exception cref="SpecException">An unknown key (the message lists the accepted ones) or a missing required one.</exception>
    public static SpecArguments Bind(string owner, IReadOnlyList<SpecParameter> parameters, Spec spec, int classes = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(spec);
        foreach (KeyValuePair<string, string> argument in spec.Arguments)
        {
            if (!parameters.Any(p => p.Name == argument.Key))
            {
                string accepted = parameters.Count == 0 ? "it takes no parameters" : "accepted: " + string.Join(", ", parameters.Select(p => p.Name));
                throw new SpecException($"{owner}: unknown parameter '{argument.Key}'; {accepted}");
            }
        }

        foreach (SpecParameter parameter in parameters)
        {
            if (parameter.Default == Required && !spec.Arguments.Any(a => a.Key == parameter.Name))
            {
                throw new SpecException($"{owner}: {parameter.Name} is required ({owner}:{parameter.Name}=VALUE)");
            }
        }

        return new SpecArguments(owner, parameters, spec, classes);
    }

    /// <summary>Runs a factory; an <see cref="ArgumentOutOfRangeException"/> becomes a <see cref="SpecException"/> naming the value.</summary>
    public static T Build<T>(string owner, Func<T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        try
        {
            return factory();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            string detail = ex.Message.Split(" (Parameter", 2)[0].Split(Environment.NewLine)[0];
            throw new SpecException($"{owner}: {detail} (got {ex.ActualValue})", ex);
        }
    }
}
