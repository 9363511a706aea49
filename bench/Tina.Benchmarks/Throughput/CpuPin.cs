using System;
using System.Runtime.InteropServices;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// Pins the calling thread to one CPU for the bare (no Tina) baselines, which run on plain threads. The runtime pins
/// its own shard threads (<see cref="TinaSpec.PinThreads"/>); this is the same system call, made by the benchmark
/// because the runtime's helper is internal.
/// </summary>
internal static class CpuPin
{
    /// <summary>Pins the calling thread to <paramref name="cpu"/> (below 64); false where the OS refused or pinning is unsupported.</summary>
    public static bool TryPinCurrentThread(int cpu)
    {
        if (cpu is < 0 or >= 64)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            ulong mask = 1UL << cpu;
            return SchedSetAffinity(0, sizeof(ulong), ref mask) == 0; // pid 0 = the calling thread
        }

        if (OperatingSystem.IsWindows())
        {
            return SetThreadAffinityMask(GetCurrentThread(), (nuint)1 << cpu) != 0;
        }

        return false;
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

    [DllImport("kernel32", SetLastError = true)]
    private static extern nuint SetThreadAffinityMask(nint thread, nuint mask);

    [DllImport("kernel32")]
    private static extern nint GetCurrentThread();
}
