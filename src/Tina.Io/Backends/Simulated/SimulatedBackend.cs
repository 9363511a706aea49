using System;
using System.Threading;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Scheduling;

namespace Tina.Io.Backends.Simulated;

/// <summary>
/// One shard's window onto a <see cref="SimulatedNetwork"/>: its backend (operations and completions) and its socket
/// layer (listen, create, close). The network's clock is the shard's: each Collect advances the network to the
/// shard's current tick time, so under a manual clock the whole run follows it; when the network is
/// <see cref="SimulatedNetwork.DrivenExternally"/> (the simulator's network component advances it once per round)
/// Collect only drains.
/// </summary>
internal sealed unsafe class SimulatedBackend : IIoBackend, ISocketLayer
{
    private readonly SimulatedNetwork _network;
    private readonly Shard _shard;
    private readonly int _sink;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1); // threaded runs only

    public SimulatedBackend(SimulatedNetwork network, Shard shard)
    {
        _network = network;
        _shard = shard;
        _sink = network.AttachSink();
    }

    public string Name => "simulated";

    public string Features => "in-memory TCP, real bytes, seeded delay/loss/reorder/reset/error/partition";

    public SimulatedNetwork Network => _network;

    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        long now = _shard.NowNanoseconds;
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
            _network.Advance(_shard.NowNanoseconds);
        }

        return _network.Drain(_sink, completions);
    }

    public bool HasCompletions() =>
        _network.HasReady(_sink) || (!_network.DrivenExternally && _network.NextEventTime <= _shard.NowNanoseconds);

    /// <summary>Threaded runs: the network moves with the shard clock, so sleep at most a millisecond at a time.</summary>
    public void Wait(long timeoutNanoseconds)
    {
        int milliseconds = timeoutNanoseconds < 0 ? 1 : (int)Math.Clamp((timeoutNanoseconds + 999_999) / 1_000_000, 0, 1);
        _wake.Wait(milliseconds);
        _wake.Reset();
    }

    public void Wake() => _wake.Set();

    public void Dispose() => _wake.Dispose();

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
}
