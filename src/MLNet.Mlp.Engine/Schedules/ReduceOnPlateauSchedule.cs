using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Training;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// Reduce on plateau (<c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>, Keras's <c>ReduceLROnPlateau</c>): when the
/// monitored quantity has not improved for more than <see cref="Patience"/> reports, the rate is multiplied by
/// <see cref="Factor"/>; it wraps an inner schedule (constant by default).
/// </summary>
/// <remarks>
/// <para><c>η_t = max(inner(η₀, t) · f, η_min)</c>, where f (<see cref="PlateauState.CurrentFactor"/>) starts at 1 and
/// is multiplied by <see cref="Factor"/> at each reduction. Note that η_min also lifts the inner schedule's own values
/// when they fall below it.</para>
/// <para><see cref="Report"/> follows PyTorch's step: a value is an improvement when it beats the best by the
/// threshold (see <see cref="ImprovementCriterion"/>; the best starts at the mode's worst value, ±∞) — then the best
/// is updated and the bad-report count reset; otherwise the count grows (a NaN is never an improvement). During a
/// cooldown the count is held at 0 and the cooldown counter decreases. When the count exceeds the patience the rate is
/// reduced, the count reset and the cooldown started. Unlike PyTorch, reductions continue once η has reached η_min
/// (they no longer change η while the inner schedule stays put).</para>
/// <para>The schedule holds settings only: what it has seen is a <see cref="PlateauState"/>, which the trainer keeps in
/// <see cref="TrainingState.Plateau"/> (created by <see cref="CreateState"/> on the first run, told each epoch's
/// monitored value through <see cref="Report"/>). It must be the trainer's schedule itself: wrapped in another
/// schedule it would never be told the monitored value.</para>
/// </remarks>
public sealed class ReduceOnPlateauSchedule : ILearningRateSchedule
{
    /// <summary>Creates a reduce-on-plateau schedule (PyTorch's defaults).</summary>
    /// <param name="inner">The schedule whose rate is reduced; null means <see cref="ConstantSchedule"/>.</param>
    /// <param name="mode">Whether lower (<see cref="PlateauMode.Min"/>, a loss) or higher values are better.</param>
    /// <param name="factor">The reduction factor, in (0, 1). Default 0.1.</param>
    /// <param name="patience">How many reports without improvement are tolerated, ≥ 0. Default 10.</param>
    /// <param name="threshold">θ ≥ 0, the least improvement that counts. Default 1e-4.</param>
    /// <param name="thresholdMode">Whether θ is relative (PyTorch's default 'rel') or absolute.</param>
    /// <param name="cooldown">Reports to wait after a reduction before counting again, ≥ 0. Default 0.</param>
    /// <param name="minLearningRate">η_min ≥ 0, the floor of the rate. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message names it.</exception>
    public ReduceOnPlateauSchedule(ILearningRateSchedule? inner = null, PlateauMode mode = PlateauMode.Min, float factor = 0.1f,
        int patience = 10, double threshold = 1e-4, PlateauThresholdMode thresholdMode = PlateauThresholdMode.Relative,
        int cooldown = 0, float minLearningRate = 0f)
    {
        if (mode is not (PlateauMode.Min or PlateauMode.Max)) throw HyperParameter.Invalid(nameof(mode), mode, "Min or Max");
        if (!(factor > 0f && factor < 1f)) throw HyperParameter.Invalid(nameof(factor), factor, "in (0, 1)");
        if (patience < 0) throw HyperParameter.Invalid(nameof(patience), patience, ">= 0");
        if (!(threshold >= 0 && double.IsFinite(threshold))) throw HyperParameter.Invalid(nameof(threshold), threshold, "finite and >= 0");
        if (thresholdMode is not (PlateauThresholdMode.Relative or PlateauThresholdMode.Absolute))
            throw HyperParameter.Invalid(nameof(thresholdMode), thresholdMode, "Relative or Absolute");
        if (cooldown < 0) throw HyperParameter.Invalid(nameof(cooldown), cooldown, ">= 0");
        HyperParameter.NonNegative(minLearningRate, nameof(minLearningRate));
        Inner = inner ?? new ConstantSchedule();
        Criterion = new ImprovementCriterion(mode, threshold, thresholdMode, patience);
        Factor = factor;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The schedule whose rate is reduced.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>What counts as an improvement, and how many reports without one are tolerated.</summary>
    public ImprovementCriterion Criterion { get; }

    /// <summary>Whether lower or higher values are better.</summary>
    public PlateauMode Mode => Criterion.Mode;

    /// <summary>The factor applied at each reduction.</summary>
    public float Factor { get; }

    /// <summary>How many reports without improvement are tolerated.</summary>
    public int Patience => Criterion.Patience;

    /// <summary>The least improvement that counts.</summary>
    public double Threshold => Criterion.Threshold;

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public PlateauThresholdMode ThresholdMode => Criterion.ThresholdMode;

    /// <summary>Reports to wait after a reduction before counting bad reports again.</summary>
    public int Cooldown { get; }

    /// <summary>The floor η_min of the rate.</summary>
    public float MinLearningRate { get; }

    /// <inheritdoc/>
    public string Name => "ReduceOnPlateau";

    /// <summary>The state a training starts from: no best value yet (the mode's worst, ±∞), no reduction.</summary>
    public PlateauState CreateState() => new(new ImprovementTracker(Criterion.WorstValue, 0));

    /// <summary>η_t before any reduction (f = 1); the trainer uses
    /// <see cref="GetLearningRate(float, long, PlateauState)"/> with the training's state.</summary>
    /// <param name="baseLearningRate">η₀, the trainer's learning rate.</param>
    /// <param name="t">The epoch or step, counted from 0.</param>
    public float GetLearningRate(float baseLearningRate, long t) => Rate(baseLearningRate, t, 1.0);

    /// <summary>η_t = max(inner(η₀, t) · f, η_min) with the reductions recorded in <paramref name="state"/>.</summary>
    /// <param name="baseLearningRate">η₀, the trainer's learning rate.</param>
    /// <param name="t">The epoch or step, counted from 0.</param>
    /// <param name="state">The training's plateau state.</param>
    public float GetLearningRate(float baseLearningRate, long t, PlateauState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Rate(baseLearningRate, t, state.CurrentFactor);
    }

    /// <summary>Tells the schedule an epoch's monitored value, updating <paramref name="state"/> in place.</summary>
    /// <param name="state">The training's plateau state.</param>
    /// <param name="value">The monitored value.</param>
    public void Report(PlateauState state, double value)
    {
        ArgumentNullException.ThrowIfNull(state);
        var improvement = state.Improvement;
        improvement.Report(value, Criterion);

        if (state.CooldownCounter > 0)
        {
            state.CooldownCounter--;
            improvement.RestartPatience();
        }

        if (improvement.IsPatienceExhausted(Criterion))
        {
            state.CurrentFactor *= Factor;
            state.ReductionCount++;
            state.CooldownCounter = Cooldown;
            improvement.RestartPatience();
        }
    }

    private float Rate(float baseLearningRate, long t, double factor) =>
        (float)Math.Max(Inner.GetLearningRate(baseLearningRate, t) * factor, MinLearningRate);
}
