namespace MLNet.Mlp.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All requested epochs ran (<see cref="TrainingOptions.Epochs"/>, a fixed training length).</summary>
    Completed,

    /// <summary>Early stopping: the monitored quantity stopped improving.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; the network holds the weights of the last completed step.</summary>
    Cancelled,

    /// <summary>Training until converged (<see cref="TrainingOptions.Convergence"/>): the monitored loss stopped improving.</summary>
    Converged,

    /// <summary>Training until converged reached its epoch or step limit before the loss stopped improving.</summary>
    ReachedLimit,

    /// <summary>The loss, a gradient or a weight stopped being finite (<see cref="TrainingDivergedException"/>).</summary>
    Diverged,

    /// <summary>Not known: a model saved before the reason was recorded, or one loaded from an ONNX-backed file.</summary>
    NotRecorded,
}
