using System.Runtime.InteropServices;

namespace Tina.Interop;

/// <summary>libc affinity calls. A P/Invoke binds only when first called, so this compiles everywhere.</summary>
internal static partial class LinuxAffinity
{
    /// <summary>Mask words: 1,024 CPUs, glibc's cpu_set_t.</summary>
    public const int MaskWords = 16;

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint cpuSetSize, ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint cpuSetSize, [Out] ulong[] mask);
}
