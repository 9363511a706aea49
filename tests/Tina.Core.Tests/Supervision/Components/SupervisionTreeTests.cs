using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Supervision;

namespace Tina.Tests.Supervision.Components;

/// <summary>
/// <see cref="SupervisionTree"/> through its own API, with a scripted host in place of a shard: the host spawns
/// bookkeeping-only isolates and reports their exits back through <see cref="SupervisionTree.OnExit"/>, as the shard's
/// exit path does.
/// </summary>
public sealed class SupervisionTreeTests
{
    private sealed class A : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private sealed class B : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private sealed class C : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private sealed class Host : ISupervisionHost
    {
        private readonly Dictionary<Handle, (int Node, int Child)> _live = new();
        private readonly HashSet<Handle> _cancelled = new(); // a notice is given once, as the shard's BeginCancel does
        private int _nextSlot;

        public SupervisionTree Tree { get; set; } = null!;

        public List<string> Events { get; } = new();

        public long NowNanoseconds { get; set; }

        public bool AcceptsNewWork => !ShuttingDown && !Quarantined;

        public bool ShuttingDown { get; set; }

        public bool Quarantined { get; private set; }

        /// <summary>Spawns of this type fail (InitFailed), as a spawn with no free slot would.</summary>
        public int FailingType { get; set; } = -1;

        public int TypeIndexOf(Type isolateType) => isolateType == typeof(A) ? 0 : isolateType == typeof(B) ? 1 : 2;

        public static string Name(Handle handle) => ((char)('A' + handle.Type)).ToString();

        public SpawnResult SpawnChild(int typeIndex, in Message start, bool hasStart, int node, int child, bool systemStart)
        {
            if (!AcceptsNewWork)
            {
                return new SpawnResult(Handle.None, SpawnStatus.NotAccepting);
            }

            if (typeIndex == FailingType)
            {
                Events.Add("spawn failed " + (char)('A' + typeIndex));
                return new SpawnResult(Handle.None, SpawnStatus.InitFailed);
            }

            Handle handle = Handle.Pack(0, typeIndex, ++_nextSlot, 1);
            _live[handle] = (node, child);
            Events.Add("spawn " + Name(handle));
            return new SpawnResult(handle, SpawnStatus.Ok);
        }

        /// <summary>The isolate exits (on its own, or torn down): the tree hears of it, as from the shard's exit path.</summary>
        public void Exit(Handle handle, ExitOutcome outcome)
        {
            (int node, int child) = _live[handle];
            _live.Remove(handle);
            Events.Add("exit " + Name(handle));
            Tree.OnExit(node, child, handle, outcome);
        }

        public void Terminate(Handle isolate, ExitOutcome outcome, CallStatus failWith)
        {
            if (_live.ContainsKey(isolate))
            {
                Exit(isolate, outcome);
            }
        }

        public void TerminateAll(ExitOutcome outcome, CallStatus failWith)
        {
            Events.Add("terminate all " + failWith);
            foreach (Handle handle in _live.Keys.OrderByDescending(h => h.Slot).ToList())
            {
                Exit(handle, outcome);
            }
        }

        public long CancelBudgetTicks(bool shutdown) => shutdown ? 100 : 10;

        public void BeginCancel(Handle isolate, int reason, bool shutdown, long budgetTicks)
        {
            if (_live.ContainsKey(isolate) && _cancelled.Add(isolate))
            {
                Events.Add($"cancel {Name(isolate)} reason {reason} budget {budgetTicks}");
            }
        }

        public void MarkQuarantined() => Quarantined = true;

        public void DropRunQueues() => Events.Add("drop run queues");

        public void OnGroupExit(int node) => Events.Add("group exit " + node);

        public void Log(TinaLogLevel level, string message, long argument0, TinaEvent kind) => Events.Add(kind.ToString());

        public int LiveCount => _live.Count;
    }

    private static (SupervisionTree Tree, Host Host, ShardCounters Counters) Create(SupervisorSpec root, int rebuildMax = 3)
    {
        var host = new Host();
        var counters = new ShardCounters();
        var spec = new TinaSpec { Supervision = root, ShardRebuildMax = rebuildMax };
        host.Tree = new SupervisionTree(host, spec, counters);
        return (host.Tree, host, counters);
    }

    [Test]
    public void The_tree_starts_once_children_in_order_and_not_when_the_shard_accepts_no_work()
    {
        var (tree, host, _) = Create(new SupervisorSpec("root").AddChild<A>().AddChild<B>().AddGroup(new SupervisorSpec("inner").AddChild<C>()));
        tree.EnsureStarted();
        tree.EnsureStarted();
        Assert.That(host.Events, Is.EqualTo(new[] { "spawn A", "spawn B", "spawn C" }));
        Assert.That(Host.Name(tree.ChildHandle("inner", 0)), Is.EqualTo("C"));
        Assert.That(tree.GroupIndexOf("inner"), Is.EqualTo(1));
        Assert.That(tree.GroupIndexOf("nope"), Is.EqualTo(-1));

        var (late, lateHost, _) = Create(new SupervisorSpec("root").AddChild<A>());
        lateHost.ShuttingDown = true;
        late.EnsureStarted();
        Assert.That(lateHost.Events, Is.Empty, "a shutdown before the first tick: the tree never starts");
    }

    [Test]
    public void One_for_all_tears_the_others_down_in_reverse_and_restarts_all_in_order()
    {
        var (tree, host, counters) = Create(new SupervisorSpec("root", SupervisionStrategy.OneForAll).AddChild<A>().AddChild<B>().AddChild<C>());
        tree.EnsureStarted();
        host.Events.Clear();

        host.Exit(tree.ChildHandle("root", 1), ExitOutcome.Error);

        Assert.That(host.Events, Is.EqualTo(new[] { "exit B", "exit C", "exit A", "spawn A", "spawn B", "spawn C" }));
        Assert.That(counters.Read(ShardCounter.SupervisorRestarts), Is.EqualTo(1), "one restart charged, not three");
    }

    [Test]
    public void Rest_for_one_restarts_the_child_and_those_started_after_it()
    {
        var (tree, host, _) = Create(new SupervisorSpec("root", SupervisionStrategy.RestForOne).AddChild<A>().AddChild<B>().AddChild<C>());
        tree.EnsureStarted();
        host.Events.Clear();

        host.Exit(tree.ChildHandle("root", 1), ExitOutcome.Panicked);

        Assert.That(host.Events, Is.EqualTo(new[] { "exit B", "exit C", "spawn B", "spawn C" }));
    }

    [Test]
    public void Restart_types_decide_by_outcome()
    {
        var (tree, host, _) = Create(new SupervisorSpec("root")
            .AddChild<A>(RestartType.Transient).AddChild<B>(RestartType.Temporary).AddChild<C>(RestartType.Permanent));
        tree.EnsureStarted();
        host.Events.Clear();

        host.Exit(tree.ChildHandle("root", 0), ExitOutcome.Ok);
        host.Exit(tree.ChildHandle("root", 1), ExitOutcome.Error);
        host.Exit(tree.ChildHandle("root", 2), ExitOutcome.Ok);

        Assert.That(host.Events, Is.EqualTo(new[] { "exit A", "exit B", "exit C", "spawn C" }), "transient Ok and temporary are final; permanent always restarts");
    }

    [Test]
    public void A_spent_nested_budget_fails_the_group_to_its_parent_which_restarts_it_with_a_fresh_budget()
    {
        var inner = new SupervisorSpec("inner") { MaxRestarts = 0 }.AddChild<B>();
        var (tree, host, counters) = Create(new SupervisorSpec("root").AddChild<A>().AddGroup(inner));
        tree.EnsureStarted();
        host.Events.Clear();

        host.Exit(tree.ChildHandle("inner", 0), ExitOutcome.Error);

        Assert.That(host.Events, Is.EqualTo(new[] { "exit B", nameof(TinaEvent.SupervisorEscalated), "spawn B" }));
        Assert.That(counters.Read(ShardCounter.SupervisorEscalations), Is.EqualTo(1));
        Assert.That(counters.Read(ShardCounter.SupervisorRestarts), Is.EqualTo(1), "charged to the parent");
    }

    [Test]
    public void A_child_that_can_never_start_spends_the_budget_and_escalates_instead_of_looping()
    {
        var (tree, host, counters) = Create(new SupervisorSpec("root") { MaxRestarts = 2 }.AddChild<A>());
        host.FailingType = 0;
        tree.EnsureStarted();

        Assert.That(host.Events, Is.EqualTo(new[]
        {
            "spawn failed A", "spawn failed A", "spawn failed A", nameof(TinaEvent.SupervisorEscalated),
        }));
        Assert.That(counters.Read(ShardCounter.SupervisorRestarts), Is.EqualTo(2));
    }

    [Test]
    public void The_roots_escalation_rebuilds_the_shard_at_the_safe_point_and_too_many_rebuilds_quarantine_it()
    {
        var (tree, host, counters) = Create(new SupervisorSpec("root") { MaxRestarts = 0 }.AddChild<A>().AddChild<B>(), rebuildMax: 1);
        tree.EnsureStarted();
        host.Events.Clear();

        host.Exit(tree.ChildHandle("root", 0), ExitOutcome.Error);
        Assert.That(host.Events, Is.EqualTo(new[] { "exit A", nameof(TinaEvent.SupervisorEscalated), "exit B" }), "the group tore down; no rebuild yet");
        tree.RebuildIfRequested();
        Assert.That(host.Events.Skip(3), Is.EqualTo(new[] { nameof(TinaEvent.ShardRebuilding), "terminate all NoReply", "spawn A", "spawn B" }));
        Assert.That(counters.Read(ShardCounter.ShardRebuilds), Is.EqualTo(1));
        host.Events.Clear();

        host.Exit(tree.ChildHandle("root", 1), ExitOutcome.Error);
        tree.RebuildIfRequested();

        Assert.That(host.Events, Is.EqualTo(new[]
        {
            "exit B", nameof(TinaEvent.SupervisorEscalated), "exit A", nameof(TinaEvent.ShardQuarantined),
            "terminate all ShardUnavailable", "drop run queues",
        }));
        Assert.That(host.Quarantined, Is.True);
        Assert.That(counters.Read(ShardCounter.ShardQuarantines), Is.EqualTo(1));
        tree.RebuildIfRequested();
        Assert.That(host.Events, Has.Count.EqualTo(6), "nothing more is requested");
    }

    [Test]
    public void Dynamic_children_go_to_named_groups_with_room_and_a_final_exit_frees_the_slot()
    {
        var (tree, host, counters) = Create(new SupervisorSpec("root") { MaxDynamicChildren = 1 });
        tree.EnsureStarted();

        Assert.That(tree.SpawnDynamic("missing", 0, default, false, RestartType.Permanent).Status, Is.EqualTo(SpawnStatus.UnknownGroup));
        SpawnResult first = tree.SpawnDynamic("root", 0, default, false, RestartType.Temporary);
        Assert.That(first.Status, Is.EqualTo(SpawnStatus.Ok));
        Assert.That(tree.SpawnDynamic("root", 1, default, false, RestartType.Permanent).Status, Is.EqualTo(SpawnStatus.GroupFull));
        Assert.That(counters.Read(ShardCounter.SpawnFailures), Is.EqualTo(2));

        host.Exit(first.Handle, ExitOutcome.Error);
        Assert.That(tree.SpawnDynamic("root", 1, default, false, RestartType.Permanent).Status, Is.EqualTo(SpawnStatus.Ok), "the temporary's slot came back");
    }

    [Test]
    public void Cancelling_a_group_cascades_deepest_first_and_the_parent_finishes_last()
    {
        var (tree, host, _) = Create(new SupervisorSpec("root").AddChild<A>().AddGroup(new SupervisorSpec("inner").AddChild<B>()));
        tree.EnsureStarted();
        Handle a = tree.ChildHandle("root", 0);
        Handle b = tree.ChildHandle("inner", 0);
        host.Events.Clear();

        Assert.That(tree.CancelGroup("root", 5), Is.True);
        Assert.That(tree.CancelGroup("nope", 5), Is.False);
        Assert.That(host.Events, Is.EqualTo(new[] { "cancel B reason 5 budget 10" }), "the root's own isolate waits for the inner group");

        host.Exit(b, ExitOutcome.Cancelled);
        Assert.That(host.Events.Skip(1), Is.EqualTo(new[] { "exit B", "group exit 1", "cancel A reason 5 budget 10" }), "not restarted; the inner group is done");

        host.Exit(a, ExitOutcome.Cancelled);
        Assert.That(host.Events.Skip(4), Is.EqualTo(new[] { "exit A", "group exit 0" }));
        Assert.That(host.LiveCount, Is.Zero);
    }

    [Test]
    public void Shutdown_cancels_the_whole_tree_with_the_shutdown_budget_and_nothing_restarts()
    {
        var (tree, host, _) = Create(new SupervisorSpec("root").AddChild<A>().AddChild<B>());
        tree.EnsureStarted();
        Handle a = tree.ChildHandle("root", 0);
        host.Events.Clear();
        host.ShuttingDown = true;

        tree.CancelForShutdown();
        host.Exit(a, ExitOutcome.Error);

        Assert.That(host.Events, Is.EqualTo(new[] { "cancel B reason 0 budget 100", "cancel A reason 0 budget 100", "exit A" }));
    }
}
