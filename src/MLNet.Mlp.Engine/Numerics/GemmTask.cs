using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics;

/// <summary>
/// One multiply shared by several threads: the output is cut into fixed chunks (tile-aligned, chosen
/// from the shape alone) that threads claim from a counter. A helper that wakes late finds nothing
/// left and never touches the caller's memory, so the caller never waits for a thread that is not running.
/// Instances are pooled and reused only after every participant has left.
/// </summary>
internal sealed class GemmTask
{
    // Pre-filled: a task stays out of the pool while a late helper still holds it, and each concurrent caller needs
    // one; with a few spares per core the steady state never allocates, even on a loaded host.
    private static readonly Stack<GemmTask> s_pool = new(Enumerable.Range(0, 4 * Environment.ProcessorCount).Select(_ => new GemmTask()));
    private readonly object _gate = new();
    private GemmJob _job;
    // Set instead of _job when the task carries other chunked work (ParallelChunks).
    private IChunkedWork? _work;
    private bool _splitN;
    private int _unit;
    private int _units;
    private int _chunks;
    private int _next;
    private int _done;
    private int _participants;
    private Exception? _error;

    /// <summary>Takes a task from the pool (allocating only when every pooled task is still held by a late helper).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GemmTask Rent(in GemmJob job, bool splitN, int unit, int units, int chunks)
    {
        GemmTask? task = null;
        lock (s_pool)
        {
            s_pool.TryPop(out task);
        }

        task ??= new GemmTask();
        task._job = job;
        task._work = null;
        task._splitN = splitN;
        task._unit = unit;
        task._units = units;
        task._chunks = chunks;
        task._error = null;
        task._done = 0;
        task._participants = 1;
        Volatile.Write(ref task._next, 0);
        return task;
    }

    /// <summary>Takes a task that runs <paramref name="work"/> in <paramref name="chunks"/> chunks instead of a multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GemmTask Rent(IChunkedWork work, int chunks)
    {
        GemmTask task = Rent(default, false, 1, chunks, chunks);
        task._work = work;
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
    public void Participate(GemmWorkerPool.IHelper? helper)
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
                if (_work is { } work) work.RunChunk(index, _chunks);
                else GemmDriver.RunPart(in _job, PartOf(index));
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
        if (!GemmWorkerPool.SpinUntil(ref _done, _chunks))
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
            throw new AggregateException("Matrix multiply failed on a helper thread.", error);
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
            _job = default;
            _work = null;
            lock (s_pool)
            {
                s_pool.Push(this);
            }
        }
    }

    // Boundaries fall on tile multiples; they only decide who computes an element, never how.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private GemmPart PartOf(int index)
    {
        int extent = _splitN ? _job.N : _job.M;
        int lo = Math.Min(extent, (int)((long)_units * index / _chunks) * _unit);
        int hi = Math.Min(extent, (int)((long)_units * (index + 1) / _chunks) * _unit);
        return _splitN ? new GemmPart(0, _job.M, lo, hi) : new GemmPart(lo, hi, 0, _job.N);
    }
}
