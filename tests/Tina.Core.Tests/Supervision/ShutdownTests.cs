using System;
using System.Threading;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>Three-phase shutdown: under load every isolate drains on its own and every accepted call ends.</summary>
public sealed class ShutdownTests
{
    public readonly record struct Request(int Value);

    public readonly record struct Response(int Value);

    public readonly record struct Go(ulong Server0, ulong Server1);

    public static class Tally
    {
        public static long Issued;
        public static long Ok;
        public static long ShuttingDown;
        public static long Other;
        public static long Running;
    }

    /// <summary>Answers every call; knows nothing of shutdown (the drain rule ends it when idle).</summary>
    public sealed class Server : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Is(out Request request) ? ctx.Reply(new Response(request.Value + 1)) : Effect.Receive;
    }

    /// <summary>Calls servers on both shards back to back until told to shut down.</summary>
    public sealed class Client : IIsolate
    {
        private Handle _server0;
        private Handle _server1;
        private int _n;
        private bool _awaiting;
        private bool _shuttingDown;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            switch (message.Kind)
            {
                case MessageKind.Start when message.Is(out Go go):
                    _server0 = new Handle(go.Server0);
                    _server1 = new Handle(go.Server1);
                    Interlocked.Increment(ref Tally.Running);
                    return Next(ref ctx);
                case MessageKind.Reply:
                    _awaiting = false;
                    switch (message.Status)
                    {
                        case CallStatus.Ok:
                            Interlocked.Increment(ref Tally.Ok);
                            break;
                        case CallStatus.ShuttingDown:
                            Interlocked.Increment(ref Tally.ShuttingDown);
                            return Effect.Done;
                        default:
                            Interlocked.Increment(ref Tally.Other);
                            break;
                    }

                    return Next(ref ctx);
                case MessageKind.Shutdown:
                    // The call in flight (if any) has been failed with ShuttingDown: read its outcome, then finish.
                    _shuttingDown = true;
                    return _awaiting ? Effect.Receive : Effect.Done;
                default:
                    return Effect.Receive;
            }
        }

        private Effect Next(ref Context ctx)
        {
            if (_shuttingDown)
            {
                return Effect.Done;
            }

            _awaiting = true;
            Interlocked.Increment(ref Tally.Issued);
            _n++;
            return ctx.Call((_n & 1) == 0 ? _server0 : _server1, new Request(_n), TimeSpan.FromSeconds(30));
        }
    }

    [Test]
    public void ShutdownUnderLoad_EveryIsolateDrains_EveryAcceptedCallEnds_NoRestarts()
    {
        Tally.Issued = Tally.Ok = Tally.ShuttingDown = Tally.Other = Tally.Running = 0;
        var servers = new SupervisorSpec("servers") { MaxRestarts = 100 };
        servers.AddChild<Server>();
        var spec = new TinaSpec
        {
            ShardCount = 2,
            PinThreads = false,
            IdlePollTicks = 0,
            Supervision = servers,
            MinimumLogLevel = TinaLogLevel.None,
            WatchdogInterval = TimeSpan.Zero,
        };
        spec.AddIsolate<Server>(slots: 2, mailboxCapacity: 256);
        spec.AddIsolate<Client>(slots: 16);
        using TinaRuntime runtime = TinaRuntime.Create(spec);

        // The supervised servers start on each shard's first tick: slot 0, generation 1 on both shards.
        Handle server0 = new Handle(((ulong)0 << 56) | (1UL << 0));
        Handle server1 = new Handle(((ulong)1 << 56) | (1UL << 0));
        for (int i = 0; i < 8; i++)
        {
            runtime.Spawn<Client, Go>(i % 2, new Go(server0.Value, server1.Value));
        }

        runtime.Start();
        SpinWait.SpinUntil(() => Interlocked.Read(ref Tally.Ok) > 20_000, TimeSpan.FromSeconds(60));
        Assert.That(Interlocked.Read(ref Tally.Ok), Is.GreaterThan(20_000), "the load is running");

        TimeSpan timeout = TimeSpan.FromSeconds(5);
        ShutdownReport report = runtime.Shutdown(timeout);

        Assert.That(report.ThreadsJoined, Is.True, "the shutdown ended with every shard thread joined");
        Assert.That(report.IsolatesForced, Is.Zero, "every isolate drained on its own");
        Assert.That(report.IsolatesDrained, Is.EqualTo(10), "8 clients and 2 servers");
        Assert.That(Tally.Ok + Tally.ShuttingDown + Tally.Other, Is.EqualTo(Tally.Issued), "every call issued has ended");
        Assert.That(Tally.Other, Is.Zero, "calls ended by reply or by the shutdown, nothing else");
        Assert.That(runtime.Total(ShardCounter.SupervisorRestarts), Is.Zero, "supervisors restart nothing during shutdown");
        Assert.That(runtime.Send(server0, new Request(1)), Is.EqualTo(SendResult.ShardUnavailable));
    }

    /// <summary>Never finishes: keeps yielding through its notice.</summary>
    public sealed class Spinner : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Yield;
    }

    [Test]
    public void Shutdown_IsolateIgnoringTheNotice_IsForcedAtTheTimeout()
    {
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.None };
        spec.AddIsolate<Spinner>(slots: 2);
        spec.AddIsolate<Server>(slots: 2);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Spawn<Spinner, Request>(0, new Request(0));
        runtime.Spawn<Server>(0);
        runtime.Start();

        ShutdownReport report = runtime.Shutdown(TimeSpan.FromMilliseconds(300));
        Assert.That(report.ThreadsJoined, Is.True);
        Assert.That(report.IsolatesForced, Is.EqualTo(1));
        Assert.That(report.IsolatesDrained, Is.EqualTo(1));
    }
}
