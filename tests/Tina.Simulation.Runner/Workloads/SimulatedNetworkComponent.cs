using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Io;
using Tina.Io.Backends.Simulated;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The Tina.Io simulated network as a simulation component: it owns the <see cref="SimulatedNetwork"/> every shard's
/// reactor shares (<see cref="SimulatedNetwork.DrivenExternally"/>: the shards only submit and drain), advances it
/// once per round before the shards run, reports its next event so idle rounds never jump past one, injects the
/// network's faults at rates drawn per seed from its own stream, stops them when the fault phase ends, and keeps a
/// byte ledger of every stream.
/// </summary>
/// <remarks>
/// <para>Randomness: at round 0 the component draws its <see cref="NetworkFaultRates"/> and then a seed for the
/// network's own generator (the order of the shards' submissions decides which draw each operation gets, and that
/// order is the scheduler's), then per round its partition and heal draws, all from the component's stream.</para>
/// <para>Invariants: every byte read from a stream was written to it, at the same offset, with the same value, and
/// reads come in stream order (no invented, corrupted or reordered bytes); at the end no socket is open but the
/// listeners, and no stream is left in the ledger.</para>
/// </remarks>
internal class SimulatedNetworkComponent : ISimulationComponent, ISimulatedNetworkObserver
{
    private readonly StreamRandom _random = new();
    private readonly Dictionary<uint, StreamLedger> _streams = new();
    private readonly Stack<StreamLedger> _spare = new();
    private readonly (IoAddress Address, int Port)[] _partitionable;
    private TraceRecorder? _trace;
    private bool _faultsOn = true;
    private bool _partitioned;
    private string? _violation;

    /// <param name="partitionable">The endpoints a partition may cut off (a listener's address and port).</param>
    public SimulatedNetworkComponent(params (IoAddress Address, int Port)[] partitionable)
    {
        _partitionable = partitionable;
        Network = new SimulatedNetwork(new SimulatedNetworkOptions(), _random)
        {
            DrivenExternally = true,
            Observer = this,
        };
    }

    public string Name => "network";

    /// <summary>The network, for <c>IoOptions.Network</c> of the workload's spec.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>This run's knobs (null before round 0).</summary>
    public NetworkFaultRates? Rates { get; private set; }

    /// <summary>Partitions started.</summary>
    public long Partitions { get; private set; }

    /// <summary>Bytes written into streams and read out of them.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc cref="BytesWritten"/>
    public long BytesRead { get; private set; }

    public void Attach(TinaRuntime runtime, TraceRecorder trace) => _trace = trace;

    public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
    {
        if (Rates is null)
        {
            Rates = NetworkFaultRates.Draw(ref random);
            _random.Seed(random.NextUInt64());
            Apply(Rates, _faultsOn);
            _trace?.Record(TraceEventKind.Component, -1, 0, (ulong)Rates.DropPpm, (ulong)Rates.MaxDelayNanoseconds);
        }

        if (_faultsOn && _partitionable.Length > 0)
        {
            if (!_partitioned && random.Chance(Rates.PartitionPpm))
            {
                (IoAddress address, int port) = _partitionable[random.NextBelow((uint)_partitionable.Length)];
                Network.Partition(address, port);
                _partitioned = true;
                Partitions++;
                _trace?.Record(TraceEventKind.Component, -1, 1, (ulong)port, 0);
            }
            else if (_partitioned && random.Chance(Rates.HealPpm))
            {
                Network.HealAll();
                _partitioned = false;
                _trace?.Record(TraceEventKind.Component, -1, 2, 0, 0);
            }
        }

        Network.Advance(nowNanoseconds);
    }

    public bool HasPendingWork(long nowNanoseconds) => Network.NextEventTime <= nowNanoseconds;

    public long NextEventNanoseconds(long nowNanoseconds) => Network.NextEventTime;

    public void OnFaultsOff()
    {
        _faultsOn = false;
        Network.HealAll();
        _partitioned = false;
        if (Rates is not null)
        {
            Apply(Rates, faults: false);
        }
    }

    public virtual bool Check(bool final, out string? violation)
    {
        if (_violation is not null)
        {
            violation = _violation;
            return false;
        }

        if (final)
        {
            int live = Network.LiveSockets;
            int listeners = Network.ListenerCount;
            if (live != listeners)
            {
                violation = Format($"socket leak: {live} sockets open at the end, {listeners} of them listeners");
                return false;
            }

            if (_streams.Count != 0)
            {
                violation = Format($"{_streams.Count} streams still in the ledger at the end, though every connection closed");
                return false;
            }
        }

        violation = null;
        return true;
    }

    // ---- ISimulatedNetworkObserver: called inside shard ticks (under the network's lock) ----

    public void OnWritten(uint receiver, long position, ReadOnlySpan<byte> data)
    {
        if (!_streams.TryGetValue(receiver, out StreamLedger? ledger))
        {
            ledger = _spare.Count > 0 ? _spare.Pop() : new StreamLedger();
            ledger.Reset();
            _streams.Add(receiver, ledger);
        }

        if (position != ledger.Written)
        {
            Fail(Format($"stream {receiver}: a write at offset {position}, but {ledger.Written} bytes were written before"));
            return;
        }

        ledger.Append(data);
        BytesWritten += data.Length;
        _trace?.Record(TraceEventKind.Component, -1, receiver, 3 | ((ulong)data.Length << 8), (ulong)position);
    }

    public void OnRead(uint receiver, long position, ReadOnlySpan<byte> data)
    {
        OnReadCore(receiver, position, data);
    }

    public void OnReleased(uint socket)
    {
        if (_streams.Remove(socket, out StreamLedger? ledger))
        {
            _spare.Push(ledger);
        }
    }

    /// <summary>Checks one read against the ledger. Virtual so a planted bug can corrupt what it sees.</summary>
    protected virtual void OnReadCore(uint receiver, long position, ReadOnlySpan<byte> data)
    {
        BytesRead += data.Length;
        _trace?.Record(TraceEventKind.Component, -1, receiver, 4 | ((ulong)data.Length << 8), (ulong)position);
        if (!_streams.TryGetValue(receiver, out StreamLedger? ledger) || position + data.Length > ledger.Written)
        {
            Fail(Format($"stream {receiver}: {data.Length} bytes read at offset {position}, but only {ledger?.Written ?? 0} were ever sent"));
            return;
        }

        if (position != ledger.Read)
        {
            Fail(Format($"stream {receiver}: a read at offset {position}, but the reader was at {ledger.Read} (out of order)"));
            return;
        }

        ReadOnlySpan<byte> sent = ledger.Slice(position, data.Length);
        int mismatch = sent.CommonPrefixLength(data);
        if (mismatch != data.Length)
        {
            Fail(Format($"stream {receiver}: byte at offset {position + mismatch} read as 0x{data[mismatch]:x2}, sent as 0x{sent[mismatch]:x2}"));
            return;
        }

        ledger.Read = position + data.Length;
    }

    private void Fail(string detail)
    {
        _violation ??= Rates is null ? detail : detail + " (network " + Rates + ")";
    }

    private void Apply(NetworkFaultRates rates, bool faults)
    {
        SimulatedNetworkOptions options = Network.Options;
        options.MinDelayNanoseconds = rates.MinDelayNanoseconds;
        options.MaxDelayNanoseconds = rates.MaxDelayNanoseconds;
        options.RetransmitNanoseconds = rates.RetransmitNanoseconds;
        options.ReorderNanoseconds = rates.ReorderNanoseconds;
        options.DropPerMillion = faults ? rates.DropPpm : 0;
        options.ReorderPerMillion = faults ? rates.ReorderPpm : 0;
        options.ResetPerMillion = faults ? rates.ResetPpm : 0;
        options.ErrorPerMillion = faults ? rates.ErrorPpm : 0;
        options.AcceptEmfilePerMillion = faults ? rates.AcceptEmfilePpm : 0;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every byte written to one stream, in order, and how far its reader got.</summary>
    private sealed class StreamLedger
    {
        private byte[] _bytes = new byte[4096];

        public long Written { get; private set; }

        public long Read { get; set; }

        public void Reset()
        {
            Written = 0;
            Read = 0;
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            if (Written + data.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, (int)Math.Max(_bytes.Length * 2L, Written + data.Length));
            }

            data.CopyTo(_bytes.AsSpan((int)Written));
            Written += data.Length;
        }

        public ReadOnlySpan<byte> Slice(long position, int length) => _bytes.AsSpan((int)position, length);
    }

    /// <summary>The network's generator: xoshiro256** seeded from the component's stream at round 0.</summary>
    private sealed class StreamRandom : INetworkRandom
    {
        private Xoshiro256StarStar _state = new(0);

        public void Seed(ulong seed) => _state = new Xoshiro256StarStar(seed);

        public ulong NextUInt64() => _state.NextUInt64();
    }
}
