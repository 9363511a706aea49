using System;

namespace Tina.Hosting;

/// <summary>
/// The boot-spec fields that come from configuration (the <c>Tina</c> section: appsettings.json, environment
/// variables such as <c>Tina__ShardCount</c>, command-line <c>--Tina:ShardCount</c>). Each field left unset keeps
/// <see cref="TinaSpec"/>'s default. The code passed to <c>AddTina</c> runs after these are applied, so code wins.
/// Isolate types, supervision trees and the log sink are code only.
/// </summary>
public sealed class TinaOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Tina";

    /// <summary><see cref="TinaSpec.ShardCount"/>.</summary>
    public int? ShardCount { get; set; }

    /// <summary><see cref="TinaSpec.PinThreads"/>.</summary>
    public bool? PinThreads { get; set; }

    /// <summary><see cref="TinaSpec.CoreMap"/>.</summary>
    public int[]? CoreMap { get; set; }

    /// <summary><see cref="TinaSpec.MessagePoolCapacity"/>.</summary>
    public int? MessagePoolCapacity { get; set; }

    /// <summary><see cref="TinaSpec.RingCapacity"/>.</summary>
    public int? RingCapacity { get; set; }

    /// <summary><see cref="TinaSpec.ExternalInboxCapacity"/>.</summary>
    public int? ExternalInboxCapacity { get; set; }

    /// <summary><see cref="TinaSpec.TimerCapacity"/>.</summary>
    public int? TimerCapacity { get; set; }

    /// <summary><see cref="TinaSpec.TimerSpokeCount"/>.</summary>
    public int? TimerSpokeCount { get; set; }

    /// <summary><see cref="TinaSpec.TimerResolution"/>.</summary>
    public TimeSpan? TimerResolution { get; set; }

    /// <summary><see cref="TinaSpec.DispatchQuantum"/>.</summary>
    public int? DispatchQuantum { get; set; }

    /// <summary><see cref="TinaSpec.IdlePollTicks"/>.</summary>
    public int? IdlePollTicks { get; set; }

    /// <summary><see cref="TinaSpec.LogCapacity"/>.</summary>
    public int? LogCapacity { get; set; }

    /// <summary>
    /// <see cref="TinaSpec.MinimumLogLevel"/>. Unset: the level the host's logging configuration enables for the
    /// <c>Tina</c> category, so a shard never formats a record the logger would discard.
    /// </summary>
    public TinaLogLevel? MinimumLogLevel { get; set; }

    /// <summary><see cref="TinaSpec.BufferCount"/>.</summary>
    public int? BufferCount { get; set; }

    /// <summary><see cref="TinaSpec.BufferSize"/>.</summary>
    public int? BufferSize { get; set; }

    /// <summary><see cref="TinaSpec.ShardRebuildMax"/>.</summary>
    public int? ShardRebuildMax { get; set; }

    /// <summary><see cref="TinaSpec.ShardRebuildWindow"/>.</summary>
    public TimeSpan? ShardRebuildWindow { get; set; }

    /// <summary><see cref="TinaSpec.WatchCapacity"/>.</summary>
    public int? WatchCapacity { get; set; }

    /// <summary><see cref="TinaSpec.CancelDrainBudget"/>.</summary>
    public TimeSpan? CancelDrainBudget { get; set; }

    /// <summary><see cref="TinaSpec.WatchdogInterval"/>.</summary>
    public TimeSpan? WatchdogInterval { get; set; }

    /// <summary><see cref="TinaSpec.StallTimeout"/>.</summary>
    public TimeSpan? StallTimeout { get; set; }

    /// <summary>
    /// Log records queued per shard between the shard and the background thread that hands them to ILogger (power of
    /// two, 16..1,048,576). Default 4,096. A full queue drops the record and counts it
    /// (<see cref="TinaLogForwarder.Dropped"/>); the shard never waits for the logger.
    /// </summary>
    public int LogForwardCapacity { get; set; } = 4096;

    /// <summary>Copies every field that is set onto <paramref name="spec"/>; with <paramref name="only"/>, that field alone.</summary>
    internal void ApplyTo(TinaSpec spec, string? only = null)
    {
        bool All(string field) => only is null || only == field;
        if (ShardCount is int shards && All(nameof(ShardCount))) { spec.ShardCount = shards; }
        if (PinThreads is bool pin && All(nameof(PinThreads))) { spec.PinThreads = pin; }
        if (CoreMap is int[] map && All(nameof(CoreMap))) { spec.CoreMap = map; }
        if (MessagePoolCapacity is int pool && All(nameof(MessagePoolCapacity))) { spec.MessagePoolCapacity = pool; }
        if (RingCapacity is int ring && All(nameof(RingCapacity))) { spec.RingCapacity = ring; }
        if (ExternalInboxCapacity is int inbox && All(nameof(ExternalInboxCapacity))) { spec.ExternalInboxCapacity = inbox; }
        if (TimerCapacity is int timers && All(nameof(TimerCapacity))) { spec.TimerCapacity = timers; }
        if (TimerSpokeCount is int spokes && All(nameof(TimerSpokeCount))) { spec.TimerSpokeCount = spokes; }
        if (TimerResolution is TimeSpan resolution && All(nameof(TimerResolution))) { spec.TimerResolution = resolution; }
        if (DispatchQuantum is int quantum && All(nameof(DispatchQuantum))) { spec.DispatchQuantum = quantum; }
        if (IdlePollTicks is int idle && All(nameof(IdlePollTicks))) { spec.IdlePollTicks = idle; }
        if (LogCapacity is int log && All(nameof(LogCapacity))) { spec.LogCapacity = log; }
        if (MinimumLogLevel is TinaLogLevel level && All(nameof(MinimumLogLevel))) { spec.MinimumLogLevel = level; }
        if (BufferCount is int buffers && All(nameof(BufferCount))) { spec.BufferCount = buffers; }
        if (BufferSize is int bufferSize && All(nameof(BufferSize))) { spec.BufferSize = bufferSize; }
        if (ShardRebuildMax is int rebuilds && All(nameof(ShardRebuildMax))) { spec.ShardRebuildMax = rebuilds; }
        if (ShardRebuildWindow is TimeSpan rebuildWindow && All(nameof(ShardRebuildWindow))) { spec.ShardRebuildWindow = rebuildWindow; }
        if (WatchCapacity is int watches && All(nameof(WatchCapacity))) { spec.WatchCapacity = watches; }
        if (CancelDrainBudget is TimeSpan drain && All(nameof(CancelDrainBudget))) { spec.CancelDrainBudget = drain; }
        if (WatchdogInterval is TimeSpan watchdog && All(nameof(WatchdogInterval))) { spec.WatchdogInterval = watchdog; }
        if (StallTimeout is TimeSpan stall && All(nameof(StallTimeout))) { spec.StallTimeout = stall; }
    }

    /// <summary>The names of the spec fields this instance sets, in declaration order.</summary>
    internal string[] SetFields()
    {
        var fields = new System.Collections.Generic.List<string>();
        void Add(bool set, string field)
        {
            if (set)
            {
                fields.Add(field);
            }
        }

        Add(ShardCount.HasValue, nameof(ShardCount));
        Add(PinThreads.HasValue, nameof(PinThreads));
        Add(CoreMap is not null, nameof(CoreMap));
        Add(MessagePoolCapacity.HasValue, nameof(MessagePoolCapacity));
        Add(RingCapacity.HasValue, nameof(RingCapacity));
        Add(ExternalInboxCapacity.HasValue, nameof(ExternalInboxCapacity));
        Add(TimerCapacity.HasValue, nameof(TimerCapacity));
        Add(TimerSpokeCount.HasValue, nameof(TimerSpokeCount));
        Add(TimerResolution.HasValue, nameof(TimerResolution));
        Add(DispatchQuantum.HasValue, nameof(DispatchQuantum));
        Add(IdlePollTicks.HasValue, nameof(IdlePollTicks));
        Add(LogCapacity.HasValue, nameof(LogCapacity));
        Add(MinimumLogLevel.HasValue, nameof(MinimumLogLevel));
        Add(BufferCount.HasValue, nameof(BufferCount));
        Add(BufferSize.HasValue, nameof(BufferSize));
        Add(ShardRebuildMax.HasValue, nameof(ShardRebuildMax));
        Add(ShardRebuildWindow.HasValue, nameof(ShardRebuildWindow));
        Add(WatchCapacity.HasValue, nameof(WatchCapacity));
        Add(CancelDrainBudget.HasValue, nameof(CancelDrainBudget));
        Add(WatchdogInterval.HasValue, nameof(WatchdogInterval));
        Add(StallTimeout.HasValue, nameof(StallTimeout));
        return fields.ToArray();
    }
}
