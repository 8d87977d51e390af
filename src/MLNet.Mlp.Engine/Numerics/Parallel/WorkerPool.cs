using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.Parallel;

/// <summary>
/// Persistent helper threads that share <see cref="ParallelTask"/>s (a matrix multiply, an optimizer update, a batch
/// gather) with the calling thread. A helper spins only briefly after each task (back-to-back calls in a training step
/// hand over without a kernel wake-up) and then blocks, because a shared host penalises threads that spin.
/// </summary>
internal static class WorkerPool
{
    /// <summary>How long a thread spins on a flag before blocking. Settable so tests can force the blocking path.</summary>
    internal static long SpinTicks = Math.Max(1, Stopwatch.Frequency / 20_000); // 50 µs

    private static readonly HelperThread?[] s_workers = new HelperThread?[Math.Max(0, Environment.ProcessorCount - 1)];
    private static readonly object s_createLock = new();

    /// <summary>How many helper threads exist (all of them once any parallel call has run).</summary>
    internal static int StartedHelpers => s_workers.Count(w => Volatile.Read(ref w) is not null);

    /// <summary>
    /// Offers <paramref name="task"/> to up to <paramref name="wanted"/> idle helpers and returns how many took it.
    /// Busy helpers (serving another caller, or still waking from an earlier call) are skipped: the caller
    /// then simply computes more chunks itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Offer(ParallelTask task, int wanted)
    {
        int count = 0;
        for (int i = 0; i < s_workers.Length && count < wanted; i++)
        {
            HelperThread w = s_workers[i] ?? CreateAll(i);

            if (w.TryClaim())
            {
                task.AddParticipant();
                w.Post(task);
                count++;
            }
        }

        return count;
    }

    // All helpers start together, on the first parallel call: created one by one as earlier ones are found busy,
    // a helper would be born (and allocate) whenever a loaded host first delays a wake-up, long into training.
    private static HelperThread CreateAll(int index)
    {
        lock (s_createLock)
        {
            for (int i = 0; i < s_workers.Length; i++)
            {
                s_workers[i] ??= new HelperThread(i);
            }
        }

        return s_workers[index]!;
    }

    /// <summary>Spins while <paramref name="counter"/> equals <paramref name="value"/> (wraparound-safe) or until the spin budget runs out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool SpinWhileEqual(ref int counter, int value)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref counter) == value)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.SpinWait(16);
        }

        return true;
    }

    /// <summary>Spins until <paramref name="counter"/> reaches <paramref name="target"/> or the spin budget runs out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool SpinUntil(ref int counter, int target)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref counter) < target)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.SpinWait(16);
        }

        return true;
    }

    /// <summary>A helper taking part in a task.</summary>
    internal interface IHelper
    {
        /// <summary>Makes the helper claimable again; it will not touch the task's operands after this.</summary>
        void Release();
    }

    /// <summary>One helper thread with a single task slot; it frees itself once it will take no more chunks.</summary>
    private sealed class HelperThread : IHelper
    {
        private readonly object _gate = new();
        private int _claimed;
        private int _posted;
        private ParallelTask? _task;

        public HelperThread(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "MLNet.Mlp worker " + index,
            };
            thread.Start();
        }

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        public void Release() => Volatile.Write(ref _claimed, 0);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Post(ParallelTask task)
        {
            _task = task;
            lock (_gate)
            {
                Volatile.Write(ref _posted, _posted + 1);
                Monitor.Pulse(_gate);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                // Compared for inequality, so the post counter may wrap around in long runs.
                if (!SpinWhileEqual(ref _posted, seen))
                {
                    lock (_gate)
                    {
                        while (Volatile.Read(ref _posted) == seen)
                        {
                            Monitor.Wait(_gate);
                        }
                    }
                }

                seen = Volatile.Read(ref _posted);
                ParallelTask task = _task!;
                _task = null;
                task.Participate(this);
                task.Leave();
            }
        }
    }
}
