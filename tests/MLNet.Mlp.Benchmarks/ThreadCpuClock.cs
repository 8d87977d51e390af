using System.Runtime.InteropServices;

namespace MLNet.Mlp.Benchmarks;

/// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): robust to other loads on a shared
/// host, where wall-clock time also counts the time the thread waited for a core.</summary>
internal static partial class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    /// <summary>Seconds of CPU time the calling thread has used.</summary>
    public static double Seconds()
    {
        ClockGetTime(ThreadCpuTimeId, out TimeSpec t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec value);
}
