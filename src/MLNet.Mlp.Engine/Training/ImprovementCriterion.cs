using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// What counts as an improvement of a monitored value, and how many reports without one are tolerated: the rule
/// early stopping and reduce-on-plateau share. Immutable; what has been seen so far lives in an
/// <see cref="ImprovementTracker"/>.
/// </summary>
/// <remarks>
/// A value improves on the best when it beats it by the threshold θ — Relative: v &lt; best·(1 − θ) (Min) or
/// v &gt; best·(1 + θ) (Max); Absolute: v &lt; best − θ or v &gt; best + θ. A NaN value never improves; when there is no
/// best yet (NaN), any other value does.
/// </remarks>
public sealed class ImprovementCriterion
{
    /// <summary>Creates a criterion.</summary>
    /// <param name="mode">Whether lower (<see cref="PlateauMode.Min"/>) or higher values are better.</param>
    /// <param name="threshold">θ ≥ 0, the least improvement that counts.</param>
    /// <param name="thresholdMode">Whether θ is relative to the best or absolute.</param>
    /// <param name="patience">How many consecutive reports without improvement are tolerated, ≥ 0; one more exhausts it.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it.</exception>
    public ImprovementCriterion(PlateauMode mode, double threshold, PlateauThresholdMode thresholdMode, int patience)
    {
        if (mode is not (PlateauMode.Min or PlateauMode.Max)) throw HyperParameter.Invalid(nameof(mode), mode, "Min or Max");
        if (!(threshold >= 0 && double.IsFinite(threshold))) throw HyperParameter.Invalid(nameof(threshold), threshold, "finite and >= 0");
        if (thresholdMode is not (PlateauThresholdMode.Relative or PlateauThresholdMode.Absolute))
            throw HyperParameter.Invalid(nameof(thresholdMode), thresholdMode, "Relative or Absolute");
        if (patience < 0) throw HyperParameter.Invalid(nameof(patience), patience, ">= 0");
        Mode = mode;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Patience = patience;
    }

    /// <summary>Whether lower or higher values are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>θ, the least improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public PlateauThresholdMode ThresholdMode { get; }

    /// <summary>Consecutive reports without improvement that are tolerated.</summary>
    public int Patience { get; }

    /// <summary>The worst possible value in this mode: +∞ for <see cref="PlateauMode.Min"/>, −∞ for Max.</summary>
    public double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/>.</summary>
    /// <param name="value">The value just observed.</param>
    /// <param name="best">The best value so far, or NaN when there is none yet.</param>
    public bool IsImprovement(double value, double best)
        => !double.IsNaN(value) && (double.IsNaN(best) || Beats(value, best));

    /// <summary>Whether <paramref name="reportsWithoutImprovement"/> is more than the patience tolerates.</summary>
    /// <param name="reportsWithoutImprovement">Consecutive reports without improvement.</param>
    public bool IsPatienceExhausted(int reportsWithoutImprovement) => reportsWithoutImprovement > Patience;

    private bool Beats(double value, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, PlateauThresholdMode.Relative) => value < best * (1.0 - Threshold),
        (PlateauMode.Min, _) => value < best - Threshold,
        (PlateauMode.Max, PlateauThresholdMode.Relative) => value > best * (1.0 + Threshold),
        _ => value > best + Threshold,
    };
}
