using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Schedules;

/// <summary>
/// Reduce on plateau (<c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>, Keras's <c>ReduceLROnPlateau</c>): when the
/// monitored quantity has not improved for more than <see cref="Patience"/> reports, the rate is multiplied by
/// <see cref="Factor"/>; it wraps an inner schedule (constant by default).
/// </summary>
/// <remarks>
/// <para><c>η_t = max(inner(η₀, t) · f, η_min)</c>, where f (<see cref="CurrentFactor"/>) starts at 1 and is
/// multiplied by <see cref="Factor"/> at each reduction. Note that η_min also lifts the inner schedule's own values
/// when they fall below it.</para>
/// <para><see cref="Report"/> follows PyTorch's step: a value is an improvement when it beats the best by the
/// threshold (Relative, Min: v &lt; best·(1 − θ); Max: v &gt; best·(1 + θ); Absolute: best ∓ θ) — then the best is
/// updated and the bad-report count reset; otherwise the count grows (a NaN is never an improvement). During a
/// cooldown the count is held at 0 and the cooldown counter decreases. When the count exceeds the patience the rate is
/// reduced, the count reset and the cooldown started. Unlike PyTorch, reductions continue once η has reached η_min
/// (they no longer change η while the inner schedule stays put).</para>
/// <para>The trainer calls <see cref="Reset"/> at the start of each training run, <see cref="Report"/> once per epoch,
/// and saves <see cref="GetState"/> in checkpoints: [best, bad-report count, cooldown counter, current factor,
/// reduction count].</para>
/// </remarks>
public sealed class ReduceOnPlateauSchedule : IMetricDrivenSchedule
{
    private const int StateLength = 5;

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
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Reset();
    }

    /// <summary>The schedule whose rate is reduced.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>Whether lower or higher values are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor applied at each reduction.</summary>
    public float Factor { get; }

    /// <summary>How many reports without improvement are tolerated.</summary>
    public int Patience { get; }

    /// <summary>The least improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public PlateauThresholdMode ThresholdMode { get; }

    /// <summary>Reports to wait after a reduction before counting bad reports again.</summary>
    public int Cooldown { get; }

    /// <summary>The floor η_min of the rate.</summary>
    public float MinLearningRate { get; }

    /// <summary>The product f of the reductions so far (1 before the first).</summary>
    public double CurrentFactor { get; private set; }

    /// <summary>The best value reported so far (+∞ in Min mode, −∞ in Max mode before the first report).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive reports without improvement.</summary>
    public int BadReports { get; private set; }

    /// <summary>Reports left in the current cooldown.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>How many reductions have happened.</summary>
    public int ReductionCount { get; private set; }

    /// <inheritdoc/>
    public string Name => "ReduceOnPlateau";

    /// <inheritdoc/>
    public float GetLearningRate(float baseLearningRate, long t) =>
        (float)Math.Max(Inner.GetLearningRate(baseLearningRate, t) * CurrentFactor, MinLearningRate);

    /// <inheritdoc/>
    public void Report(double value)
    {
        if (IsBetter(value))
        {
            Best = value;
            BadReports = 0;
        }
        else
        {
            BadReports++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadReports = 0;
        }

        if (BadReports > Patience)
        {
            CurrentFactor *= Factor;
            ReductionCount++;
            CooldownCounter = Cooldown;
            BadReports = 0;
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        Best = Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        BadReports = 0;
        CooldownCounter = 0;
        CurrentFactor = 1.0;
        ReductionCount = 0;
    }

    /// <inheritdoc/>
    public double[] GetState() => [Best, BadReports, CooldownCounter, CurrentFactor, ReductionCount];

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The state does not come from this kind of schedule.</exception>
    public void SetState(double[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateLength)
            throw new ArgumentException($"A reduce-on-plateau state holds {StateLength} values, not {state.Length}.", nameof(state));
        if (!IsCount(state[1]) || !IsCount(state[2]) || !IsCount(state[4]) || !(state[3] >= 0 && state[3] <= 1) || double.IsNaN(state[0]))
            throw new ArgumentException("The reduce-on-plateau state is invalid.", nameof(state));
        Best = state[0];
        BadReports = (int)state[1];
        CooldownCounter = (int)state[2];
        CurrentFactor = state[3];
        ReductionCount = (int)state[4];
    }

    private static bool IsCount(double value) => value >= 0 && value <= int.MaxValue && Math.Floor(value) == value;

    private bool IsBetter(double value) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, PlateauThresholdMode.Relative) => value < Best * (1.0 - Threshold),
        (PlateauMode.Min, _) => value < Best - Threshold,
        (PlateauMode.Max, PlateauThresholdMode.Relative) => value > Best * (1.0 + Threshold),
        _ => value > Best + Threshold,
    };
}
