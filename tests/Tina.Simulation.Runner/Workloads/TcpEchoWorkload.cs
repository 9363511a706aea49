using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Io;
using Tina.Io.Reactor;

namespace Tina.Simulation.Workloads;

/// <summary>
/// TCP echo over the Tina.Io simulated network (<see cref="SimulatedNetworkComponent"/>): one listener per shard on
/// the echo port (SO_REUSEPORT), one session isolate per connection, and clients on every shard that each run a few
/// exchanges (connect, send a seeded random-length payload, read the echo, verify every byte, close), retrying on
/// every failure. The network drops, delays, reorders, resets, fails operations and partitions the echo port; the
/// runtime crashes sessions and refuses their spawns.
/// </summary>
/// <remarks>
/// Application invariants: no client ever saw an echo that differs from what it sent (no corruption, no reordering,
/// no lost or extra byte within a connection); every client's attempts add up (completed + failed, plus at most the
/// one under way); the network carried at least twice the verified payload bytes (out and back) and never read more
/// than was written; at the end every client finished all its exchanges and closed its socket, and the only sockets
/// left are one listener per shard.
/// </remarks>
internal class TcpEchoWorkload<TSession> : ISimulationWorkload
    where TSession : EchoSession, new()
{
    /// <summary>The echo port every shard listens on.</summary>
    public const int Port = 7007;

    private const int ListenerType = 0;
    private const int SessionType = 1;
    private const int ClientType = 2;

    private readonly List<Handle> _clients = new();
    private readonly SimulatedNetworkComponent _network;
    private int _clientsPerShard;
    private int _exchanges;
    private int _maxPayload;
    private int _shards;
    private long _receiveArms;
    private long _receiveFallbacks;
    private long _acceptBackoffs;

    /// <param name="name">The workload's name.</param>
    /// <param name="network">The network component (a planted-bug variant in a test); by default a fresh
    /// <see cref="SimulatedNetworkComponent"/> that may partition the echo port.</param>
    public TcpEchoWorkload(string name = "tcp-echo", SimulatedNetworkComponent? network = null)
    {
        Name = name;
        _network = network ?? new SimulatedNetworkComponent((IoAddress.Loopback, Port));
    }

    public string Name { get; }

    public TimeSpan CallTimeoutMax => TimeSpan.Zero;   // no calls

    /// <summary>The network component of this run.</summary>
    public SimulatedNetworkComponent Network => _network;

    public virtual void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _shards = random.NextInclusive(2, 4);
        spec.ShardCount = _shards;
        _clientsPerShard = random.NextInclusive(1, 3);
        _exchanges = random.NextInclusive(4, 64);
        _maxPayload = random.NextInclusive(64, 12_288);
        spec.MessagePoolCapacity = 256;
        spec.RingCapacity = 16;
        spec.TimerCapacity = 256;
        spec.TimerSpokeCount = 64;
        spec.ExternalInboxCapacity = 16;
        spec.BufferCount = 0;
        spec.AddIsolate<EchoListener<TSession>>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<TSession>(slots: random.NextInclusive(8, 48), mailboxCapacity: 4);
        spec.AddIsolate<EchoClient>(slots: _clientsPerShard, mailboxCapacity: 4);
        // Multishot receive with a ring of provided buffers (tiny rings run dry: ENOBUFS and the one-shot fallback),
        // or one-shot receives into the pool only. Drawn last so the draws above keep their values.
        int providedBuffers = random.NextBelow(4) switch { 0 => 0, 1 => 1, 2 => 4, _ => 64 };
        _network.Network.SetProvidedBuffers(providedBuffers, 1 << random.NextInclusive(6, 14)); // above 4 KiB a Receive takes a buffer in parts
        // Multishot accept (one arm per listener, its queue, re-arms and EMFILE back-off) or one accept at a time.
        _network.Network.SetMultishotAccept(random.NextBelow(2) == 1);
        spec.UseIo(new IoOptions
        {
            Backend = IoBackendKind.Simulated,
            ConnectionCapacity = 128,
            BufferCount = 64,
            BufferSize = 4096,
            Network = _network.Network,
        });
    }

    public virtual FaultTargets CreateFaultTargets(TinaSpec spec) =>
        new FaultTargets(spec.Isolates.Count).Crash(SessionType).FailSpawn(SessionType);

    public IReadOnlyList<ISimulationComponent> CreateComponents() => [_network];

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            runtime.Spawn<EchoListener<TSession>, EchoListenerStart>(shard, new EchoListenerStart(Port, random.NextUInt64()));
        }

        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            for (int i = 0; i < _clientsPerShard; i++)
            {
                var start = new EchoClientStart(Port, random.NextUInt64(), _exchanges, _maxPayload);
                _clients.Add(runtime.Spawn<EchoClient, EchoClientStart>(shard, in start).Handle);
            }
        }
    }

    public bool IsComplete(TinaRuntime runtime)
    {
        foreach (Handle client in _clients)
        {
            if (Client(runtime, client) is not { Finished: true })
            {
                return false;
            }
        }

        return true;
    }

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        long verified = 0;
        foreach (Handle handle in _clients)
        {
            EchoClient? client = Client(runtime, handle);
            if (client is null)
            {
                violation = $"client {handle} is gone (clients are never crashed)";
                return false;
            }

            if (client.Corruptions != 0)
            {
                violation = Format($"client {handle}: {client.Corruptions} wrong echoes; first: {client.FirstCorruption}; network {_network.Rates}");
                return false;
            }

            int ended = client.Completed + client.FailedAttempts;
            if (client.Completed > client.Exchanges || ended + (client.InAttempt ? 1 : 0) != client.Attempts)
            {
                violation = Format($"client {handle}: {client.Attempts} attempts but {client.Completed} completed, {client.FailedAttempts} failed, in attempt {client.InAttempt}; {client.Exchanges} exchanges");
                return false;
            }

            if (final && !client.Finished)
            {
                violation = Format($"client {handle} finished {client.Completed} of {client.Exchanges} exchanges ({client.Attempts} attempts)");
                return false;
            }

            verified += client.BytesVerified;
        }

        if (_network.BytesRead < 2 * verified || _network.BytesRead > _network.BytesWritten)
        {
            violation = Format($"the network read {_network.BytesRead} bytes and wrote {_network.BytesWritten}, but clients verified {verified} echoed payload bytes (each crosses twice)");
            return false;
        }

        if (final)
        {
            // Multishot receive and accept coverage for the sweep's report (the reactors are gone once the run is disposed).
            _receiveArms = _receiveFallbacks = _acceptBackoffs = 0;
            for (int shard = 0; shard < runtime.ShardCount; shard++)
            {
                IoStats stats = runtime.GetIoStats(shard);
                _receiveArms += stats[IoCounter.ReceiveArms];
                _receiveFallbacks += stats[IoCounter.ReceiveFallbacks];
                _acceptBackoffs += stats[IoCounter.AcceptBackoffs];
                if (runtime.ShardAt(shard).Reactor is IoReactor reactor
                    && (reactor.ProvidedBuffersInHand != 0 || reactor.Buffers.FreeCount != reactor.Buffers.Count))
                {
                    violation = Format($"shard {shard} ends with {reactor.ProvidedBuffersInHand} provided buffers and {reactor.Buffers.Count - reactor.Buffers.FreeCount} pool buffers not given back (every connection but the listeners is closed)");
                    return false;
                }
            }
        }

        if (final && _network.Network.ListenerCount != _shards)
        {
            violation = Format($"{_network.Network.ListenerCount} listeners open at the end, {_shards} shards listen");
            return false;
        }

        violation = null;
        return true;
    }

    /// <summary>The clients' tallies summed (for the sweep's coverage report).</summary>
    public EchoTotals Totals(TinaRuntime runtime)
    {
        var totals = new EchoTotals();
        foreach (Handle handle in _clients)
        {
            if (Client(runtime, handle) is { } client)
            {
                totals.Exchanges += client.Completed;
                totals.FailedAttempts += client.FailedAttempts;
                totals.Resets += client.Resets;
                totals.IoErrors += client.IoErrors;
                totals.Refusals += client.Refusals;
                totals.EarlyEnds += client.EarlyEnds;
                totals.Timeouts += client.FailuresByKind[(int)IoErrorKind.TimedOut];
                totals.BytesVerified += client.BytesVerified;
            }
        }

        totals.Partitions = _network.Partitions;
        totals.ReceiveArms = _receiveArms;
        totals.ReceiveFallbacks = _receiveFallbacks;
        if (_network.Network.MultishotAccept)
        {
            totals.MultishotAcceptRuns = 1;
            totals.MultishotAcceptBackoffs = _acceptBackoffs;
        }

        return totals;
    }

    private static EchoClient? Client(TinaRuntime runtime, Handle handle) => LiveIsolate.Of<EchoClient>(runtime, handle);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the clients of one or more tcp-echo runs went through.</summary>
internal sealed class EchoTotals
{
    public long Exchanges { get; set; }

    public long FailedAttempts { get; set; }

    public long Resets { get; set; }

    public long IoErrors { get; set; }

    public long Refusals { get; set; }

    public long EarlyEnds { get; set; }

    public long Timeouts { get; set; }

    public long Partitions { get; set; }

    public long BytesVerified { get; set; }

    /// <summary>Multishot receives armed (runs with a provided-buffer ring).</summary>
    public long ReceiveArms { get; set; }

    /// <summary>Receives that fell back to a one-shot receive because the ring was empty.</summary>
    public long ReceiveFallbacks { get; set; }

    /// <summary>Runs whose listeners were served by multishot accept arms.</summary>
    public long MultishotAcceptRuns { get; set; }

    /// <summary>Accepts paused in those runs (injected EMFILE ending an arm, or a full connection table).</summary>
    public long MultishotAcceptBackoffs { get; set; }

    public void Add(EchoTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Exchanges += other.Exchanges;
        FailedAttempts += other.FailedAttempts;
        Resets += other.Resets;
        IoErrors += other.IoErrors;
        Refusals += other.Refusals;
        EarlyEnds += other.EarlyEnds;
        Timeouts += other.Timeouts;
        Partitions += other.Partitions;
        BytesVerified += other.BytesVerified;
        ReceiveArms += other.ReceiveArms;
        ReceiveFallbacks += other.ReceiveFallbacks;
        MultishotAcceptRuns += other.MultishotAcceptRuns;
        MultishotAcceptBackoffs += other.MultishotAcceptBackoffs;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Exchanges} exchanges ({BytesVerified} bytes verified), {FailedAttempts} failed attempts: {Resets} resets, {IoErrors} EIO, {Refusals} refused, {Timeouts} timeouts, {EarlyEnds} early ends; {Partitions} partitions; {ReceiveArms} multishot receive arms, {ReceiveFallbacks} one-shot fallbacks; {MultishotAcceptRuns} runs with multishot accept, {MultishotAcceptBackoffs} accept back-offs in them");
}
