using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Training;

/// <summary>
/// Picks, at the start of every epoch, whether training steps use all the allowed cores or only the calling thread.
/// On a shared host, handing small products to a second core is sometimes clearly faster and sometimes clearly
/// slower than one core, and the host can switch between the two states mid-run. The results never depend on the
/// thread count, so the trainer can simply time a few steps each way and keep the faster: four blocks of
/// <see cref="BlockSteps"/> steps alternating all cores / one core, then the winner.
/// Each setting is judged by its median step: a single step stalled by the host (many times a normal step, a few
/// times per epoch) would otherwise decide the epoch. When one core wins, the probe runs again after
/// <see cref="RecheckAfterSingleSteps"/> steps instead of at the next epoch.
/// </summary>
internal sealed class StepThreadTuner
{
    private const int BlockSteps = 8, ProbeSteps = 4 * BlockSteps;
    // The first step of each block is left out: it pays for the switch (a sleeping helper, cold caches).
    private const int SamplesPerSetting = 2 * (BlockSteps - 1);
    private const int RecheckAfterSingleSteps = 128;

    private readonly int _maxThreads;
    private readonly Func<long> _clock;
    private readonly long[] _multi = new long[SamplesPerSetting], _single = new long[SamplesPerSetting];
    private int _step, _chosen, _multiCount, _singleCount;
    private long _startTicks;

    public StepThreadTuner(int maxThreads) : this(maxThreads, Stopwatch.GetTimestamp) { }

    /// <summary>With the clock the steps are timed by (tests pass a scripted one).</summary>
    internal StepThreadTuner(int maxThreads, Func<long> clock)
    {
        _maxThreads = maxThreads;
        _chosen = maxThreads;
        _clock = clock;
    }

    /// <summary>Restarts the probe (call at the start of each epoch).</summary>
    public void StartEpoch()
    {
        // A probe that an epoch was too short to finish goes on in the next one; otherwise epochs of fewer than
        // ProbeSteps steps would alternate settings for ever and never settle on the faster one.
        if (_step < ProbeSteps) return;
        RestartProbe();
    }

    /// <summary>The thread count for the step about to run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int BeginStep()
    {
        if (_maxThreads <= 1) return _chosen;
        if (_step >= ProbeSteps)
        {
            // When one core wins, look again soon: a probe disturbed by a passing burst (early in a run the JIT compiles
            // in the background on the other core) would otherwise hold a whole epoch at single-core speed.
            if (_chosen != 1 || _step < ProbeSteps + RecheckAfterSingleSteps) return _chosen;
            RestartProbe();
        }

        _startTicks = _clock();
        return Multi(_step) ? _maxThreads : 1;
    }

    /// <summary>Records the step that just ran.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EndStep()
    {
        if (_maxThreads > 1 && _step < ProbeSteps)
        {
            long ticks = _clock() - _startTicks;
            if (_step % BlockSteps != 0)
            {
                if (Multi(_step)) _multi[_multiCount++] = ticks;
                else _single[_singleCount++] = ticks;
            }
            if (_step == ProbeSteps - 1) _chosen = Median(_multi) <= Median(_single) ? _maxThreads : 1;
        }
        _step++;
    }

    private void RestartProbe()
    {
        _step = 0;
        _multiCount = _singleCount = 0;
    }

    private static bool Multi(int step) => (step / BlockSteps) % 2 == 0;

    private static long Median(long[] samples)
    {
        samples.AsSpan().Sort();
        return (samples[SamplesPerSetting / 2 - 1] + samples[SamplesPerSetting / 2]) / 2;
    }
}
