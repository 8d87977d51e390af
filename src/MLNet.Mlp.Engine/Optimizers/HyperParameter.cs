using System.Globalization;

namespace MLNet.Mlp.Optimizers;

/// <summary>
/// Validation of hyper-parameters with <c>torch.optim</c>-style messages that name the value
/// ("Invalid momentum: 1.5 (must be in [0, 1))"), and the conversion of a <see cref="float"/> hyper-parameter
/// to the <see cref="double"/> the user wrote.
/// </summary>
internal static class HyperParameter
{
    /// <summary>
    /// The decimal value the user wrote, as a double: 0.999f becomes 0.999, not 0.99900001287.
    /// Coefficients such as 1 − β and 1 − β^t are computed from it in double and rounded once, as PyTorch does
    /// with its Python-float hyper-parameters; computing 1 − 0.999f in float would be off by 1.3·10⁻⁵ relative.
    /// </summary>
    public static double AsWritten(float value)
    {
        Span<char> text = stackalloc char[32];
        if (!value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture)) return value;
        return double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Requires 0 ≤ value &lt; 1.</summary>
    public static void InUnitIntervalOpen(float value, string name)
    {
        if (!(value >= 0f && value < 1f)) throw Invalid(name, value, "in [0, 1)");
    }

    /// <summary>Requires 0 ≤ value ≤ 1.</summary>
    public static void InUnitIntervalClosed(float value, string name)
    {
        if (!(value >= 0f && value <= 1f)) throw Invalid(name, value, "in [0, 1]");
    }

    /// <summary>Requires a finite value ≥ 0.</summary>
    public static void NonNegative(float value, string name)
    {
        if (!(value >= 0f && float.IsFinite(value))) throw Invalid(name, value, "finite and >= 0");
    }

    /// <summary>Requires a finite value &gt; 0.</summary>
    public static void Positive(float value, string name)
    {
        if (!(value > 0f && float.IsFinite(value))) throw Invalid(name, value, "finite and > 0");
    }

    /// <summary>The exception for an out-of-range hyper-parameter.</summary>
    public static ArgumentOutOfRangeException Invalid(string name, object value, string rule) =>
        new(name, value, $"Invalid {name}: {Format(value)} (must be {rule})");

    private static string Format(object value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
