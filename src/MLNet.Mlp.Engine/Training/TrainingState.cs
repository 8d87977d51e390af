using MLNet.Mlp.Networks;
using MLNet.Mlp.Optimizers;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// Everything needed to continue training exactly where it stopped: the network, the optimizer state, the step
/// and epoch counters, the reduce-on-plateau state and the history. Shuffles and dropout masks are derived from the
/// seed and the epoch/step numbers, so a run resumed from this state is bit-identical to one that never stopped.
/// </summary>
public sealed class TrainingState
{
    /// <summary>Starts a fresh state for <paramref name="network"/> (which should already be initialized).</summary>
    /// <param name="network">The network to train.</param>
    public TrainingState(Network network)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
    }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>The optimizer's state, created on the first step (null before).</summary>
    public OptimizerState? OptimizerState { get; set; }

    /// <summary>
    /// Name of the optimizer that owns <see cref="OptimizerState"/>. Training with an optimizer of this name continues
    /// the state (and refuses one of the wrong shape); an optimizer of another name starts a fresh state.
    /// </summary>
    public string? OptimizerName { get; set; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Step { get; set; }

    /// <summary>Epochs completed so far.</summary>
    public int EpochsCompleted { get; set; }

    /// <summary>What a <see cref="ReduceOnPlateauSchedule"/> has seen so far; null until it has been told a first
    /// epoch's value (a training then starts from <see cref="ReduceOnPlateauSchedule.CreateState"/>).</summary>
    public PlateauState? Plateau { get; set; }

    /// <summary>Every epoch trained so far, over all runs.</summary>
    public List<EpochRecord> History { get; } = [];

    /// <summary>
    /// A deep copy: a clone of the network (parameters and batch-norm statistics), of the optimizer state and of the
    /// plateau state, the counters and the history. Training either one leaves the other as it was.
    /// </summary>
    public TrainingState Clone()
    {
        var copy = new TrainingState(Network.Clone())
        {
            OptimizerState = OptimizerState?.Clone(),
            OptimizerName = OptimizerName,
            Step = Step,
            EpochsCompleted = EpochsCompleted,
            Plateau = Plateau?.Clone(),
        };
        // Epoch records are immutable: sharing them is a copy.
        copy.History.AddRange(History);
        return copy;
    }
}
