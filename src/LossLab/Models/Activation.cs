using LossLab.Numerics;

namespace LossLab.Models;

/// <summary>The nonlinearity between the layers of an <see cref="Mlp"/> (PyTorch's module of the same name).</summary>
public enum Activation
{
    /// <summary><c>nn.ReLU</c>: a = max(z, 0); a′ = 1 for z &gt; 0, else 0 (0 at the kink, as PyTorch).</summary>
    Relu,

    /// <summary><c>nn.Tanh</c>: a = tanh z; a′ = 1 − a².</summary>
    Tanh,

    /// <summary>
    /// <c>nn.GELU()</c> (exact, <c>approximate='none'</c>): a = z·Φ(z) = ½z(1 + erf(z/√2));
    /// a′ = Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π).
    /// </summary>
    Gelu,

    /// <summary><c>nn.Sigmoid</c>: a = σ(z) = 1/(1 + e^(−z)); a′ = a(1 − a).</summary>
    Sigmoid,
}

/// <summary>Spec names of <see cref="Activation"/> and the scalar functions, evaluated in double and stored as float.</summary>
internal static class Activations
{
    /// <summary>The spec names, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["relu", "tanh", "gelu", "sigmoid"];

    /// <summary>The spec name of an activation.</summary>
    public static string ToName(this Activation activation) => activation switch
    {
        Activation.Relu => "relu",
        Activation.Tanh => "tanh",
        Activation.Gelu => "gelu",
        Activation.Sigmoid => "sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>Parses a spec name; null when unknown.</summary>
    public static Activation? Parse(string name) => name switch
    {
        "relu" => Activation.Relu,
        "tanh" => Activation.Tanh,
        "gelu" => Activation.Gelu,
        "sigmoid" => Activation.Sigmoid,
        _ => null,
    };

    /// <summary>a = act(z) for a row: <paramref name="z"/> pre-activations, <paramref name="a"/> activations.</summary>
    public static void Apply(Activation activation, ReadOnlySpan<float> z, Span<float> a)
    {
        switch (activation)
        {
            case Activation.Relu:
                System.Numerics.Tensors.TensorPrimitives.Max(z, 0f, a);
                break;
            case Activation.Tanh:
                for (int i = 0; i < z.Length; i++)
                {
                    a[i] = (float)Math.Tanh(z[i]);
                }

                break;
            case Activation.Gelu:
                for (int i = 0; i < z.Length; i++)
                {
                    double x = z[i];
                    a[i] = (float)(x * SpecialFunctions.NormalCdf(x));
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < z.Length; i++)
                {
                    a[i] = (float)Num.Sigmoid((double)z[i]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>
    /// delta ← delta ⊙ act′ for a row, from the stored pre-activations <paramref name="z"/> (ReLU, GELU) or activations
    /// <paramref name="a"/> (tanh, sigmoid), as PyTorch's backward functions do.
    /// </summary>
    public static void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> delta)
    {
        switch (activation)
        {
            case Activation.Relu:
                int k = 0;
                if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
                {
                    for (; k <= delta.Length - 8; k += 8)
                    {
                        // PyTorch's threshold_backward: zero where z ≤ 0, δ passed through elsewhere (also where z is NaN).
                        var drop = System.Runtime.Intrinsics.Vector256.LessThanOrEqual(System.Runtime.Intrinsics.Vector256.Create(z.Slice(k, 8)), System.Runtime.Intrinsics.Vector256<float>.Zero);
                        System.Runtime.Intrinsics.Vector256.CopyTo(System.Runtime.Intrinsics.Vector256.AndNot(System.Runtime.Intrinsics.Vector256.Create((ReadOnlySpan<float>)delta.Slice(k, 8)), drop), delta.Slice(k, 8));
                    }
                }

                for (; k < delta.Length; k++)
                {
                    delta[k] = z[k] <= 0f ? 0 : delta[k];
                }

                break;
            case Activation.Tanh:
                for (int i = 0; i < delta.Length; i++)
                {
                    double y = a[i];
                    delta[i] = (float)(delta[i] * (1 - (y * y)));
                }

                break;
            case Activation.Gelu:
                for (int i = 0; i < delta.Length; i++)
                {
                    double x = z[i];
                    delta[i] = (float)(delta[i] * (SpecialFunctions.NormalCdf(x) + (x * SpecialFunctions.NormalPdf(x))));
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < delta.Length; i++)
                {
                    double y = a[i];
                    delta[i] = (float)(delta[i] * y * (1 - y));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }
}
