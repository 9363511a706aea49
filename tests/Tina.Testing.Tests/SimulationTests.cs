using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Testing;

namespace Tina.Testing.Tests;

/// <summary>
/// The public simulator entry, used the way a user's test uses it: a user-written caller/responder pair under a seed
/// sweep with faults, a planted bug caught by a built-in checker and replayed from its line, determinism, validation.
/// </summary>
[Category("Simulation")]
public sealed class SimulationTests
{
    private static readonly SimulationSettings Short = new() { FaultRounds = 200, LivenessRounds = 5_000 };

    public readonly record struct Ask(int Sequence);

    public readonly record struct Answer(int Sequence);

    public readonly record struct ClientStart(ulong Server, int Calls);

    /// <summary>Answers every call; with <see cref="BreakEvery"/> set, answers some with the previous call's sequence (the planted bug).</summary>
    public sealed class Server : IIsolate
    {
        /// <summary>0: correct. N: every Nth call is answered with a stale sequence.</summary>
        public static int BreakEvery { get; set; }

        public int Served { get; private set; }

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind != MessageKind.Call || !message.Is(out Ask ask))
            {
                return Effect.Receive;
            }

            Served++;
            if (BreakEvery > 0 && Served % BreakEvery == 0)
            {
                return ctx.Reply(new Answer(ask.Sequence - 1));   // the bug: a stale answer
            }

            return ctx.Reply(new Answer(ask.Sequence));
        }
    }

    /// <summary>Makes its calls one at a time; counts every outcome; checks answers match.</summary>
    public sealed class Client : IIsolate
    {
        private Handle _server;
        private int _sequence;

        public int Calls { get; private set; }

        public int Completed { get; private set; }

        public int WrongAnswers { get; private set; }

        public bool Finished => Calls > 0 && Completed == Calls;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out ClientStart start))
            {
                _server = new Handle(start.Server);
                Calls = start.Calls;
                return Next(ref ctx);
            }

            if (message.Kind != MessageKind.Reply)
            {
                return Effect.Receive;
            }

            if (message.Status == CallStatus.Ok && (!message.Is(out Answer answer) || answer.Sequence != _sequence))
            {
                WrongAnswers++;
            }

            Completed++;
            return Completed < Calls ? Next(ref ctx) : Effect.Receive;
        }

        private Effect Next(ref Context ctx) => ctx.Call(_server, new Ask(++_sequence), TimeSpan.FromMilliseconds(20));
    }

    /// <summary>Two shards, a server on each, two clients per shard calling across shards.</summary>
    public sealed class PairWorkload : SimulationWorkload
    {
        private readonly List<Handle> _clients = new();

        public override TimeSpan CallTimeoutMax => TimeSpan.FromMilliseconds(20);

        public override void Configure(TinaSpec spec)
        {
            spec.ShardCount = 2;
            spec.MessagePoolCapacity = 128;
            spec.RingCapacity = 16;
            spec.TimerCapacity = 256;
            spec.TimerSpokeCount = 64;
            spec.BufferCount = 0;
            spec.AddIsolate<Client>(slots: 2, mailboxCapacity: 4);
            spec.AddIsolate<Server>(slots: 1, mailboxCapacity: 8);
        }

        public override void Setup(TinaRuntime runtime, ulong seed)
        {
            var servers = new[] { runtime.Spawn<Server>(0).Handle, runtime.Spawn<Server>(1).Handle };
            for (int shard = 0; shard < 2; shard++)
            {
                for (int i = 0; i < 2; i++)
                {
                    int calls = 20 + (int)((seed >> (8 * ((shard * 2) + i))) % 40);
                    _clients.Add(runtime.Spawn<Client, ClientStart>(shard, new ClientStart(servers[1 - shard].Value, calls)).Handle);
                }
            }
        }

        public override bool IsComplete(TinaRuntime runtime)
        {
            foreach (Handle client in _clients)
            {
                if (!InstanceOf<Client>(runtime, client).Finished)
                {
                    return false;
                }
            }

            return true;
        }

        public override string? Check(TinaRuntime runtime, bool final)
        {
            foreach (Handle client in _clients)
            {
                Client c = InstanceOf<Client>(runtime, client);
                if (c.WrongAnswers != 0)
                {
                    return $"client {client} got {c.WrongAnswers} wrong answers";
                }
            }

            return null;
        }
    }

    [TearDown]
    public void Reset() => Server.BreakEvery = 0;

    [Test]
    public void A_correct_pair_passes_a_seed_sweep_with_drawn_faults()
    {
        IReadOnlyList<SimulationRun> runs = Simulation.Sweep(() => new PairWorkload(), 0x5EED_0000, 20, Short);

        SimulationRun last = runs[^1];
        Assert.That(last.Passed, Is.True, last.ReplayLine);
        Assert.That(runs, Has.Count.EqualTo(20));
        long injected = 0;
        foreach (SimulationRun run in runs)
        {
            Assert.That(run.Dispatches, Is.GreaterThan(0));
            injected += run.FaultsInjected;
        }

        Assert.That(injected, Is.GreaterThan(0), "the sweep drew faults and injected some");
    }

    [Test]
    public void A_stale_reply_is_caught_and_its_replay_line_reproduces_the_failure()
    {
        Server.BreakEvery = 7;
        IReadOnlyList<SimulationRun> runs = Simulation.Sweep(() => new PairWorkload(), 0x5EED_0000, 20, Short);
        SimulationRun failed = runs[^1];

        Assert.That(failed.Passed, Is.False);
        Assert.That(failed.Checker, Is.EqualTo("Application:PairWorkload"), failed.ReplayLine);
        Assert.That(failed.Detail, Does.Contain("wrong answers"));
        Assert.That(failed.ReplayLine, Does.StartWith("TINA-SIM FAIL workload=PairWorkload seed=0x"));

        SimulationRun replayed = Simulation.Replay(() => new PairWorkload(), failed.ReplayLine);

        Assert.That(replayed.Passed, Is.False);
        Assert.That(replayed.Checker, Is.EqualTo(failed.Checker));
        Assert.That(replayed.Detail, Is.EqualTo(failed.Detail));
        Assert.That(replayed.TraceHash, Is.EqualTo(failed.TraceHash));
        Assert.That(replayed.Rounds, Is.EqualTo(failed.Rounds));
        Assert.That(replayed.ReplayLine, Is.EqualTo(failed.ReplayLine));
    }

    [Test]
    public void The_same_seed_gives_the_same_hash_and_different_seeds_different_traces()
    {
        SimulationRun a = Simulation.Run(() => new PairWorkload(), 0xABCDEF, Short);
        SimulationRun b = Simulation.Run(() => new PairWorkload(), 0xABCDEF, Short);
        SimulationRun c = Simulation.Run(() => new PairWorkload(), 0xABCDF0, Short);

        Assert.That(a.Passed && b.Passed && c.Passed, Is.True, a.ReplayLine);
        Assert.That(b.TraceHash, Is.EqualTo(a.TraceHash));
        Assert.That(b.ReplayLine, Is.EqualTo(a.ReplayLine));
        Assert.That(c.TraceHash, Is.Not.EqualTo(a.TraceHash));
    }

    [Test]
    public void A_passing_run_replays_from_its_line_with_the_same_hash()
    {
        SimulationRun run = Simulation.Run(() => new PairWorkload(), 42, Short);
        SimulationRun replayed = Simulation.Replay(() => new PairWorkload(), run.ReplayLine);

        Assert.That(run.Passed, Is.True, run.ReplayLine);
        Assert.That(replayed.TraceHash, Is.EqualTo(run.TraceHash));
    }

    [Test]
    public void A_workload_check_failure_names_the_workload_checker()
    {
        SimulationRun run = Simulation.Run(() => new AlwaysWrong(), 1, Short);

        Assert.That(run.Passed, Is.False);
        Assert.That(run.Detail, Does.Contain("always wrong"));
    }

    [TestCase(nameof(SimulationFaults.HandlerFaultPpm))]
    [TestCase(nameof(SimulationFaults.SpawnFailurePpm))]
    [TestCase(nameof(SimulationFaults.RingRefusalPpm))]
    [TestCase(nameof(SimulationFaults.PartitionPpm))]
    [TestCase(nameof(SimulationFaults.HealPpm))]
    [TestCase(nameof(SimulationFaults.MailboxRefusalPpm))]
    public void A_bad_fault_rate_fails_naming_the_field(string field)
    {
        SimulationFaults faults = field switch
        {
            nameof(SimulationFaults.HandlerFaultPpm) => new() { HandlerFaultPpm = -1 },
            nameof(SimulationFaults.SpawnFailurePpm) => new() { SpawnFailurePpm = 1_000_001 },
            nameof(SimulationFaults.RingRefusalPpm) => new() { RingRefusalPpm = -5 },
            nameof(SimulationFaults.PartitionPpm) => new() { PartitionPpm = 2_000_000 },
            nameof(SimulationFaults.HealPpm) => new() { HealPpm = 0 },
            _ => new() { MailboxRefusalPpm = -1 },
        };

        ArgumentOutOfRangeException? thrown = Assert.Throws<ArgumentOutOfRangeException>(
            () => Simulation.Run(() => new PairWorkload(), 1, new SimulationSettings { Faults = faults }));

        Assert.That(thrown!.ParamName, Is.EqualTo(field));
        Assert.That(thrown.Message, Does.Contain("SimulationFaults." + field));
    }

    [Test]
    public void Bad_settings_fail_naming_the_field()
    {
        ArgumentOutOfRangeException? thrown = Assert.Throws<ArgumentOutOfRangeException>(
            () => Simulation.Run(() => new PairWorkload(), 1, new SimulationSettings { LivenessRounds = 0 }));

        Assert.That(thrown!.ParamName, Is.EqualTo(nameof(SimulationSettings.LivenessRounds)));
    }

    private sealed class AlwaysWrong : SimulationWorkload
    {
        public override void Configure(TinaSpec spec)
        {
            spec.ShardCount = 1;
            spec.AddIsolate<Server>(slots: 1, mailboxCapacity: 4);
        }

        public override void Setup(TinaRuntime runtime, ulong seed) => runtime.Spawn<Server>(0);

        public override string? Check(TinaRuntime runtime, bool final) => "always wrong";
    }
}
