using System.Globalization;
using System.Threading;
using System;
using Tina.Advanced;
using Tina.Io.Backends.Epoll;
using Tina.Io.Backends.IoUring;
using Tina.Io.Backends.Iocp;
using Tina.Io.Backends.Simulated;
using Tina.Io.Interop;
using Tina.Scheduling;

namespace Tina.Io.Reactor;

/// <summary>
/// Picks and builds each shard's backend. Auto prefers io_uring on Linux when the kernel allows it (the ring is built
/// and self-tested on the shard's thread), else epoll; IOCP on Windows. The choice and its reason go to the shard's
/// boot log line. An explicit IoUring fails UseIo when this process cannot run io_uring at all; a shard whose own
/// ring then fails falls back to epoll with a warning.
/// </summary>
internal static class BackendSelector
{
    private static int s_descriptorLimitRaised;   // 1 once RLIMIT_NOFILE was raised for this process
    private static string? s_simulatedShardFailure; // tests: every shard's io_uring ring "fails" with this reason

    /// <summary>Tests only: makes each shard's io_uring creation fail with <paramref name="reason"/> (null restores).</summary>
    internal static void SimulateShardIoUringFailure(string? reason) => Volatile.Write(ref s_simulatedShardFailure, reason);

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
    public static IShardReactor CreateReactor(ReactorHost shard, IoOptions options)
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
                // UseIo already refused the boot if this process cannot run io_uring at all. A shard whose own ring
                // fails after that (RLIMIT_MEMLOCK, ENOMEM) falls back to epoll with a warning rather than killing
                // its thread: sockets stay interchangeable (both backends use non-blocking sockets), so hand-off
                // between shards still works.
                IoReactor? configured = CreateIoUring(shard, options, "configured", out string failure);
                if (configured is not null)
                {
                    return configured;
                }

                shard.Log(TinaLogLevel.Warning, Handle.None, $"io_uring was asked for but could not start on this shard; falling back to epoll: {failure}", 0, 0, TinaEvent.IoBackendFallback);
                return CreateEpoll(shard, options, completionCapacity, $"io_uring asked for, fell back: {failure}");
            case IoBackendKind.Iocp:
                return CreateIocp(shard, options);
            default:
                if (OperatingSystem.IsWindows())
                {
                    return CreateIocp(shard, options);
                }

                return CreateIoUring(shard, options, "auto: io_uring preferred", out string reason)
                    ?? CreateEpoll(shard, options, completionCapacity, $"auto: io_uring not used ({reason})");
        }
    }

    private static IoReactor CreateEpoll(ReactorHost shard, IoOptions options, int completionCapacity, string selection)
    {
        RaiseDescriptorLimitOnce(shard);
        var backend = new EpollBackend(options.SubmissionBatchSize, completionCapacity);
        return new IoReactor(shard, backend, new LinuxSocketLayer(options), options, selection);
    }

    private static IoReactor CreateIocp(ReactorHost shard, IoOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new TinaConfigurationException("IoOptions.Backend", "Iocp", "needs Windows");
        }

        var backend = new IocpBackend(options.SubmissionBatchSize, options.ConnectionCapacity * 2);
        return new IoReactor(shard, backend, new WinsockSocketLayer(options.NoDelay), options, "configured");
    }

    /// <summary>
    /// Builds an io_uring reactor on the calling (shard) thread, which becomes the ring's only issuer; null with the
    /// reason when <see cref="IoUringBackend.TryCreate(in IoUringOptions, out IoUringBackend?, out string)"/> refuses
    /// (setup ladder exhausted, seccomp, missing features or opcodes, a failed self-test).
    /// </summary>
    private static IoReactor? CreateIoUring(ReactorHost shard, IoOptions options, string selection, out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "not Linux";
            return null;
        }

        string? simulated = Volatile.Read(ref s_simulatedShardFailure);
        if (simulated is not null)
        {
            reason = simulated;
            return null;
        }

        RaiseDescriptorLimitOnce(shard);
        if (!IoUringBackend.TryCreate(RingOptions(options), out IoUringBackend? backend, out reason))
        {
            return null;
        }

        try
        {
            return new IoReactor(shard, backend!, new LinuxSocketLayer(options), options, selection);
        }
        catch
        {
            backend!.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ring each shard asks for: one SQ entry per submission of a batch (the backend submits early when a tick
    /// queues more), within io_uring's bounds, and the provided-buffer ring multishot receive takes its buffers from
    /// (<see cref="IoOptions.ReceiveBufferCount"/> buffers of <see cref="IoOptions.ReceiveBufferSize"/> bytes; none
    /// when the count is 0).
    /// </summary>
    internal static IoUringOptions RingOptions(IoOptions options) =>
        new(Math.Clamp(options.SubmissionBatchSize, 64, IoUringOptions.SubmissionEntriesMax))
        {
            ProvidedBufferCount = options.ReceiveBufferCount,
            ProvidedBufferSizeBytes = options.ReceiveBufferSize,
        };

    /// <summary>
    /// Whether this process can run io_uring: one throwaway ring, built, self-tested and closed on the calling
    /// thread, once per process (the answer is cached). Each shard still builds its own ring and may still fall back.
    /// </summary>
    internal static bool IoUringAvailable(out string reason)
    {
        (bool available, string why) = s_ioUringProbe.Value;
        reason = why;
        return available;
    }

    private static readonly Lazy<(bool Available, string Reason)> s_ioUringProbe = new(ProbeIoUring, LazyThreadSafetyMode.ExecutionAndPublication);

    private static (bool, string) ProbeIoUring()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, "not Linux");
        }

        if (!IoUringBackend.TryCreate(new IoUringOptions(8) { ProvidedBufferCount = 0 }, out IoUringBackend? probe, out string reason))
        {
            return (false, reason);
        }

        probe!.Dispose();
        return (true, string.Empty);
    }

    /// <summary>Raises the soft RLIMIT_NOFILE to the hard limit once per process, so the table, not the OS, is the bound.</summary>
    private static void RaiseDescriptorLimitOnce(ReactorHost shard)
    {
        if (Interlocked.Exchange(ref s_descriptorLimitRaised, 1) != 0)
        {
            return;
        }

        int error = Libc.RaiseDescriptorLimit(out ulong soft, out ulong hard);
        if (error != 0)
        {
            shard.Log(TinaLogLevel.Warning, Handle.None, "could not raise RLIMIT_NOFILE (errno, soft limit)", error, (long)Math.Min(soft, long.MaxValue), TinaEvent.FileLimitNotRaised);
        }
        else
        {
            shard.Log(TinaLogLevel.Debug, Handle.None, "RLIMIT_NOFILE soft limit raised to the hard limit (soft, hard)",
                (long)Math.Min(soft, long.MaxValue), (long)Math.Min(hard, long.MaxValue), TinaEvent.FileLimitRaised);
        }
    }
}
