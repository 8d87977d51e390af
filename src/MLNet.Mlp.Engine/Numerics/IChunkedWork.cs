namespace MLNet.Mlp.Numerics;

/// <summary>
/// Work that is not a matrix multiply but can be cut into independent chunks and shared through the GEMM helper
/// threads (see <see cref="ParallelChunks"/>). Each chunk must give the same bits whoever computes it.
/// </summary>
internal interface IChunkedWork
{
    /// <summary>Computes chunk <paramref name="index"/> of <paramref name="chunks"/>.</summary>
    void RunChunk(int index, int chunks);
}
