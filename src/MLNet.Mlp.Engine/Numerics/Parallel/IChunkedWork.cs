namespace MLNet.Mlp.Numerics.Parallel;

/// <summary>
/// Work cut into independent chunks that the calling thread and the <see cref="WorkerPool"/> helpers share (see
/// <see cref="ParallelChunks"/>). Each chunk must give the same bits whoever computes it.
/// </summary>
internal interface IChunkedWork
{
    /// <summary>Computes chunk <paramref name="index"/> of <paramref name="chunks"/>.</summary>
    void RunChunk(int index, int chunks);
}
