using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>Shard log records reach ILogger off the shard thread, in order per shard; a full queue drops and counts.</summary>
public sealed class LogForwarderTests
{
    public readonly record struct Say(int Number);

    /// <summary>Logs each number it is sent.</summary>
    public sealed class Talker : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Say say))
            {
                ctx.Log(TinaLogLevel.Information, "said", say.Number);
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Forwarder_FullQueue_DropsAndCounts_ThenWritesTheRestInOrder()
    {
        var logger = new RecordingLogger();
        var forwarder = new TinaLogForwarder(logger, shardCount: 2, capacity: 16, TimeSpan.FromMilliseconds(5));
        for (int i = 0; i < 20; i++)
        {
            forwarder.Write(Record(shard: 1, i));
        }

        Assert.That(forwarder.Dropped(1), Is.EqualTo(4));
        Assert.That(forwarder.Dropped(0), Is.Zero);
        Assert.That(logger.Entries, Is.Empty, "nothing is written on the producer's thread");
        forwarder.Dispose();
        Assert.That(logger.Numbers(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }));
        Assert.That(forwarder.Forwarded(1), Is.EqualTo(16));
    }

    [Test]
    public void EachEventKind_HasItsOwnStableEventId()
    {
        var logger = new RecordingLogger();
        var forwarder = new TinaLogForwarder(logger, shardCount: 1, capacity: 16, TimeSpan.FromMilliseconds(5));
        forwarder.Write(new LogRecord(0, 1, Handle.None, TinaLogLevel.Critical, "shard rebuilt too often; quarantined", 0, 0, TinaEvent.ShardQuarantined));
        forwarder.Write(new LogRecord(0, 2, Handle.None, TinaLogLevel.Information, "said", 7, 0));
        forwarder.Dispose();
        EventId[] events = logger.Events.ToArray();
        Assert.That(events, Has.Length.EqualTo(2));
        Assert.That(events[0].Id, Is.EqualTo(208));
        Assert.That(events[0].Name, Is.EqualTo("ShardQuarantined"));
        Assert.That(events[1].Id, Is.EqualTo(200));
        Assert.That(events[1].Name, Is.EqualTo("Application"));
    }

    [Test]
    public void Forwarder_ManyProducers_LoseNothingTheyWereToldWasQueued()
    {
        var logger = new RecordingLogger();
        var forwarder = new TinaLogForwarder(logger, shardCount: 1, capacity: 1024, TimeSpan.FromMilliseconds(1));
        forwarder.Start();
        const int PerProducer = 20_000;
        Parallel.For(0, 4, producer =>
        {
            for (int i = 0; i < PerProducer; i++)
            {
                forwarder.Write(Record(0, (producer * PerProducer) + i));
            }
        });
        forwarder.Dispose();
        Assert.That(logger.Entries.Count + forwarder.Dropped(0), Is.EqualTo(4 * PerProducer));
        Assert.That(forwarder.Forwarded(0), Is.EqualTo(logger.Entries.Count));

        // Each producer's records keep their order.
        var last = new long[] { -1, -1, -1, -1 };
        foreach (long number in logger.Numbers())
        {
            int producer = (int)(number / PerProducer);
            Assert.That(number, Is.GreaterThan(last[producer]));
            last[producer] = number;
        }
    }

    [Test]
    public async Task HostedRuntime_ShardRecords_ReachTheLogger_InOrder_NeverFromAShardThread()
    {
        var logger = new RecordingLogger();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new RecordingProvider(logger));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        Handle talker = Handle.None;
        builder.Services.AddTina(
            spec =>
            {
                spec.ShardCount = 1;
                spec.PinThreads = false;
                spec.IdlePollTicks = 0;
                spec.AddIsolate<Talker>(slots: 1, mailboxCapacity: 1024);
            },
            runtime => talker = runtime.Spawn<Talker>(0).Handle);
        using IHost host = builder.Build();
        await host.StartAsync();
        TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
        for (int i = 0; i < 200; i++)
        {
            while (runtime.Send(talker, new Say(i)) != SendResult.Ok)
            {
                Thread.Sleep(1);
            }
        }

        SpinWait.SpinUntil(() => logger.Numbers().Count == 200, TimeSpan.FromSeconds(30));
        await host.StopAsync();
        Assert.That(logger.Numbers(), Is.EqualTo(Sequence(200)));
        Assert.That(logger.Threads(), Has.None.StartsWith("tina-shard-"), "a shard never calls ILogger");
    }

    private static long[] Sequence(int count)
    {
        var numbers = new long[count];
        for (int i = 0; i < count; i++)
        {
            numbers[i] = i;
        }

        return numbers;
    }

    private static LogRecord Record(int shard, long number) =>
        new(shard, tick: 0, Handle.None, TinaLogLevel.Information, "said", number, 0);

    internal sealed class RecordingProvider(RecordingLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => categoryName == "Tina" ? logger : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }
    }

    internal sealed class RecordingLogger : ILogger
    {
        public ConcurrentQueue<(string Thread, long Number)> Entries { get; } = new();

        public ConcurrentQueue<EventId> Events { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            long number = -1;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (KeyValuePair<string, object?> field in fields)
                {
                    if (field.Key == "Argument0" && field.Value is long value)
                    {
                        number = value;
                    }
                }
            }

            Entries.Enqueue((System.Threading.Thread.CurrentThread.Name ?? "(unnamed)", number));
            Events.Enqueue(eventId);
        }

        public List<long> Numbers()
        {
            var numbers = new List<long>();
            foreach ((string _, long number) in Entries)
            {
                numbers.Add(number);
            }

            return numbers;
        }

        public List<string> Threads()
        {
            var threads = new List<string>();
            foreach ((string thread, long _) in Entries)
            {
                threads.Add(thread);
            }

            return threads;
        }
    }
}
