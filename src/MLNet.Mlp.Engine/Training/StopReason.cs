namespace MLNet.Mlp.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All requested epochs ran.</summary>
    Completed,

    /// <summary>Early stopping: the monitored quantity stopped improving.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; the network holds the weights of the last completed step.</summary>
    Cancelled,
}
