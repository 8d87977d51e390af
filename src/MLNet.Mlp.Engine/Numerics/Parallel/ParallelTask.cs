using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.Parallel;

/// <summary>
/// One piece of <see cref="IChunkedWork"/> shared by several threads: the chunks are claimed from a counter, so a
/// helper that wakes late finds nothing left and never touches the caller's memory, and the caller never waits for a
/// thread that is not running. Instances are pooled and reused only after every participant has left.
/// </summary>
internal sealed class ParallelTask
{
    // Pre-filled: a task stays out of the pool while a late helper still holds it, and each concurrent caller needs
    // one; with a few spares per core the steady state never allocates, even on a loaded host.
    private static readonly Stack<ParallelTask> s_pool = new(Enumerable.Range(0, 4 * Environment.ProcessorCount).Select(_ => new ParallelTask()));
    private readonly object _gate = new();
    private IChunkedWork? _work;
    private int _chunks;
    private int _next;
    private int _done;
    private int _participants;
    private Exception? _error;

    /// <summary>
    /// Takes a task that runs <paramref name="work"/> in <paramref name="chunks"/> chunks from the pool (allocating only
    /// when every pooled task is still held by a late helper).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParallelTask Rent(IChunkedWork work, int chunks)
    {
        ParallelTask? task = null;
        lock (s_pool)
        {
            s_pool.TryPop(out task);
        }

        task ??= new ParallelTask();
        task._work = work;
        task._chunks = chunks;
        task._error = null;
        task._done = 0;
        task._participants = 1;
        Volatile.Write(ref task._next, 0);
        return task;
    }

    /// <summary>Registers a helper before it is handed the task.</summary>
    public void AddParticipant() => Interlocked.Increment(ref _participants);

    /// <summary>
    /// Claims and computes chunks until none are left. A helper passes its release callback, which runs
    /// as soon as the helper knows it will take no more chunks and before its last chunk is reported done:
    /// otherwise the caller, woken by that report, could issue its next call while the helper still
    /// looks busy, and would then compute that call alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Participate(WorkerPool.IHelper? helper)
    {
        int index = Interlocked.Increment(ref _next) - 1;
        while (true)
        {
            if (index >= _chunks)
            {
                helper?.Release();
                return;
            }

            try
            {
                _work!.RunChunk(index, _chunks);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            int next = Interlocked.Increment(ref _next) - 1;
            bool last = next >= _chunks;
            if (last)
            {
                helper?.Release();
            }

            if (Interlocked.Increment(ref _done) == _chunks)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }

            if (last)
            {
                return;
            }

            index = next;
        }
    }

    /// <summary>Waits until every claimed chunk is finished, then rethrows the first failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WaitForChunks()
    {
        if (!WorkerPool.SpinUntil(ref _done, _chunks))
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _done) < _chunks)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        if (_error is { } error)
        {
            throw new AggregateException("A chunk of parallel work failed on a helper thread.", error);
        }
    }

    /// <summary>
    /// The caller's side of a task it has offered to helpers: computes the chunks no helper has claimed, waits for the
    /// claimed ones, rethrows the first failure, and drops the caller's hold on the task.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Join()
    {
        Participate(null);
        try
        {
            WaitForChunks();
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Drops one participant; the last one returns the task to the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Leave()
    {
        if (Interlocked.Decrement(ref _participants) == 0)
        {
            _work = null;
            lock (s_pool)
            {
                s_pool.Push(this);
            }
        }
    }
}
