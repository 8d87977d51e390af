using MLNet.Mlp.Networks;
using MLNet.Mlp.Schedules;

namespace MLNet.Mlp.Training;

/// <summary>
/// Early stopping during one training run: watches each epoch's monitored value, keeps the weights of the best epoch
/// when asked to, and says when the patience is exhausted. A new monitor per run, as Keras resets its callback.
/// </summary>
internal sealed class EarlyStoppingMonitor
{
    private readonly EarlyStopping _settings;
    private readonly ImprovementCriterion _criterion;
    private readonly ImprovementTracker _tracker = new();
    private float[]? _bestParameters, _bestState;

    public EarlyStoppingMonitor(EarlyStopping settings, bool higherIsBetter)
    {
        _settings = settings;
        // Keras stops at the Patience-th epoch without improvement: it tolerates one fewer.
        _criterion = new ImprovementCriterion(higherIsBetter ? PlateauMode.Max : PlateauMode.Min, settings.MinDelta,
            PlateauThresholdMode.Absolute, settings.Patience - 1);
    }

    /// <summary>The best epoch so far (1-based over all runs), or null before the first monitored improvement.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Takes in an epoch's monitored value; true when training should stop.</summary>
    /// <param name="epochOfRun">The epoch's 0-based index within this run (its warm-up epochs are not monitored).</param>
    /// <param name="record">The epoch.</param>
    /// <param name="network">The network, whose weights are kept when the epoch is the best.</param>
    public bool ShouldStop(int epochOfRun, EpochRecord record, Network network)
    {
        if (epochOfRun < _settings.StartFromEpoch) return false;
        if (_tracker.Report(record.MonitoredValue(_settings.Monitor), _criterion))
        {
            BestEpoch = record.Epoch;
            if (_settings.RestoreBestWeights) KeepWeights(network);
            return false;
        }
        return _tracker.IsPatienceExhausted(_criterion);
    }

    /// <summary>Puts the best epoch's weights back unless the network already holds them; true when it did.</summary>
    /// <param name="network">The network.</param>
    /// <param name="lastEpoch">The epoch whose weights the network holds now.</param>
    public bool RestoreBestWeights(Network network, int lastEpoch)
    {
        if (_bestParameters is null || BestEpoch == lastEpoch) return false;
        network.SetParameters(_bestParameters, _bestState);
        return true;
    }

    private void KeepWeights(Network network)
    {
        _bestParameters ??= new float[network.ParameterCount];
        _bestState ??= new float[network.StateArray.Length];
        network.ParameterArray.CopyTo(_bestParameters, 0);
        network.StateArray.CopyTo(_bestState, 0);
    }
}
