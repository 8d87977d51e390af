using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.Parallel;

/// <summary>
/// Chunked work started by <see cref="ParallelChunks.Begin"/>: helpers may be computing it now. Exactly one call to
/// <see cref="Complete"/> must follow, which is also what returns the shared task to its pool.
/// </summary>
internal readonly struct PendingChunks
{
    private readonly ParallelTask? _task;
    private readonly IChunkedWork _work;
    private readonly int _chunks;

    internal PendingChunks(ParallelTask? task, IChunkedWork work, int chunks)
    {
        _task = task;
        _work = work;
        _chunks = chunks;
    }

    /// <summary>Computes the chunks no helper has claimed, waits for the claimed ones, then rethrows the first failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Complete()
    {
        if (_task is null)
        {
            for (int i = 0; i < _chunks; i++) _work.RunChunk(i, _chunks);
            return;
        }

        _task.Join();
    }
}
