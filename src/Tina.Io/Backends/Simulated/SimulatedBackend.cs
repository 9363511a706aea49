using System.Globalization;
using System.Threading;
using System;
using Tina.Advanced;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Scheduling;
using Tina.Time;

namespace Tina.Io.Backends.Simulated;

/// <summary>
/// One shard's window onto a <see cref="SimulatedNetwork"/>: its backend (operations and completions) and its socket
/// layer (listen, create, close). The network's clock is the shard's: each Collect advances the network to the
/// shard's current tick time, so under a manual clock the whole run follows it; when the network is
/// <see cref="SimulatedNetwork.DrivenExternally"/> (the simulator's network component advances it once per round)
/// Collect only drains. When the network has provided buffers
/// (<see cref="SimulatedNetworkOptions.ProvidedBufferCount"/>), this backend's sink owns a pool of them and the
/// backend reports <see cref="IoBackendCapabilities.MultishotReceive"/>; when it has multishot accept
/// (<see cref="SimulatedNetworkOptions.MultishotAccept"/>), it reports <see cref="IoBackendCapabilities.MultishotAccept"/>.
/// </summary>
internal sealed unsafe class SimulatedBackend : IIoBackend, ISocketLayer
{
    private readonly SimulatedNetwork _network;
    private readonly ReactorHost? _shard;                  // the clock: the shard's tick time...
    private readonly Func<long>? _clock;              // ...or, without a shard (tests driving the backend), this one
    private readonly int _sink;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1); // threaded runs only
    private bool _disposed;

    public SimulatedBackend(SimulatedNetwork network, ReactorHost shard)
        : this(network)
    {
        _shard = shard;
    }

    /// <summary>A backend outside any runtime, on <paramref name="clock"/>: for tests that drive it directly.</summary>
    internal SimulatedBackend(SimulatedNetwork network, Func<long> clock)
        : this(network)
    {
        _clock = clock;
    }

    private SimulatedBackend(SimulatedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _sink = network.AttachSink();
        Capabilities = (network.ProvidedBufferCount > 0 ? IoBackendCapabilities.MultishotReceive : IoBackendCapabilities.None)
            | (network.MultishotAccept ? IoBackendCapabilities.MultishotAccept : IoBackendCapabilities.None);
        Features = "in-memory TCP, real bytes, seeded delay/loss/reorder/reset/error/partition; multishot receive "
            + (network.ProvidedBufferCount > 0
                ? string.Create(CultureInfo.InvariantCulture, $"on ({network.ProvidedBufferCount} x {network.ProvidedBufferSize} B provided buffers)")
                : "off (ProvidedBufferCount = 0)")
            + "; multishot accept " + (network.MultishotAccept ? "on" : "off (MultishotAccept = false)");
    }

    public string Name => "simulated";

    public string Features { get; }

    /// <summary>Multishot receive when the network has provided buffers; multishot accept when the network has it on.</summary>
    public IoBackendCapabilities Capabilities { get; }

    public SimulatedNetwork Network => _network;

    /// <inheritdoc />
    public int ProvidedBufferSize => _network.ProvidedBufferSize;

    /// <inheritdoc />
    public int ProvidedBufferCount => _network.ProvidedBufferCount;

    /// <summary>Provided buffers lent to the reactor (or waiting in undrained completions) and not returned: a leak check.</summary>
    internal int LentProvidedBuffers => _network.LentProvidedBuffers(_sink);

    /// <inheritdoc />
    public ReadOnlySpan<byte> GetProvidedBuffer(ushort bufferId, int length) => _network.GetProvidedBuffer(_sink, bufferId, length);

    /// <inheritdoc />
    public void ReturnProvidedBuffer(ushort bufferId) => _network.ReturnProvidedBuffer(_sink, bufferId);

    private long NowNanoseconds => _shard is not null ? _shard.NowNanoseconds : _clock!();

    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        long now = NowNanoseconds;
        for (int i = 0; i < batch.Length; i++)
        {
            _network.Submit(_sink, in batch[i], now);
        }

        return batch.Length;
    }

    public void Flush()
    {
    }

    public int Collect(Span<IoCompletionEntry> completions)
    {
        if (!_network.DrivenExternally)
        {
            _network.Advance(NowNanoseconds);
        }

        return _network.Drain(_sink, completions);
    }

    public bool HasCompletions() =>
        _network.HasReady(_sink) || (!_network.DrivenExternally && _network.NextEventTime <= NowNanoseconds);

    /// <summary>Threaded runs: the network moves with the shard clock, so sleep at most a millisecond at a time.</summary>
    public void Wait(long timeoutNanoseconds)
    {
        int milliseconds = timeoutNanoseconds < 0 ? 1 : (int)Math.Clamp((timeoutNanoseconds + 999_999) / 1_000_000, 0, 1);
        _wake.Wait(milliseconds);
        _wake.Reset();
    }

    public void Wake() => _wake.Set();

    /// <summary>Frees this backend's provided buffers (spans over them dangle from here on) and its wake event.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _network.DetachSink(_sink);
        _wake.Dispose();
    }

    public int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int descriptor) =>
        _network.OpenListener(in address, port, backlog, reusePort, out descriptor);

    public int OpenStream(in IoAddress address, out int descriptor) => _network.OpenStream(out descriptor);

    public int EncodeAddress(in IoAddress address, int port, byte* destination, int capacity) =>
        SockAddr.Encode(in address, port, destination, capacity, Libc.AF_INET, Libc.AF_INET6);

    public void ConfigureConnection(int descriptor)
    {
    }

    public int LocalPort(int descriptor) => _network.LocalPort(descriptor);

    public void CloseUnregistered(int descriptor) => _network.CloseDirect(descriptor);

    public void SetAbortiveClose(int descriptor) => _network.SetAbortive(descriptor);
}
