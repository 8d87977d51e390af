using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Layers;

/// <summary>Per-pass settings handed to every layer.</summary>
/// <param name="Training">True in training (batch statistics, dropout active); false at inference.</param>
/// <param name="MaxThreads">Cores the matrix kernels may use.</param>
/// <param name="Random">Source for dropout masks; null at inference.</param>
internal readonly record struct ForwardContext(bool Training, int MaxThreads, RandomSource? Random)
{
    public static ForwardContext Inference(int maxThreads) => new(false, maxThreads, null);
}
