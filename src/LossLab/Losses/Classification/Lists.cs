namespace LossLab.Losses;

/// <summary>Helpers for the optional <see cref="IReadOnlyList{T}"/> hyper-parameters (weights): value equality and fast access.</summary>
internal static class Lists
{
    /// <summary>The entries as an array (null stays null); validated lists are already stored as arrays.</summary>
    public static double[]? Array(IReadOnlyList<double>? list) => list as double[] ?? list?.ToArray();

    /// <summary>Element-wise equality; two nulls are equal.</summary>
    public static bool Equal(IReadOnlyList<double>? a, IReadOnlyList<double>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A hash consistent with <see cref="Equal"/>.</summary>
    public static int Hash(IReadOnlyList<double>? list)
    {
        if (list is null)
        {
            return 0;
        }

        var hash = default(HashCode);
        foreach (double v in list)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }
}
