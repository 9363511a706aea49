using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Tina.Interop;

namespace Tina.Scheduling;

/// <summary>Pins the calling thread to one CPU: sched_setaffinity on Linux, SetThreadAffinityMask on Windows.</summary>
internal static class ThreadAffinity
{
    /// <summary>True when this OS lets Tina pin a thread.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>True when <paramref name="cpu"/> is in the set this process may run on.</summary>
    public static bool IsAllowedCpu(int cpu) => cpu >= 0 && IsAllowed(cpu, AllowedMask());

    /// <summary>The allowed CPUs as text, for error messages.</summary>
    public static string DescribeAllowedCpus()
    {
        ulong[]? mask = AllowedMask();
        var text = new StringBuilder("allowed: ");
        bool first = true;
        for (int cpu = 0; cpu < LinuxAffinity.MaskWords * 64; cpu++)
        {
            if (!IsAllowed(cpu, mask))
            {
                continue;
            }

            if (!first)
            {
                text.Append(',');
            }

            text.Append(cpu.ToString(CultureInfo.InvariantCulture));
            first = false;
        }

        return text.ToString();
    }

    /// <summary>Pins the calling thread; returns false (and the OS error) when the OS refused.</summary>
    public static bool TryPinCurrentThread(int cpu, out int error)
    {
        error = 0;
        if (OperatingSystem.IsLinux())
        {
            var mask = new ulong[LinuxAffinity.MaskWords];
            mask[cpu / 64] = 1UL << (cpu % 64);
            // pid 0 = the calling thread.
            if (LinuxAffinity.SchedSetAffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask) != 0)
            {
                error = Marshal.GetLastPInvokeError();
                return false;
            }

            return true;
        }

        if (OperatingSystem.IsWindows() && cpu < 64)
        {
            if (WindowsAffinity.SetThreadAffinityMask(WindowsAffinity.GetCurrentThread(), (nuint)1 << cpu) == 0)
            {
                error = Marshal.GetLastPInvokeError();
                return false;
            }

            return true;
        }

        return false;
    }

    /// <summary>The CPU for a shard when the spec has no core map: the i-th allowed CPU, wrapping.</summary>
    public static int DefaultCpuFor(int shard)
    {
        ulong[]? mask = AllowedMask();
        int allowed = 0;
        for (int cpu = 0; cpu < LinuxAffinity.MaskWords * 64; cpu++)
        {
            if (IsAllowed(cpu, mask))
            {
                allowed++;
            }
        }

        if (allowed == 0)
        {
            return -1;
        }

        int wanted = shard % allowed;
        for (int cpu = 0; cpu < LinuxAffinity.MaskWords * 64; cpu++)
        {
            if (IsAllowed(cpu, mask) && wanted-- == 0)
            {
                return cpu;
            }
        }

        return -1;
    }

    /// <summary>
    /// The process's affinity mask, read once per question (the scans above ask about every CPU a mask can hold):
    /// Linux's, or null where there is none or it cannot be read.
    /// </summary>
    private static ulong[]? AllowedMask() => OperatingSystem.IsLinux() ? AllowedMaskLinux() : null;

    /// <summary>Whether a non-negative <paramref name="cpu"/> is allowed: in the mask, or below the processor count without one.</summary>
    private static bool IsAllowed(int cpu, ulong[]? mask) =>
        mask is not null
            ? cpu < mask.Length * 64 && (mask[cpu / 64] & (1UL << (cpu % 64))) != 0
            : cpu < Environment.ProcessorCount;

    private static ulong[]? AllowedMaskLinux()
    {
        try
        {
            var mask = new ulong[LinuxAffinity.MaskWords];
            return LinuxAffinity.SchedGetAffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask) == 0 ? mask : null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
