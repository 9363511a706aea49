using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// The simulator's <see cref="IFaultInjector"/>: every decision comes from the fault class's own PRNG stream, at the
/// run's drawn <see cref="FaultRates"/>, only for the types the workload lets it hit. Injected faults look exactly
/// like the real conditions and are counted the same way by the runtime. Partitions are pairwise and symmetric; each
/// round may start one and heal any. <see cref="Disable"/> ends the fault phase: no more faults, all pairs healed.
/// </summary>
internal sealed class FaultPlan : IFaultInjector
{
    private readonly FaultRates _rates;
    private readonly FaultTargets _targets;
    private readonly TraceRecorder _trace;
    private readonly bool[] _partitioned;          // [from * shards + to], kept symmetric
    private readonly long[] _hits = new long[(int)FaultClass.PartitionHealed + 1];
    private readonly int _shardCount;
    private Xoshiro256StarStar _handler;
    private Xoshiro256StarStar _spawn;
    private Xoshiro256StarStar _ring;
    private Xoshiro256StarStar _partition;
    private Xoshiro256StarStar _mailbox;
    private int _partitionCount;                   // partitioned pairs (each counted once)

    public FaultPlan(ulong seed, FaultRates rates, FaultTargets targets, int shardCount, TraceRecorder trace)
    {
        _rates = rates;
        _targets = targets;
        _trace = trace;
        _shardCount = shardCount;
        _partitioned = new bool[shardCount * shardCount];
        _handler = SeedTree.Open(seed, SimulationStream.FaultHandler);
        _spawn = SeedTree.Open(seed, SimulationStream.FaultSpawn);
        _ring = SeedTree.Open(seed, SimulationStream.FaultRing);
        _partition = SeedTree.Open(seed, SimulationStream.FaultPartition);
        _mailbox = SeedTree.Open(seed, SimulationStream.FaultMailbox);
        Enabled = true;
    }

    /// <summary>False once the fault phase is over.</summary>
    public bool Enabled { get; private set; }

    /// <summary>
    /// The runtime, set by the simulator once it exists, so a mailbox refusal is injected only where the real
    /// condition could hold: a mailbox that has mail queued (a full mailbox always has, so its owner runs and makes
    /// room). Refusing an inbound delivery to an empty mailbox held the ring for a target with nothing to run, and
    /// the run went quiescent with user envelopes stranded in the ring (callmesh seed 0x128BB9037F59200A, found by
    /// the leak checker).
    /// </summary>
    public TinaRuntime? Runtime { get; set; }

    public FaultRates Rates => _rates;

    /// <summary>Partitioned pairs now.</summary>
    public int PartitionCount => _partitionCount;

    /// <summary>How many faults of a class were injected (coverage: which failure paths this seed reached).</summary>
    public long Hits(FaultClass fault) => _hits[(int)fault];

    /// <summary>Runs the partition engine for one round: maybe partition a new pair, maybe heal each partitioned one.</summary>
    public void BeginRound()
    {
        if (!Enabled || _shardCount < 2)
        {
            return;
        }

        for (int from = 0; from < _shardCount; from++)
        {
            for (int to = from + 1; to < _shardCount; to++)
            {
                if (_partitioned[(from * _shardCount) + to] && _partition.Chance(_rates.HealPpm))
                {
                    SetPartition(from, to, false);
                }
            }
        }

        if (_partition.Chance(_rates.PartitionPpm))
        {
            int a = (int)_partition.NextBelow((uint)_shardCount);
            int b = (int)_partition.NextBelow((uint)_shardCount - 1);
            if (b >= a)
            {
                b++;
            }

            if (!_partitioned[(a * _shardCount) + b])
            {
                SetPartition(a, b, true);
            }
        }
    }

    /// <summary>Ends the fault phase: heals every pair and refuses nothing from now on.</summary>
    public void Disable()
    {
        Enabled = false;
        for (int from = 0; from < _shardCount; from++)
        {
            for (int to = from + 1; to < _shardCount; to++)
            {
                if (_partitioned[(from * _shardCount) + to])
                {
                    SetPartition(from, to, false);
                }
            }
        }
    }

    public bool FailHandler(int shard, Handle isolate)
    {
        if (!Enabled || !_targets.MayCrash(isolate.Type) || !_handler.Chance(_rates.HandlerFaultPpm))
        {
            return false;
        }

        Hit(FaultClass.HandlerException, shard, isolate.Value, 0);
        return true;
    }

    public bool FailSpawn(int shard, int typeIndex)
    {
        if (!Enabled || !_targets.MayFailSpawn(typeIndex) || !_spawn.Chance(_rates.SpawnFailurePpm))
        {
            return false;
        }

        Hit(FaultClass.SpawnFailure, shard, 0, (ulong)typeIndex);
        return true;
    }

    public bool RefuseRing(int fromShard, int toShard)
    {
        if (!Enabled || !_ring.Chance(_rates.RingRefusalPpm))
        {
            return false;
        }

        Hit(FaultClass.RingRefusal, fromShard, 0, (ulong)toShard);
        return true;
    }

    public bool Partitioned(int fromShard, int toShard)
    {
        if (_partitionCount == 0 || !_partitioned[(fromShard * _shardCount) + toShard])
        {
            return false;
        }

        Hit(FaultClass.PartitionRefusal, fromShard, 0, (ulong)toShard);
        return true;
    }

    public bool RefuseMailbox(int shard, Handle target)
    {
        if (!Enabled || !_targets.MayRefuseMailbox(target.Type) || !HasMail(shard, target) || !_mailbox.Chance(_rates.MailboxRefusalPpm))
        {
            return false;
        }

        Hit(FaultClass.MailboxRefusal, shard, target.Value, 0);
        return true;
    }

    private bool HasMail(int shard, Handle target) =>
        Runtime is not { } runtime || runtime.ShardAt(shard).TypeTable(target.Type).Meta[target.Slot].MailboxCount > 0;

    private void SetPartition(int a, int b, bool partitioned)
    {
        _partitioned[(a * _shardCount) + b] = partitioned;
        _partitioned[(b * _shardCount) + a] = partitioned;
        _partitionCount += partitioned ? 1 : -1;
        Hit(partitioned ? FaultClass.PartitionStarted : FaultClass.PartitionHealed, a, 0, (ulong)b);
    }

    private void Hit(FaultClass fault, int shard, ulong handle, ulong other)
    {
        _hits[(int)fault]++;
        _trace.Record(TraceEventKind.Fault, shard, handle, (ulong)fault, other);
    }
}
