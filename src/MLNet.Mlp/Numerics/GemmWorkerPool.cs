using System.Diagnostics;

namespace MLNet.Mlp.Numerics;

/// <summary>
/// Persistent helper threads for splitting one multiply across cores. A worker spins only briefly
/// after each job (back-to-back calls in a training step hand over without a kernel wake-up) and
/// then blocks, because the shared host penalises threads that spin.
/// </summary>
internal sealed class GemmWorkerPool
{
    private static readonly long SpinTicks = Math.Max(1, Stopwatch.Frequency / 20_000); // 50 µs
    private static readonly GemmWorker?[] s_workers = new GemmWorker?[Math.Max(0, Environment.ProcessorCount - 1)];
    private static readonly object s_createLock = new();

    /// <summary>
    /// Claims up to <paramref name="wanted"/> idle workers into <paramref name="claimed"/> and returns how many.
    /// Busy workers (serving another caller) are skipped: the caller then simply does more of the work itself.
    /// </summary>
    public static int TryClaim(int wanted, Span<GemmWorker?> claimed)
    {
        GemmWorker?[] workers = s_workers;
        int count = 0;
        for (int i = 0; i < workers.Length && count < wanted; i++)
        {
            GemmWorker? w = workers[i];
            if (w is null)
            {
                lock (s_createLock)
                {
                    w = workers[i] ??= new GemmWorker(i);
                }
            }

            if (w.TryClaim())
            {
                claimed[count++] = w;
            }
        }

        return count;
    }

    /// <summary>One helper thread with a single job slot.</summary>
    internal sealed class GemmWorker
    {
        private readonly object _gate = new();
        private readonly object _doneGate = new();
        private int _claimed;
        private long _posted;
        private long _done;
        private GemmJob _job;
        private GemmPart _part;
        private Exception? _error;

        public GemmWorker(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "MLNet.Mlp GEMM worker " + index,
            };
            thread.Start();
        }

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        /// <summary>Hands a part to the worker; the job's pointers must stay pinned until <see cref="WaitAndRelease"/> returns.</summary>
        public void Post(in GemmJob job, GemmPart part)
        {
            _job = job;
            _part = part;
            _error = null;
            lock (_gate)
            {
                Volatile.Write(ref _posted, _posted + 1);
                Monitor.Pulse(_gate);
            }
        }

        /// <summary>Waits for the posted part, frees the worker for other callers and rethrows a failure.</summary>
        public void WaitAndRelease()
        {
            long target = Volatile.Read(ref _posted);
            if (!SpinUntil(ref _done, target))
            {
                lock (_doneGate)
                {
                    while (Volatile.Read(ref _done) != target)
                    {
                        Monitor.Wait(_doneGate);
                    }
                }
            }

            Exception? error = _error;
            Volatile.Write(ref _claimed, 0);
            if (error is not null)
            {
                throw new AggregateException("A matrix-multiply worker failed.", error);
            }
        }

        private static bool SpinUntil(ref long counter, long target)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref counter) != target)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return false;
                }

                Thread.SpinWait(16);
            }

            return true;
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                if (!SpinUntil(ref _posted, seen + 1))
                {
                    lock (_gate)
                    {
                        while (Volatile.Read(ref _posted) == seen)
                        {
                            Monitor.Wait(_gate);
                        }
                    }
                }

                seen++;
                try
                {
                    GemmDriver.RunPart(in _job, _part);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                lock (_doneGate)
                {
                    Volatile.Write(ref _done, seen);
                    Monitor.Pulse(_doneGate);
                }
            }
        }
    }
}
