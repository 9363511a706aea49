using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>The bridge out: results come back as messages; timeouts, refusals past capacity, cancel on exit.</summary>
public sealed class TaskBridgeTests
{
    public readonly record struct Fetch(int Value, int Mode);

    public readonly record struct Quit;

    public sealed class Outcomes
    {
        public ConcurrentQueue<(BridgeStatus Status, int Value, bool Refused)> Seen { get; } = new();
    }

    /// <summary>Fetches through the bridge: mode 0 doubles after a short await, 1 never finishes (50 ms timeout), 2 throws, 3 never finishes (5 min timeout).</summary>
    public sealed class Fetcher : IIsolate
    {
        private readonly TinaTaskBridge _bridge;
        private readonly Outcomes _outcomes;

        public Fetcher(TinaTaskBridge bridge, Outcomes outcomes)
        {
            _bridge = bridge;
            _outcomes = outcomes;
        }

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Fetch fetch))
            {
                int value = fetch.Value;
                BridgeJob job = fetch.Mode switch
                {
                    0 => _bridge.Start(ctx.Self, async ct =>
                    {
                        await Task.Delay(1, ct).ConfigureAwait(false);
                        return value * 2;
                    }),
                    1 => _bridge.Start(ctx.Self, async ct =>
                    {
                        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                        return 0;
                    }, TimeSpan.FromMilliseconds(50)),
                    2 => _bridge.Start<int>(ctx.Self, _ => throw new InvalidOperationException("planted failure")),
                    _ => _bridge.Start(ctx.Self, async ct =>
                    {
                        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                        return 0;
                    }, TimeSpan.FromMinutes(5)),
                };
                if (job.IsNone)
                {
                    _outcomes.Seen.Enqueue((BridgeStatus.Faulted, value, true));
                }
            }
            else if (message.Is(out BridgeCompleted done))
            {
                Assert.That(_bridge.TryTake(done.Job, out BridgeOutcome<int> outcome), Is.True);
                Assert.That(outcome.Status, Is.EqualTo(done.Status));
                _outcomes.Seen.Enqueue((outcome.Status, outcome.Value, false));
            }
            else if (message.Is<Quit>())
            {
                return Effect.Done;
            }

            return Effect.Receive;
        }
    }

    private static async Task<(IHost Host, Handle Fetcher, Outcomes Outcomes)> Start(int capacity = 64)
    {
        var outcomes = new Outcomes();
        Handle fetcher = Handle.None;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(outcomes);
        builder.Services.Configure<TinaTaskBridgeOptions>(o =>
        {
            o.Capacity = capacity;
            o.ExitCheckInterval = TimeSpan.FromMilliseconds(10);
        });
        builder.Services.AddTina(
            (tina, services) =>
            {
                tina.ShardCount = 1;
                tina.PinThreads = false;
                tina.IdlePollTicks = 0;
                tina.AddIsolateFromServices<Fetcher>(services, slots: 2);
            },
            runtime => fetcher = runtime.Spawn<Fetcher>(0).Handle);
        IHost host = builder.Build();
        await host.StartAsync();
        return (host, fetcher, outcomes);
    }

    [Test]
    public async Task Results_Failures_AndTimeouts_ComeBackAsMessages()
    {
        (IHost host, Handle fetcher, Outcomes outcomes) = await Start();
        using (host)
        {
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            TinaTaskBridge bridge = host.Services.GetRequiredService<TinaTaskBridge>();
            runtime.Send(fetcher, new Fetch(21, 0));
            runtime.Send(fetcher, new Fetch(5, 2));
            runtime.Send(fetcher, new Fetch(7, 1));
            SpinWait.SpinUntil(() => outcomes.Seen.Count == 3, TimeSpan.FromSeconds(30));
            Assert.That(outcomes.Seen, Does.Contain((BridgeStatus.Succeeded, 42, false)));
            Assert.That(outcomes.Seen, Does.Contain((BridgeStatus.Faulted, 0, false)));
            Assert.That(outcomes.Seen, Does.Contain((BridgeStatus.TimedOut, 0, false)));
            Assert.That(bridge.InFlight, Is.Zero, "every outcome was taken, freeing its slot");
            Assert.That(bridge.Completed, Is.EqualTo(3));
            await host.StopAsync();
        }
    }

    [Test]
    public async Task PastCapacity_StartIsRefusedAtOnce()
    {
        (IHost host, Handle fetcher, Outcomes outcomes) = await Start(capacity: 2);
        using (host)
        {
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            TinaTaskBridge bridge = host.Services.GetRequiredService<TinaTaskBridge>();
            for (int i = 0; i < 3; i++)
            {
                runtime.Send(fetcher, new Fetch(i, 1));
            }

            SpinWait.SpinUntil(() => outcomes.Seen.Count == 3, TimeSpan.FromSeconds(30));
            Assert.That(bridge.Refused, Is.EqualTo(1));
            Assert.That(outcomes.Seen, Has.Exactly(1).Matches<(BridgeStatus, int, bool Refused)>(o => o.Refused));
            Assert.That(outcomes.Seen, Has.Exactly(2).Matches<(BridgeStatus Status, int, bool)>(o => o.Status == BridgeStatus.TimedOut));
            await host.StopAsync();
        }
    }

    [Test]
    public async Task IsolateExits_ItsRunningJobIsCancelled_AndTheResultDroppedAndCounted()
    {
        (IHost host, Handle fetcher, Outcomes outcomes) = await Start();
        using (host)
        {
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            TinaTaskBridge bridge = host.Services.GetRequiredService<TinaTaskBridge>();

            // Mode 3 would run for its 5 min timeout; the isolate quits first, so the exit check cancels it.
            runtime.Send(fetcher, new Fetch(1, 3));
            runtime.Send(fetcher, new Quit());
            SpinWait.SpinUntil(() => bridge.Dropped == 1, TimeSpan.FromSeconds(30));
            Assert.That(bridge.Dropped, Is.EqualTo(1));
            Assert.That(bridge.InFlight, Is.Zero);
            Assert.That(outcomes.Seen, Is.Empty, "the exited isolate was told nothing");
            Assert.That(runtime.IsAlive(fetcher), Is.False);
            await host.StopAsync();
        }
    }
}
