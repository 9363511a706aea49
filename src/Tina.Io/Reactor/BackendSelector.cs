using System;
using System.Globalization;
using System.Threading;
using Tina.Io.Backends.Epoll;
using Tina.Io.Backends.Iocp;
using Tina.Io.Backends.Simulated;
using Tina.Io.Interop;
using Tina.Scheduling;

namespace Tina.Io.Reactor;

/// <summary>
/// Picks and builds each shard's backend. Auto prefers io_uring on Linux (once its backend is built in and the
/// kernel allows it), else epoll; IOCP on Windows. The choice and its reason go to the shard's boot log line.
/// </summary>
internal static class BackendSelector
{
    private static int s_descriptorLimitRaised;   // 1 once RLIMIT_NOFILE was raised for this process

    /// <summary>At UseIo: fails the boot early when the backend asked for cannot run on this platform.</summary>
    public static void CheckSupported(IoBackendKind kind)
    {
        switch (kind)
        {
            case IoBackendKind.Epoll when !OperatingSystem.IsLinux():
                throw new TinaConfigurationException("IoOptions.Backend", "Epoll", "needs Linux");
            case IoBackendKind.IoUring when !OperatingSystem.IsLinux():
                throw new TinaConfigurationException("IoOptions.Backend", "IoUring", "needs Linux");
            case IoBackendKind.IoUring when !IoUringAvailable(out string reason):
                throw new TinaConfigurationException("IoOptions.Backend", "IoUring", $"is not available here ({reason}); use Auto or Epoll");
            case IoBackendKind.Iocp when !OperatingSystem.IsWindows():
                throw new TinaConfigurationException("IoOptions.Backend", "Iocp", "needs Windows");
            case IoBackendKind.Auto when !OperatingSystem.IsLinux() && !OperatingSystem.IsWindows():
                throw new TinaConfigurationException("IoOptions.Backend", "Auto", "has no backend on this platform (Linux: io_uring or epoll; Windows: IOCP)");
            default:
                break;
        }
    }

    public static string Describe(IoOptions options) => string.Create(
        CultureInfo.InvariantCulture,
        $"Tina.Io {options.Backend}: {options.ConnectionCapacity} connections, {options.BufferCount} x {options.BufferSize} B buffers per shard");

    /// <summary>On the shard's thread, at its first tick.</summary>
    public static IShardReactor CreateReactor(Shard shard, IoOptions options)
    {
        int completionCapacity = (options.ConnectionCapacity * 4) + options.SubmissionBatchSize;
        switch (options.Backend)
        {
            case IoBackendKind.Simulated:
                var simulated = new SimulatedBackend(options.Network!, shard);
                return new IoReactor(shard, simulated, simulated, options, $"configured (seed {options.SimulationSeed})");
            case IoBackendKind.Epoll:
                return CreateEpoll(shard, options, completionCapacity, "configured");
            case IoBackendKind.IoUring:
                return CreateIoUring(shard, options, out string failure)
                    ?? throw new TinaConfigurationException("IoOptions.Backend", "IoUring", $"could not start on shard {shard.Id}: {failure}");
            case IoBackendKind.Iocp:
                return CreateIocp(shard, options);
            default:
                if (OperatingSystem.IsWindows())
                {
                    return CreateIocp(shard, options);
                }

                return CreateIoUring(shard, options, out string reason)
                    ?? CreateEpoll(shard, options, completionCapacity, $"auto: io_uring not used ({reason})");
        }
    }

    private static IoReactor CreateEpoll(Shard shard, IoOptions options, int completionCapacity, string selection)
    {
        RaiseDescriptorLimitOnce(shard);
        var backend = new EpollBackend(options.SubmissionBatchSize, completionCapacity);
        return new IoReactor(shard, backend, new LinuxSocketLayer(options), options, selection);
    }

    private static IoReactor CreateIocp(Shard shard, IoOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new TinaConfigurationException("IoOptions.Backend", "Iocp", "needs Windows");
        }

        var backend = new IocpBackend(options.SubmissionBatchSize, options.ConnectionCapacity * 2);
        return new IoReactor(shard, backend, new WinsockSocketLayer(options.NoDelay), options, "configured");
    }

    /// <summary>
    /// The io_uring backend's entry point. It is built by a separate work item against <see cref="IIoBackend"/>; until
    /// it lands this returns null with the reason, and Auto falls back to epoll.
    /// </summary>
    private static IoReactor? CreateIoUring(Shard shard, IoOptions options, out string reason)
    {
        _ = shard;
        _ = options;
        IoUringAvailable(out reason);
        return null;
    }

    private static bool IoUringAvailable(out string reason)
    {
        reason = "the io_uring backend is not built into this version";
        return false;
    }

    /// <summary>Raises the soft RLIMIT_NOFILE to the hard limit once per process, so the table, not the OS, is the bound.</summary>
    private static void RaiseDescriptorLimitOnce(Shard shard)
    {
        if (Interlocked.Exchange(ref s_descriptorLimitRaised, 1) != 0)
        {
            return;
        }

        int error = Libc.RaiseDescriptorLimit(out ulong soft, out ulong hard);
        if (error != 0)
        {
            shard.Log(TinaLogLevel.Warning, Handle.None, "could not raise RLIMIT_NOFILE (errno, soft limit)", error, (long)Math.Min(soft, long.MaxValue));
        }
        else
        {
            shard.Log(TinaLogLevel.Debug, Handle.None, "RLIMIT_NOFILE soft limit raised to the hard limit (soft, hard)",
                (long)Math.Min(soft, long.MaxValue), (long)Math.Min(hard, long.MaxValue));
        }
    }
}
