using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Tina.Io;

namespace Tina.Hosting;

/// <summary>
/// The <c>Tina</c> meter: observable instruments over the counters every shard already keeps, tagged
/// <c>tina.shard</c>. Nothing is recorded on the hot path; a collection (dotnet-counters, an OpenTelemetry reader, a
/// MeterListener) reads each shard's counters when it asks. Names and units follow the OpenTelemetry
/// semantic-convention style: dotted lower-case names, UCUM units, <c>{message}</c>-style annotations.
/// </summary>
public sealed class TinaMetrics : IDisposable
{
    /// <summary>The meter's name: <c>AddMeter("Tina")</c> in OpenTelemetry, <c>--counters Tina</c> in dotnet-counters.</summary>
    public const string MeterName = "Tina";

    private static readonly (ShardCounter Counter, string Result)[] s_sends =
    [
        (ShardCounter.MessagesSent, "ok"),
        (ShardCounter.SendMailboxFull, "mailbox_full"),
        (ShardCounter.SendPoolExhausted, "pool_exhausted"),
        (ShardCounter.SendStaleHandle, "stale_handle"),
        (ShardCounter.SendRingFull, "ring_full"),
        (ShardCounter.SendShardUnavailable, "shard_unavailable"),
    ];

    private static readonly (ShardCounter Counter, string Reason)[] s_drops =
    [
        (ShardCounter.InboundMailboxFull, "inbound_mailbox_full"),
        (ShardCounter.InboundPoolExhausted, "inbound_pool_exhausted"),
        (ShardCounter.InboundStaleHandle, "inbound_stale_handle"),
        (ShardCounter.TeardownDrops, "teardown"),
        (ShardCounter.TimersDropped, "timer_no_room"),
        (ShardCounter.QuarantineDrops, "quarantine"),
        (ShardCounter.ExternalInboxFull, "external_inbox_full"),
        (ShardCounter.RepliesLateDropped, "reply_late"),
        (ShardCounter.RepliesRingFull, "reply_ring_full"),
        (ShardCounter.LogDropped, "log_ring_full"),
    ];

    private static readonly (ShardCounter Counter, string Outcome)[] s_calls =
    [
        (ShardCounter.CallsReplied, "replied"),
        (ShardCounter.CallsTimedOut, "timed_out"),
        (ShardCounter.CallsFailedFast, "failed_fast"),
        (ShardCounter.CallsNoReply, "no_reply"),
        (ShardCounter.CallsFailedByCallee, "failed_by_callee"),
        (ShardCounter.CallsAbandoned, "abandoned"),
    ];

    private static readonly (ShardCounter Counter, string Outcome)[] s_exits =
    [
        (ShardCounter.IsolatesExitedOk, "ok"),
        (ShardCounter.IsolatesCrashed, "error"),
        (ShardCounter.IsolatesPanicked, "panicked"),
        (ShardCounter.IsolatesCancelled, "cancelled"),
        (ShardCounter.IsolatesForced, "forced"),
    ];

    private static readonly (IoCounter Counter, string Name, string Unit, string Description)[] s_io =
    [
        (IoCounter.Completions, "tina.io.completions", "{operation}", "I/O completions collected from the backend."),
        (IoCounter.BytesReceived, "tina.io.bytes.received", "By", "Bytes handed to isolates by receives."),
        (IoCounter.BytesSent, "tina.io.bytes.sent", "By", "Bytes written to sockets by sends."),
        (IoCounter.ConnectionsOpened, "tina.io.connections.opened", "{connection}", "Connections accepted or connected."),
        (IoCounter.ConnectionsClosed, "tina.io.connections.closed", "{connection}", "Connections closed."),
        (IoCounter.BuffersExhausted, "tina.io.buffers.exhausted", "{operation}", "Operations refused because the I/O buffer pool was empty."),
        (IoCounter.BufferWaits, "tina.io.buffers.waits", "{operation}", "Receives that waited for an I/O buffer."),
        (IoCounter.TimedOut, "tina.io.timeouts", "{operation}", "I/O operations that timed out."),
        (IoCounter.IdleTimeoutCloses, "tina.io.idle_closes", "{connection}", "Connections closed by the idle timeout."),
        (IoCounter.AcceptsRefusedTableFull, "tina.io.accepts.refused", "{connection}", "Accepted connections refused because the connection table was full."),
    ];

    private readonly TinaRuntime _runtime;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly object[] _shardTags;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a meter of its own).</summary>
    public TinaMetrics(TinaRuntime runtime, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _shardTags = new object[runtime.ShardCount];
        for (int i = 0; i < _shardTags.Length; i++)
        {
            _shardTags[i] = i;
        }

        Counter("tina.messages.dispatched", "{message}", "Messages handed to a handler.", ShardCounter.MessagesHandled);
        Counter("tina.messages.received_remote", "{message}", "Messages taken from other shards' rings or the external inbox into a mailbox.", ShardCounter.MessagesReceivedRemote);
        Tagged("tina.messages.sent", "{message}", "Sends by result (ok or the refusal the sender was told).", "tina.send.result", s_sends);
        Tagged("tina.messages.dropped", "{message}", "Messages dropped, by reason (each also told to its sender or counted where the contract says).", "tina.drop.reason", s_drops);
        Counter("tina.calls.started", "{call}", "Calls started.", ShardCounter.CallsStarted);
        Tagged("tina.calls.ended", "{call}", "Calls ended, by outcome.", "tina.call.outcome", s_calls);
        Counter("tina.isolates.spawned", "{isolate}", "Isolates spawned.", ShardCounter.IsolatesSpawned);
        Tagged("tina.isolates.exited", "{isolate}", "Isolate exits, by outcome.", "tina.exit.outcome", s_exits);
        Counter("tina.supervision.restarts", "{restart}", "Restarts performed by supervisors.", ShardCounter.SupervisorRestarts);
        Counter("tina.supervision.escalations", "{escalation}", "Supervisors that exhausted their restart budget.", ShardCounter.SupervisorEscalations);
        Counter("tina.shard.rebuilds", "{rebuild}", "Shard rebuilds after the root supervisor escalated.", ShardCounter.ShardRebuilds);
        Counter("tina.shard.quarantines", "{quarantine}", "Shards quarantined after too many rebuilds.", ShardCounter.ShardQuarantines);
        Counter("tina.shard.ticks", "{tick}", "Scheduler ticks run.", ShardCounter.Ticks);
        Counter("tina.shard.working_ticks", "{tick}", "Ticks that did work.", ShardCounter.WorkingTicks);
        _meter.CreateObservableCounter(
            "tina.shard.busy_time", () => PerShard(shard => _runtime.GetStats(shard)[ShardCounter.BusyNanoseconds] / 1e9), "s",
            "Time spent in ticks that did work; divided by tina.shard.working_ticks, the mean tick duration.");
        _meter.CreateObservableGauge(
            "tina.mailbox.high_water", () => PerShard(shard => _runtime.GetStats(shard)[ShardCounter.MailboxHighWater]), "{message}",
            "The most user messages one mailbox on the shard has held at once.");
        Counter("tina.shard.parks", "{park}", "Times a shard parked after its idle poll budget.", ShardCounter.Parks);
        Counter("tina.timers.fired", "{timer}", "User timers fired.", ShardCounter.TimersFired);
        Counter("tina.buffers.rented", "{buffer}", "Shard buffers rented.", ShardCounter.BuffersRented);
        Counter("tina.buffers.exhausted", "{rent}", "Buffer rents refused because the pool was empty.", ShardCounter.BuffersExhausted);
        foreach ((IoCounter counter, string name, string unit, string description) in s_io)
        {
            _meter.CreateObservableCounter(name, () => PerShard(shard => _runtime.GetIoStats(shard)[counter]), unit, description);
        }

        _meter.CreateObservableGauge("tina.io.connections.live", () => PerShard(shard => _runtime.GetIoStats(shard).LiveConnections), "{connection}", "Connections open now.");
        _meter.CreateObservableGauge(
            "tina.shard.health", () => PerShard(shard => (int)_runtime.GetHealth(shard)), "{state}",
            "Shard health: 0 healthy, 1 stalled, 2 quarantined, 3 stopped.");
    }

    /// <summary>The meter the instruments live on.</summary>
    public Meter Meter => _meter;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private void Counter(string name, string unit, string description, ShardCounter counter)
    {
        _meter.CreateObservableCounter(name, () => PerShard(shard => _runtime.GetStats(shard)[counter]), unit, description);
    }

    private void Tagged(string name, string unit, string description, string tag, (ShardCounter Counter, string Value)[] series)
    {
        _meter.CreateObservableCounter(name, () => ObserveSeries(tag, series), unit, description);
    }

    /// <summary>One measurement per shard, tagged with the shard, of what <paramref name="read"/> gives for it.</summary>
    private List<Measurement<T>> PerShard<T>(Func<int, T> read)
        where T : struct
    {
        var measurements = new List<Measurement<T>>(_shardTags.Length);
        for (int shard = 0; shard < _shardTags.Length; shard++)
        {
            measurements.Add(new Measurement<T>(read(shard), new KeyValuePair<string, object?>("tina.shard", _shardTags[shard])));
        }

        return measurements;
    }

    private List<Measurement<long>> ObserveSeries(string tag, (ShardCounter Counter, string Value)[] series)
    {
        var measurements = new List<Measurement<long>>(_shardTags.Length * series.Length);
        for (int shard = 0; shard < _shardTags.Length; shard++)
        {
            ShardStats stats = _runtime.GetStats(shard);
            foreach ((ShardCounter counter, string value) in series)
            {
                measurements.Add(new Measurement<long>(
                    stats[counter],
                    new KeyValuePair<string, object?>("tina.shard", _shardTags[shard]),
                    new KeyValuePair<string, object?>(tag, value)));
            }
        }

        return measurements;
    }
}
