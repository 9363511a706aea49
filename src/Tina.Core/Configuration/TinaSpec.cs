using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Time;

namespace Tina;

/// <summary>
/// The boot spec: shards, isolate types and every capacity. Everything a runtime will ever use is sized from it at
/// boot; <see cref="Validate"/> (run by <see cref="TinaRuntime.Create"/>) rejects an invalid field with a
/// <see cref="TinaConfigurationException"/> naming the field, its value and the allowed range, before any thread
/// starts.
/// </summary>
public sealed class TinaSpec
{
    /// <summary>Largest <see cref="ShardCount"/>.</summary>
    public const int ShardCountMax = Handle.ShardMax + 1;

    private readonly List<IsolateTypeSpec> _isolates = new();

    /// <summary>Shards (one OS thread each), 1..255. Default: the processor count (at most 255).</summary>
    public int ShardCount { get; set; } = Math.Min(Environment.ProcessorCount, ShardCountMax);

    /// <summary>
    /// CPU for each shard, or -1 to leave that shard unpinned. Null maps shard <c>i</c> to the <c>i</c>-th CPU
    /// this process may run on (its affinity mask), wrapping when there are more shards than allowed CPUs. Length must equal <see cref="ShardCount"/>; each CPU must be one this process may
    /// run on.
    /// </summary>
    public IReadOnlyList<int>? CoreMap { get; set; }

    /// <summary>Pin shard threads to their CPUs. Default true; turn off on shared hosts and in CI.</summary>
    public bool PinThreads { get; set; } = true;

    /// <summary>Message envelopes per shard (power of two, 64..16,777,216). Default 4,096. 1 % (at least 1) is a system reserve.</summary>
    public int MessagePoolCapacity { get; set; } = 4096;

    /// <summary>Envelopes per cross-shard ring, one ring per ordered shard pair (power of two, 16..1,048,576). Default 1,024.</summary>
    public int RingCapacity { get; set; } = 1024;

    /// <summary>Messages from outside the runtime queued per shard (power of two, 16..1,048,576). Default 1,024.</summary>
    public int ExternalInboxCapacity { get; set; } = 1024;

    /// <summary>
    /// Calls from outside the runtime (<see cref="TinaRuntime.CallAsync{TRequest}"/>) in flight at once, across the
    /// runtime (0..65,536). Default 256. More are refused at once with <see cref="CallStatus.OutsideCallsFull"/>.
    /// </summary>
    public int OutsideCallCapacity { get; set; } = 256;

    /// <summary>Timers per shard, call timeouts included (1..16,777,216). Default 4,096.</summary>
    public int TimerCapacity { get; set; } = 4096;

    /// <summary>Timer wheel spokes (power of two, 16..1,048,576). Default 1,024.</summary>
    public int TimerSpokeCount { get; set; } = 1024;

    /// <summary>Timer granularity (100 µs..1 s). Default 1 ms. Timers and call timeouts round up to it.</summary>
    public TimeSpan TimerResolution { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Handler invocations per budget-weight unit per tick (1..65,536). Default 256.</summary>
    public int DispatchQuantum { get; set; } = 256;

    /// <summary>
    /// Empty ticks a shard polls before it parks (0..100,000,000). Default 2,000 (a few hundred microseconds).
    /// 0 parks at once: right for CI and shared hosts. Parking costs a wake-up (tens to hundreds of µs on a VM).
    /// </summary>
    public int IdlePollTicks { get; set; } = 2000;

    /// <summary>Log records buffered per shard per tick (power of two, 16..1,048,576). Default 1,024.</summary>
    public int LogCapacity { get; set; } = 1024;

    /// <summary>Least severe level written. Default Information.</summary>
    public TinaLogLevel MinimumLogLevel { get; set; } = TinaLogLevel.Information;

    /// <summary>Where log records go. Default: standard error.</summary>
    public ITinaLogSink LogSink { get; set; } = ConsoleLogSink.Instance;

    /// <summary>Shard buffers for payloads larger than a message (0..1,048,576 per shard). Default 64.</summary>
    public int BufferCount { get; set; } = 64;

    /// <summary>Bytes per shard buffer (power of two, 64..16,777,216). Default 4,096.</summary>
    public int BufferSize { get; set; } = 4096;

    /// <summary>
    /// The supervision tree every shard starts with (and rebuilds from), or null for none. Its static children start
    /// in order when the runtime starts; isolates spawned outside the tree are unsupervised.
    /// </summary>
    public SupervisorSpec? Supervision { get; set; }

    /// <summary>Shard rebuilds allowed within <see cref="ShardRebuildWindow"/> before the shard is quarantined (0..1,000). Default 3.</summary>
    public int ShardRebuildMax { get; set; } = 3;

    /// <summary>The shard rebuild window (1 ms..1 day). Default 30 s.</summary>
    public TimeSpan ShardRebuildWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Watches per shard (0..1,048,576). Default 1,024.</summary>
    public int WatchCapacity { get; set; } = 1024;

    /// <summary>How long a cancelled isolate may drain before it is torn down (1 ms..1 hour). Default 1 s.</summary>
    public TimeSpan CancelDrainBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the watchdog checks shard heartbeats (zero turns it off; else 10 ms..1 min). Default 500 ms.</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A running shard whose heartbeat has not advanced for this long is stalled (10 ms..1 hour). Default 2 s.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The registered isolate types, in type-index order.</summary>
    public IReadOnlyList<IsolateTypeSpec> Isolates => _isolates;

    internal IMonotonicClock Clock { get; set; } = SystemMonotonicClock.Instance;

    /// <summary>Creates each shard's reactor on the shard's thread (Tina.Io sets it); null = no I/O.</summary>
    internal System.Func<Shard, IShardReactor>? ReactorFactory { get; set; }

    /// <summary>Describes the configured I/O backend for logs; set with <see cref="ReactorFactory"/>.</summary>
    internal string? ReactorDescription { get; set; }

    /// <summary>
    /// The reactor seam: <paramref name="factory"/> builds each shard's reactor on that shard's thread, on its first
    /// tick, from the shard's <see cref="Tina.Advanced.ReactorHost"/>. For I/O layers such as Tina.Io
    /// (<c>UseIo</c>), not application code. <paramref name="description"/> names the backend in the start log.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public TinaSpec UseReactor(Func<Tina.Advanced.ReactorHost, IShardReactor> factory, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ReactorFactory = shard => factory(shard.ReactorHost);
        ReactorDescription = description;
        return this;
    }

    /// <summary>Registers an isolate type; its index in <see cref="Isolates"/> is its type index in handles.</summary>
    /// <typeparam name="T">The isolate type.</typeparam>
    /// <param name="slots">Isolates of this type per shard.</param>
    /// <param name="mailboxCapacity">Queued user messages per isolate.</param>
    /// <param name="budgetWeight">Share of the per-tick dispatch budget.</param>
    /// <returns>The type's spec, for further settings.</returns>
    public IsolateTypeSpec AddIsolate<T>(int slots = 64, int mailboxCapacity = 64, int budgetWeight = 1)
        where T : IIsolate, new()
    {
        return Register(typeof(T), static (index, s) => new IsolateTable<T>(index, s, static () => new T()), slots, mailboxCapacity, budgetWeight);
    }

    /// <summary>
    /// Registers an isolate type whose instances <paramref name="factory"/> creates (for example with services from a
    /// container) instead of <c>new T()</c>. The factory runs on the shard's thread once per spawn and per restart,
    /// never per message; it must not block. If it throws or returns null, that spawn fails with
    /// <see cref="SpawnStatus.ConstructorFailed"/> like a throwing constructor.
    /// </summary>
    /// <typeparam name="T">The isolate type.</typeparam>
    /// <param name="factory">Creates one instance.</param>
    /// <param name="slots">Isolates of this type per shard.</param>
    /// <param name="mailboxCapacity">Queued user messages per isolate.</param>
    /// <param name="budgetWeight">Share of the per-tick dispatch budget.</param>
    /// <returns>The type's spec, for further settings.</returns>
    public IsolateTypeSpec AddIsolate<T>(Func<T> factory, int slots = 64, int mailboxCapacity = 64, int budgetWeight = 1)
        where T : IIsolate
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(typeof(T), (index, s) => new IsolateTable<T>(index, s, factory), slots, mailboxCapacity, budgetWeight);
    }

    private IsolateTypeSpec Register(Type type, Func<int, IsolateTypeSpec, IsolateTable> table, int slots, int mailboxCapacity, int budgetWeight)
    {
        var spec = new IsolateTypeSpec(type, table)
        {
            Slots = slots,
            MailboxCapacity = mailboxCapacity,
            BudgetWeight = budgetWeight,
        };
        _isolates.Add(spec);
        return spec;
    }

    /// <summary>Checks every field; throws <see cref="TinaConfigurationException"/> for the first invalid one.</summary>
    public void Validate()
    {
        Range(nameof(ShardCount), ShardCount, 1, ShardCountMax);
        ValidateCoreMap();
        PowerOfTwo(nameof(MessagePoolCapacity), MessagePoolCapacity, 64, 1 << 24);
        PowerOfTwo(nameof(RingCapacity), RingCapacity, 16, 1 << 20);
        PowerOfTwo(nameof(ExternalInboxCapacity), ExternalInboxCapacity, 16, 1 << 20);
        Range(nameof(OutsideCallCapacity), OutsideCallCapacity, 0, 65536);
        Range(nameof(TimerCapacity), TimerCapacity, 1, 1 << 24);
        PowerOfTwo(nameof(TimerSpokeCount), TimerSpokeCount, 16, 1 << 20);
        if (TimerResolution < TimeSpan.FromTicks(1000) || TimerResolution > TimeSpan.FromSeconds(1))
        {
            throw new TinaConfigurationException(
                nameof(TimerResolution), TimerResolution.ToString("c", CultureInfo.InvariantCulture), "must be 100 µs..1 s");
        }

        Range(nameof(DispatchQuantum), DispatchQuantum, 1, 65536);
        Range(nameof(IdlePollTicks), IdlePollTicks, 0, 100_000_000);
        PowerOfTwo(nameof(LogCapacity), LogCapacity, 16, 1 << 20);
        if (MinimumLogLevel > TinaLogLevel.None)
        {
            throw new TinaConfigurationException(nameof(MinimumLogLevel), MinimumLogLevel.ToString(), "must be Trace..None");
        }

        if (LogSink is null)
        {
            throw new TinaConfigurationException(nameof(LogSink), "null", "must be a sink");
        }

        Range(nameof(BufferCount), BufferCount, 0, 1 << 20);
        PowerOfTwo(nameof(BufferSize), BufferSize, 64, 1 << 24);
        Product($"{nameof(BufferCount)} × {nameof(BufferSize)}", BufferCount, BufferSize, null, "bytes");
        ValidateIsolates();
        Range(nameof(ShardRebuildMax), ShardRebuildMax, 0, 1000);
        Duration(nameof(ShardRebuildWindow), ShardRebuildWindow, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        Range(nameof(WatchCapacity), WatchCapacity, 0, 1 << 20);
        Duration(nameof(CancelDrainBudget), CancelDrainBudget, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        if (WatchdogInterval != TimeSpan.Zero)
        {
            Duration(nameof(WatchdogInterval), WatchdogInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        }

        Duration(nameof(StallTimeout), StallTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        if (Supervision is not null)
        {
            var names = new List<string>();
            ValidateSupervisor(Supervision, nameof(Supervision), names);
        }
    }

    private void ValidateSupervisor(SupervisorSpec group, string path, List<string> names)
    {
        if (names.Contains(group.Name))
        {
            throw new TinaConfigurationException($"{path}.Name", group.Name, "must be unique in the supervision tree");
        }

        names.Add(group.Name);
        Range($"{path}.{nameof(SupervisorSpec.MaxRestarts)}", group.MaxRestarts, 0, SupervisorSpec.MaxRestartsMax);
        Duration($"{path}.{nameof(SupervisorSpec.RestartWindow)}", group.RestartWindow, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        Range($"{path}.{nameof(SupervisorSpec.MaxDynamicChildren)}", group.MaxDynamicChildren, 0, IsolateTypeSpec.SlotsMax);
        if (group.MaxDynamicChildren > 0 && group.Strategy != SupervisionStrategy.OneForOne)
        {
            throw new TinaConfigurationException(
                $"{path}.{nameof(SupervisorSpec.MaxDynamicChildren)}", Format(group.MaxDynamicChildren),
                "must be 0 unless the strategy is OneForOne (dynamic children are restarted one for one)");
        }

        for (int i = 0; i < group.Children.Count; i++)
        {
            ChildSpec child = group.Children[i];
            string childPath = $"{path}.Children[{Format(i)}]";
            if (child.Group is not null)
            {
                ValidateSupervisor(child.Group, $"{childPath}.Group", names);
                continue;
            }

            bool registered = false;
            foreach (IsolateTypeSpec type in _isolates)
            {
                registered |= type.IsolateType == child.IsolateType;
            }

            if (!registered)
            {
                throw new TinaConfigurationException(
                    childPath, child.IsolateType!.Name, "must be an isolate type registered with AddIsolate");
            }
        }
    }

    private static void Duration(string field, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            throw new TinaConfigurationException(
                field, value.ToString("c", CultureInfo.InvariantCulture),
                $"must be {min.ToString("c", CultureInfo.InvariantCulture)}..{max.ToString("c", CultureInfo.InvariantCulture)}");
        }
    }

    private void ValidateCoreMap()
    {
        if (CoreMap is null)
        {
            return;
        }

        if (CoreMap.Count != ShardCount)
        {
            throw new TinaConfigurationException(
                $"{nameof(CoreMap)}.Count", Format(CoreMap.Count), $"must equal ShardCount ({Format(ShardCount)})");
        }

        for (int i = 0; i < CoreMap.Count; i++)
        {
            int cpu = CoreMap[i];
            if (cpu == -1)
            {
                continue;
            }

            if (!ThreadAffinity.IsAllowedCpu(cpu))
            {
                throw new TinaConfigurationException(
                    $"{nameof(CoreMap)}[{Format(i)}]", Format(cpu),
                    $"must be -1 (unpinned) or a CPU this process may run on ({ThreadAffinity.DescribeAllowedCpus()})");
            }
        }
    }

    private void ValidateIsolates()
    {
        if (_isolates.Count < 1 || _isolates.Count > Handle.TypeMax + 1)
        {
            throw new TinaConfigurationException(
                $"{nameof(Isolates)}.Count", Format(_isolates.Count), $"must be 1..{Format(Handle.TypeMax + 1)} (register types with AddIsolate<T>)");
        }

        for (int i = 0; i < _isolates.Count; i++)
        {
            IsolateTypeSpec spec = _isolates[i];
            string prefix = $"{nameof(Isolates)}[{Format(i)}]";
            for (int j = 0; j < i; j++)
            {
                if (_isolates[j].IsolateType == spec.IsolateType)
                {
                    throw new TinaConfigurationException(
                        prefix, spec.IsolateType.Name, $"is already registered as Isolates[{Format(j)}]; register each type once");
                }
            }

            Range($"{prefix}.{nameof(IsolateTypeSpec.Slots)}", spec.Slots, 1, IsolateTypeSpec.SlotsMax);
            Range($"{prefix}.{nameof(IsolateTypeSpec.MailboxCapacity)}", spec.MailboxCapacity, 1, IsolateTypeSpec.MailboxCapacityMax);
            Range($"{prefix}.{nameof(IsolateTypeSpec.BudgetWeight)}", spec.BudgetWeight, 1, IsolateTypeSpec.BudgetWeightMax);
            Range($"{prefix}.{nameof(IsolateTypeSpec.MaxOwedReplies)}", spec.MaxOwedReplies, 0, IsolateTypeSpec.MaxOwedRepliesMax);

            // Each range above is fine alone; the per-shard arrays are their products (checked in long arithmetic).
            int ringSize = IsolateTable.MailboxRingSizeFor(spec.MailboxCapacity);
            Product(
                $"{prefix}.{nameof(IsolateTypeSpec.Slots)} × {prefix}.{nameof(IsolateTypeSpec.MailboxCapacity)}",
                spec.Slots, spec.MailboxCapacity, $" (a mailbox ring of {Format(ringSize)} entries per slot)", "entries", ringSize);
            Product(
                $"{prefix}.{nameof(IsolateTypeSpec.Slots)} × {prefix}.{nameof(IsolateTypeSpec.MaxOwedReplies)}",
                spec.Slots, spec.MaxOwedReplies, null, "entries", Math.Max(1, spec.MaxOwedReplies));
        }
    }

    /// <summary>
    /// A per-shard array sized <paramref name="count"/> × <paramref name="perItem"/> (default: <paramref name="right"/>)
    /// must fit one .NET array (<see cref="Array.MaxLength"/> elements); the product is taken in long arithmetic, so
    /// it cannot wrap to a small or zero length as the int product did.
    /// </summary>
    private static void Product(string field, int count, int right, string? detail, string unit, int perItem = -1)
    {
        long product = (long)count * (perItem < 0 ? right : perItem);
        if (product > Array.MaxLength)
        {
            throw new TinaConfigurationException(
                field,
                $"{Format(count)} × {Format(right)}{detail} = {product.ToString(CultureInfo.InvariantCulture)} {unit}",
                $"must be at most {Format(Array.MaxLength)} {unit} per shard (one array); lower one of them");
        }
    }

    private static void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new TinaConfigurationException(field, Format(value), $"must be {Format(min)}..{Format(max)}");
        }
    }

    private static void PowerOfTwo(string field, int value, int min, int max)
    {
        if (value < min || value > max || (value & (value - 1)) != 0)
        {
            throw new TinaConfigurationException(field, Format(value), $"must be a power of two in {Format(min)}..{Format(max)}");
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
