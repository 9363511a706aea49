using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Tina.Io.Interop;

namespace Tina.Io.Tests.Hostile;

/// <summary>What this process holds from the OS: descriptors (/proc/self/fd), resident memory (VmRSS), the descriptor limit.</summary>
internal static class ProcessResources
{
    /// <summary>
    /// Open descriptors that are not files on disk: sockets, pipes, anonymous inodes (epoll sets, io_uring rings,
    /// eventfds). Files are left out because the runtime maps assemblies lazily (System.Net.NameResolution on a first
    /// socket error, say) and keeps their descriptors; that is no leak, and it would make a case's count drift.
    /// </summary>
    public static int DescriptorCount()
    {
        int count = 0;
        foreach (string entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                string target = new FileInfo(entry).LinkTarget ?? "/";
                if (!target.StartsWith('/'))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // closed while listing (the listing's own directory descriptor)
            }
        }

        return count;
    }

    /// <summary>The numbers of the open descriptors.</summary>
    public static HashSet<int> DescriptorNumbers()
    {
        var numbers = new HashSet<int>();
        foreach (string entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            numbers.Add(int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture));
        }

        return numbers;
    }

    /// <summary>What the descriptors point at, for a failure message.</summary>
    public static string DescribeDescriptors()
    {
        var parts = new List<string>();
        foreach (string entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                parts.Add(Path.GetFileName(entry) + "->" + (new FileInfo(entry).LinkTarget ?? "?"));
            }
            catch (IOException)
            {
                parts.Add(Path.GetFileName(entry) + "->(gone)");
            }
        }

        return string.Join(", ", parts);
    }

    /// <summary>Resident set size in bytes (VmRSS of /proc/self/status).</summary>
    public static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    /// <summary>Polls (every 10 ms, at most <paramref name="limit"/>) until <paramref name="done"/> holds.</summary>
    public static bool WaitUntil(Func<bool> done, TimeSpan limit) => SpinWait.SpinUntil(() =>
    {
        if (done())
        {
            return true;
        }

        Thread.Sleep(10);
        return false;
    }, limit);

    /// <summary>The soft and hard RLIMIT_NOFILE.</summary>
    public static unsafe (ulong Soft, ulong Hard) DescriptorLimit()
    {
        ulong* limits = stackalloc ulong[2];
        if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, limits) != 0)
        {
            throw new InvalidOperationException($"getrlimit: errno {Libc.LastError}");
        }

        return (limits[0], limits[1]);
    }

    /// <summary>Sets the soft RLIMIT_NOFILE (the hard one unchanged, so the soft one can be raised back).</summary>
    public static unsafe void SetSoftDescriptorLimit(ulong soft)
    {
        ulong* limits = stackalloc ulong[2];
        if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, limits) != 0)
        {
            throw new InvalidOperationException($"getrlimit: errno {Libc.LastError}");
        }

        limits[0] = soft;
        if (Libc.SetRLimit(Libc.RLIMIT_NOFILE, limits) != 0)
        {
            throw new InvalidOperationException($"setrlimit({soft}): errno {Libc.LastError}");
        }
    }
}
