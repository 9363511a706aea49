using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Supervision;

namespace Tina.Tests.Supervision.Components;

/// <summary><see cref="WatchRegistry"/> through its own API, with a scripted host standing in for shard 0.</summary>
public sealed class WatchRegistryTests
{
    /// <summary>Shard 0 with four isolate slots (type 0); remote handles are on shard 1.</summary>
    private sealed class Host : IWatchHost
    {
        private readonly int[] _watchHeads = { -1, -1, -1, -1 };
        private readonly int[] _watchingHeads = { -1, -1, -1, -1 };

        public bool[] Live { get; } = { true, true, true, true };

        /// <summary>Per slot: whether a system delivery finds room.</summary>
        public bool[] Room { get; } = { true, true, true, true };

        public HashSet<Handle> ExitedRemotes { get; } = new();

        /// <summary>Delivered envelopes, in order: (watcher slot, Down).</summary>
        public List<(int Slot, Down Down)> Delivered { get; } = new();

        public List<(int Shard, Handle Watcher, Down Down, uint Auxiliary)> Remote { get; } = new();

        public List<int> Acks { get; } = new();

        private Message _remoteSlot;

        public int ShardId => 0;

        public static Handle Local(int slot) => Handle.Pack(0, 0, slot, 1);

        public static Handle Remote1(int slot) => Handle.Pack(1, 0, slot, 1);

        public ref int WatchHeadOf(Handle target) => ref IsLive(target) ? ref _watchHeads[target.Slot] : ref Unsafe.NullRef<int>();

        public ref int WatchingHeadOf(Handle watcher) =>
            ref watcher.Shard == 0 && IsLive(watcher) ? ref _watchingHeads[watcher.Slot] : ref Unsafe.NullRef<int>();

        public bool HasWatcherDefinitelyExited(Handle watcher) => ExitedRemotes.Contains(watcher);

        public SendResult DeliverSystem(ref Message envelope)
        {
            if (!IsLive(envelope.TargetHandle))
            {
                return SendResult.StaleHandle;
            }

            if (!Room[envelope.TargetHandle.Slot])
            {
                return SendResult.MailboxFull;
            }

            Delivered.Add((envelope.TargetHandle.Slot, envelope.As<Down>()));
            return SendResult.Ok;
        }

        public bool IsLiveHere(Handle target) => IsLive(target);

        public bool CanDeliverSystemOrGone(Handle target) => !IsLive(target) || Room[target.Slot];

        public ref Message ClaimSystem(int shard)
        {
            _remoteSlot = default;
            _pendingRemoteShard = shard;
            return ref _remoteSlot;
        }

        public void AckRequest(int requester) => Acks.Add(requester);

        private int _pendingRemoteShard = -1;

        /// <summary>Moves the last claimed system slot into <see cref="Remote"/> (the fake lane).</summary>
        public void CollectRemote()
        {
            if (_pendingRemoteShard >= 0)
            {
                Remote.Add((_pendingRemoteShard, _remoteSlot.TargetHandle, _remoteSlot.As<Down>(), _remoteSlot.Auxiliary));
                _pendingRemoteShard = -1;
            }
        }

        /// <summary>Exits slot <paramref name="slot"/> the way the shard does: fire its watchers, reclaim its watching.</summary>
        public void Exit(WatchRegistry registry, int slot, ExitOutcome outcome)
        {
            registry.NotifyWatchers(ref _watchHeads[slot], Local(slot), outcome, 7);
            registry.ReclaimWatching(ref _watchingHeads[slot]);
            Live[slot] = false;
        }

        private bool IsLive(Handle handle) => handle.Shard == 0 && (uint)handle.Slot < 4 && Live[handle.Slot];
    }

    private static (WatchRegistry Registry, Host Host, ShardCounters Counters) Create(int capacity = 4)
    {
        var host = new Host();
        var counters = new ShardCounters();
        return (new WatchRegistry(host, capacity, counters), host, counters);
    }

    [Test]
    public void An_exit_fires_one_Down_per_watch_and_frees_the_entries()
    {
        var (registry, host, counters) = Create();
        Assert.That(registry.Add(Host.Local(0), Host.Local(1)), Is.True);
        Assert.That(registry.Add(Host.Local(0), Host.Local(2)), Is.True);
        Assert.That(registry.InUse, Is.EqualTo(2));

        host.Exit(registry, 0, ExitOutcome.Error);

        Assert.That(host.Delivered, Has.Count.EqualTo(2));
        Assert.That(host.Delivered.ConvertAll(d => d.Slot), Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(host.Delivered[0].Down, Is.EqualTo(new Down(Host.Local(0), ExitOutcome.Error, 7, WasStale: false)));
        Assert.That(registry.InUse, Is.Zero);
        Assert.That(counters.Read(ShardCounter.DownsSent), Is.EqualTo(2));
    }

    [Test]
    public void A_stale_target_answers_Down_at_once_and_a_self_watch_is_refused()
    {
        var (registry, host, _) = Create();
        host.Live[3] = false;
        Assert.That(registry.Add(Host.Local(3), Host.Local(1)), Is.True);
        Assert.That(host.Delivered, Is.EqualTo(new[] { (1, new Down(Host.Local(3), ExitOutcome.Cancelled, 0, WasStale: true)) }));
        Assert.That(registry.Add(Host.Local(1), Host.Local(1)), Is.False);
        Assert.That(registry.InUse, Is.Zero);
    }

    [Test]
    public void A_local_watchers_exit_frees_what_it_watches_without_a_Down()
    {
        var (registry, host, _) = Create();
        registry.Add(Host.Local(0), Host.Local(1));
        registry.Add(Host.Local(2), Host.Local(1));
        registry.Add(Host.Local(2), Host.Local(3));

        host.Exit(registry, 1, ExitOutcome.Ok);

        Assert.That(registry.InUse, Is.EqualTo(1), "only slot 3's watch on slot 2 is left");
        Assert.That(host.Delivered, Is.Empty);
    }

    [Test]
    public void Unwatch_removes_every_watch_of_that_watcher_on_that_target_only()
    {
        var (registry, _, _) = Create();
        registry.Add(Host.Local(0), Host.Local(1));
        registry.Add(Host.Local(0), Host.Local(1));
        registry.Add(Host.Local(0), Host.Local(2));
        Assert.That(registry.RemoveLocal(Host.Local(0), Host.Local(1)), Is.True);
        Assert.That(registry.InUse, Is.EqualTo(1));
        Assert.That(registry.RemoveLocal(Host.Local(0), Host.Local(1)), Is.False, "nothing left to remove");
    }

    [Test]
    public void A_full_table_sweeps_dead_remote_watchers_before_refusing()
    {
        var (registry, host, counters) = Create(capacity: 2);
        Assert.That(registry.Add(Host.Local(0), Host.Remote1(0), requester: 1), Is.True);
        Assert.That(registry.Add(Host.Local(0), Host.Remote1(1), requester: 1), Is.True);
        Assert.That(host.Acks, Is.EqualTo(new[] { 1, 1 }), "each request is answered by one ack");

        Assert.That(registry.Add(Host.Local(0), Host.Local(1)), Is.False, "full, and no remote watcher is dead");
        Assert.That(counters.Read(ShardCounter.WatchesExhausted), Is.EqualTo(1));

        host.ExitedRemotes.Add(Host.Remote1(0));
        Assert.That(registry.Add(Host.Local(0), Host.Local(1)), Is.True, "the dead remote watcher's entry was swept");
        Assert.That(registry.InUse, Is.EqualTo(2));
    }

    [Test]
    public void A_refused_remote_watch_gets_a_Refused_Down_that_answers_its_request()
    {
        var (registry, host, _) = Create(capacity: 1);
        registry.Add(Host.Local(0), Host.Local(1));

        Assert.That(registry.Add(Host.Local(0), Host.Remote1(2), requester: 1), Is.False);
        host.CollectRemote();

        Assert.That(host.Remote, Has.Count.EqualTo(1));
        Assert.That(host.Remote[0].Watcher, Is.EqualTo(Host.Remote1(2)));
        Assert.That(host.Remote[0].Down.Refused, Is.True);
        Assert.That(host.Remote[0].Auxiliary, Is.EqualTo(1u), "it answers the request: the credit comes back");
        Assert.That(host.Acks, Is.Empty, "answered by the Down, not also by an ack");
    }

    [Test]
    public void Downs_wait_for_room_and_leave_in_the_order_they_were_sent()
    {
        var (registry, host, counters) = Create();
        registry.Add(Host.Local(0), Host.Local(3));
        registry.Add(Host.Local(1), Host.Local(3));
        host.Room[3] = false;

        host.Exit(registry, 0, ExitOutcome.Ok);
        host.Exit(registry, 1, ExitOutcome.Error);
        Assert.That(registry.PendingDownCount, Is.EqualTo(2));
        Assert.That(counters.Read(ShardCounter.DownsQueued), Is.EqualTo(2));
        Assert.That(registry.AnyPendingDownDeliverable(), Is.False, "no room yet: parking is fine");
        registry.DeliverPendingDowns();
        Assert.That(registry.PendingDownCount, Is.EqualTo(2), "still no room: both stay");

        host.Room[3] = true;
        Assert.That(registry.AnyPendingDownDeliverable(), Is.True);
        registry.DeliverPendingDowns();
        Assert.That(registry.PendingDownCount, Is.Zero);
        Assert.That(host.Delivered.ConvertAll(d => d.Down.Target), Is.EqualTo(new[] { Host.Local(0), Host.Local(1) }));
    }

    [Test]
    public void While_Downs_wait_a_new_one_queues_behind_them_even_when_there_is_room()
    {
        var (registry, host, _) = Create();
        registry.Add(Host.Local(0), Host.Local(3));
        registry.Add(Host.Local(1), Host.Local(3));
        host.Room[3] = false;
        host.Exit(registry, 0, ExitOutcome.Ok);
        host.Room[3] = true;

        host.Exit(registry, 1, ExitOutcome.Error);

        Assert.That(host.Delivered, Is.Empty, "FIFO: the second Down did not overtake the first");
        Assert.That(registry.PendingDownCount, Is.EqualTo(2));
        registry.DeliverPendingDowns();
        Assert.That(host.Delivered.ConvertAll(d => d.Down.Target), Is.EqualTo(new[] { Host.Local(0), Host.Local(1) }));
    }

    [Test]
    public void A_waiting_Down_whose_watcher_exits_is_dropped_and_counted()
    {
        var (registry, host, counters) = Create();
        registry.Add(Host.Local(0), Host.Local(3));
        host.Room[3] = false;
        host.Exit(registry, 0, ExitOutcome.Ok);
        host.Live[3] = false;

        Assert.That(registry.AnyPendingDownDeliverable(), Is.True, "a gone watcher is work: the Down leaves the queue");
        registry.DeliverPendingDowns();

        Assert.That(registry.PendingDownCount, Is.Zero);
        Assert.That(counters.Read(ShardCounter.DownsToExitedWatcher), Is.EqualTo(1));
        Assert.That(host.Delivered, Is.Empty);
    }

    [Test]
    public void A_full_pending_queue_drops_and_counts()
    {
        var (registry, host, counters) = Create(capacity: 1);
        host.Room[3] = false;
        var stale = new Down(Host.Local(0), ExitOutcome.Cancelled, 0, WasStale: true);
        registry.SendDown(Host.Local(3), in stale);
        registry.SendDown(Host.Local(3), in stale);
        Assert.That(registry.PendingDownCount, Is.EqualTo(1));
        Assert.That(counters.Read(ShardCounter.DownsDropped), Is.EqualTo(1));
        Assert.That(counters.Read(ShardCounter.DownsSent), Is.EqualTo(2), "both were counted sent");
    }
}
