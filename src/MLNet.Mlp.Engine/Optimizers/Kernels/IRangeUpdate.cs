namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// An optimizer's update of one contiguous range of parameters, with up to three state buffers (empty when unused).
/// It must give every element the same bits wherever the range starts or ends, so that splitting a buffer over
/// threads (<see cref="ChunkedUpdate{TUpdate}"/>) cannot change the result.
/// </summary>
internal interface IRangeUpdate
{
    /// <summary>Updates θ and the state in place from the gradient g.</summary>
    void Run(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> s0, Span<float> s1, Span<float> s2);
}
