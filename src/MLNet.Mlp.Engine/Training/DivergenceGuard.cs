using System.Diagnostics.CodeAnalysis;
using MLNet.Mlp.Numerics;
using MLNet.Mlp.Numerics.Elementwise;
using MLNet.Mlp.Optimizers;

namespace MLNet.Mlp.Training;

/// <summary>
/// Ends training with <see cref="TrainingDivergedException"/> when the loss, the gradients or the weights stop being
/// finite, leaving the network finite. It keeps the training state after the last completed epoch — weights,
/// batch-norm statistics, optimizer state and step — and puts all of it back when the weights themselves have gone
/// non-finite, so the state is again one a run could continue from (weights alone would be paired with a later
/// step's optimizer moments).
/// </summary>
internal sealed class DivergenceGuard
{
    private readonly TrainingState _state;
    private readonly float[] _parameters, _networkState;
    private readonly OptimizerState? _optimizer;
    private long _step;
    private int _epoch;

    /// <param name="state">The state to guard.</param>
    /// <param name="keepsSnapshot">False when the steps themselves never leave non-finite weights (the lazy sparse step
    /// checks its result before writing it back, and no batch-norm statistics can overflow): no copy of the state is
    /// kept, and a divergence leaves the state of the last step that was finite.</param>
    public DivergenceGuard(TrainingState state, bool keepsSnapshot = true)
    {
        _state = state;
        KeepsSnapshot = keepsSnapshot;
        _parameters = keepsSnapshot ? new float[state.Network.ParameterCount] : [];
        _networkState = keepsSnapshot ? new float[state.Network.StateArray.Length] : [];
        _optimizer = keepsSnapshot ? state.OptimizerState!.Clone() : null;
        EpochCompleted();
    }

    /// <summary>Whether the last completed epoch's state is kept (and restored).</summary>
    public bool KeepsSnapshot { get; }

    /// <summary>Restore the last completed epoch on every divergence, not only when the weights are not finite.</summary>
    public bool AlwaysRestore { get; init; }

    /// <summary>Keeps the state as it is now, at the end of a completed epoch.</summary>
    public void EpochCompleted()
    {
        if (!KeepsSnapshot) return;
        _state.Network.ParameterArray.CopyTo(_parameters, 0);
        _state.Network.StateArray.CopyTo(_networkState, 0);
        _optimizer!.CopyFrom(_state.OptimizerState!);
        _step = _state.Step;
        _epoch = _state.EpochsCompleted;
    }

    /// <summary>Diverges unless every weight and batch-norm statistic is finite (checked after each epoch: batch
    /// norm makes the weights before it scale-free, so they can grow until its running statistics overflow while the
    /// loss, normalized with batch statistics, stays finite; inference would then answer NaN).</summary>
    public void CheckWeights(int epochIndex, int stepsDone, float learningRate)
    {
        var network = _state.Network;
        if (FiniteCheck.IndexOfNonFinite(network.ParameterArray) >= 0 || FiniteCheck.IndexOfNonFinite(network.StateArray) >= 0)
            Diverge(epochIndex, stepsDone, learningRate, "weight");
    }

    /// <summary>Throws <see cref="TrainingDivergedException"/> for the step after <paramref name="stepsDone"/> steps of
    /// epoch <paramref name="epochIndex"/> (0-based) at rate <paramref name="learningRate"/>, restoring the last
    /// completed epoch if the weights are not finite; <paramref name="what"/> (loss, gradient, weight) was not finite.</summary>
    [DoesNotReturn]
    public void Diverge(int epochIndex, int stepsDone, float learningRate, string what)
    {
        int? restoredTo = null;
        var network = _state.Network;
        if (KeepsSnapshot && (AlwaysRestore || FiniteCheck.IndexOfNonFinite(network.ParameterArray) >= 0 || FiniteCheck.IndexOfNonFinite(network.StateArray) >= 0))
        {
            network.SetParameters(_parameters, _networkState);
            _state.OptimizerState!.CopyFrom(_optimizer!);
            _state.Step = _step;
            restoredTo = _epoch;
        }
        throw new TrainingDivergedException(epochIndex + 1, stepsDone + 1, learningRate, what, restoredTo);
    }
}
