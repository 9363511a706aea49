using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using OpenTelemetry.Metrics;

namespace Tina.Hosting.Tests;

/// <summary>The Tina meter's observable instruments read the shard counters, seen by a MeterListener and OpenTelemetry.</summary>
public sealed class MetricsTests
{
    private static readonly int[] s_bothShards = [0, 1];

    public readonly record struct Tick;

    public sealed class Sink : IIsolate
    {
        public static int Received;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Tick _))
            {
                Interlocked.Increment(ref Received);
            }

            return Effect.Receive;
        }
    }

    private static async Task<(IHost Host, Handle Sink)> StartHost(Action<HostApplicationBuilder>? extra = null)
    {
        Handle sink = Handle.None;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTina(
            spec =>
            {
                spec.ShardCount = 2;
                spec.PinThreads = false;
                spec.IdlePollTicks = 0;
                spec.AddIsolate<Sink>(slots: 1, mailboxCapacity: 256);
            },
            runtime => sink = runtime.Spawn<Sink>(1).Handle);
        extra?.Invoke(builder);
        IHost host = builder.Build();
        await host.StartAsync();
        return (host, sink);
    }

    private static void SendAll(TinaRuntime runtime, Handle sink, int count)
    {
        int before = Volatile.Read(ref Sink.Received);
        for (int i = 0; i < count; i++)
        {
            while (runtime.Send(sink, new Tick()) != SendResult.Ok)
            {
                Thread.Sleep(1);
            }
        }

        SpinWait.SpinUntil(() => Volatile.Read(ref Sink.Received) - before >= count, TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task MeterListener_SeesDispatchedMessagesPerShard_AndHealth()
    {
        (IHost host, Handle sink) = await StartHost();
        using (host)
        {
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            _ = host.Services.GetRequiredService<TinaMetrics>();
            SendAll(runtime, sink, 50);

            var dispatched = new Dictionary<int, long>();
            var health = new Dictionary<int, int>();
            var names = new HashSet<string>();
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TinaMetrics.MeterName)
                {
                    names.Add(instrument.Name);
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "tina.messages.dispatched")
                {
                    dispatched[ShardOf(tags)] = value;
                }
            });
            listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "tina.shard.health")
                {
                    health[ShardOf(tags)] = value;
                }
            });
            listener.Start();
            listener.RecordObservableInstruments();

            Assert.That(names, Does.Contain("tina.messages.sent").And.Contain("tina.messages.dropped").And.Contain("tina.supervision.restarts")
                .And.Contain("tina.io.completions").And.Contain("tina.io.connections.live"));
            Assert.That(dispatched.Keys, Is.EquivalentTo(s_bothShards));
            Assert.That(dispatched[1], Is.EqualTo(runtime.GetStats(1)[ShardCounter.MessagesHandled]));
            Assert.That(dispatched[1], Is.GreaterThanOrEqualTo(50));
            Assert.That(health[0], Is.EqualTo((int)ShardHealth.Healthy));
            await host.StopAsync();
        }
    }

    [Test]
    public async Task OpenTelemetry_InMemoryExporter_SeesTheTinaMeter_WithAddMeterOnly()
    {
        var exported = new List<Metric>();
        (IHost host, Handle sink) = await StartHost(builder =>
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(TinaMetrics.MeterName)
                .AddInMemoryExporter(exported)));
        using (host)
        {
            TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
            SendAll(runtime, sink, 20);
            MeterProvider provider = host.Services.GetRequiredService<MeterProvider>();
            Assert.That(provider.ForceFlush(10_000), Is.True);

            long sentOk = 0;
            bool sawDispatched = false;
            foreach (Metric metric in exported)
            {
                sawDispatched |= metric.Name == "tina.messages.dispatched";
                if (metric.Name != "tina.messages.sent")
                {
                    continue;
                }

                foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                {
                    foreach (KeyValuePair<string, object?> tag in point.Tags)
                    {
                        if (tag.Key == "tina.send.result" && (string?)tag.Value == "ok")
                        {
                            sentOk += point.GetSumLong();
                        }
                    }
                }
            }

            Assert.That(sawDispatched, Is.True);
            Assert.That(sentOk, Is.EqualTo(runtime.Total(ShardCounter.MessagesSent)));
            await host.StopAsync();
        }
    }

    private static int ShardOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "tina.shard")
            {
                return (int)tag.Value!;
            }
        }

        return -1;
    }
}
