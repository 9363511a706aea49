using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class BootSpecValidationTests
{
    public sealed class Alpha : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    public sealed class Beta : IIsolate
    {
        public long Sum;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Exactly96 big))
            {
                Sum = big.A0 + big.A11;
            }

            return Effect.Receive;
        }
    }

    public readonly record struct Exactly96(
        long A0, long A1, long A2, long A3, long A4, long A5, long A6, long A7, long A8, long A9, long A10, long A11);

    public readonly record struct TooBig(
        long A0, long A1, long A2, long A3, long A4, long A5, long A6, long A7, long A8, long A9, long A10, long A11, long A12);

    public sealed record Case(string Name, Action<TinaSpec> Mutate, string Field, string Value, string Allowed)
    {
        public override string ToString() => Name;
    }

    private static TinaSpec ValidSpec()
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0, LogSink = new ListLogSink() };
        spec.AddIsolate<Alpha>(slots: 4);
        spec.AddIsolate<Beta>(slots: 4);
        return spec;
    }

    private static IEnumerable<TestCaseData> InvalidCases()
    {
        const string Pow2Pool = "must be a power of two in 64..16777216";
        const string Pow2Ring = "must be a power of two in 16..1048576";
        Case[] cases =
        {
            new("ShardCount 0", s => s.ShardCount = 0, "ShardCount", "0", "must be 1..255"),
            new("ShardCount 256", s => s.ShardCount = 256, "ShardCount", "256", "must be 1..255"),
            new("CoreMap too short", s => s.CoreMap = new[] { -1 }, "CoreMap.Count", "1", "must equal ShardCount (2)"),
            new("CoreMap too long", s => s.CoreMap = new[] { -1, -1, -1 }, "CoreMap.Count", "3", "must equal ShardCount (2)"),
            new("CoreMap CPU not allowed", s => s.CoreMap = new[] { -1, 100_000 }, "CoreMap[1]", "100000", "must be -1 (unpinned) or a CPU this process may run on (allowed: "),
            new("CoreMap negative CPU", s => s.CoreMap = new[] { -2, -1 }, "CoreMap[0]", "-2", "must be -1 (unpinned)"),
            new("MessagePoolCapacity not a power of two", s => s.MessagePoolCapacity = 100, "MessagePoolCapacity", "100", Pow2Pool),
            new("MessagePoolCapacity too small", s => s.MessagePoolCapacity = 32, "MessagePoolCapacity", "32", Pow2Pool),
            new("MessagePoolCapacity too large", s => s.MessagePoolCapacity = 1 << 25, "MessagePoolCapacity", "33554432", Pow2Pool),
            new("RingCapacity too small", s => s.RingCapacity = 8, "RingCapacity", "8", Pow2Ring),
            new("RingCapacity not a power of two", s => s.RingCapacity = 24, "RingCapacity", "24", Pow2Ring),
            new("RingCapacity too large", s => s.RingCapacity = 1 << 21, "RingCapacity", "2097152", Pow2Ring),
            new("ExternalInboxCapacity too small", s => s.ExternalInboxCapacity = 8, "ExternalInboxCapacity", "8", Pow2Ring),
            new("ExternalInboxCapacity not a power of two", s => s.ExternalInboxCapacity = 1000, "ExternalInboxCapacity", "1000", Pow2Ring),
            new("TimerCapacity 0", s => s.TimerCapacity = 0, "TimerCapacity", "0", "must be 1..16777216"),
            new("TimerCapacity too large", s => s.TimerCapacity = (1 << 24) + 1, "TimerCapacity", "16777217", "must be 1..16777216"),
            new("TimerSpokeCount too small", s => s.TimerSpokeCount = 8, "TimerSpokeCount", "8", Pow2Ring),
            new("TimerSpokeCount not a power of two", s => s.TimerSpokeCount = 1000, "TimerSpokeCount", "1000", Pow2Ring),
            new("TimerResolution too small", s => s.TimerResolution = TimeSpan.FromTicks(999), "TimerResolution", "00:00:00.0000999", "must be 100 µs..1 s"),
            new("TimerResolution too large", s => s.TimerResolution = TimeSpan.FromSeconds(2), "TimerResolution", "00:00:02", "must be 100 µs..1 s"),
            new("DispatchQuantum 0", s => s.DispatchQuantum = 0, "DispatchQuantum", "0", "must be 1..65536"),
            new("DispatchQuantum too large", s => s.DispatchQuantum = 65537, "DispatchQuantum", "65537", "must be 1..65536"),
            new("IdlePollTicks negative", s => s.IdlePollTicks = -1, "IdlePollTicks", "-1", "must be 0..100000000"),
            new("IdlePollTicks too large", s => s.IdlePollTicks = 100_000_001, "IdlePollTicks", "100000001", "must be 0..100000000"),
            new("LogCapacity too small", s => s.LogCapacity = 8, "LogCapacity", "8", Pow2Ring),
            new("LogCapacity not a power of two", s => s.LogCapacity = 1000, "LogCapacity", "1000", Pow2Ring),
            new("MinimumLogLevel unknown", s => s.MinimumLogLevel = (TinaLogLevel)42, "MinimumLogLevel", "42", "must be Trace..None"),
            new("LogSink null", s => s.LogSink = null!, "LogSink", "null", "must be a sink"),
            new("BufferCount negative", s => s.BufferCount = -1, "BufferCount", "-1", "must be 0..1048576"),
            new("BufferCount too large", s => s.BufferCount = (1 << 20) + 1, "BufferCount", "1048577", "must be 0..1048576"),
            new("BufferSize too small", s => s.BufferSize = 32, "BufferSize", "32", Pow2Pool),
            new("BufferSize not a power of two", s => s.BufferSize = 100, "BufferSize", "100", Pow2Pool),
            new("Duplicate isolate type", s => s.AddIsolate<Alpha>(), "Isolates[2]", "Alpha", "is already registered as Isolates[0]; register each type once"),
            new("Isolates[0].Slots 0", s => s.Isolates[0].Slots = 0, "Isolates[0].Slots", "0", "must be 1..1048576"),
            new("Isolates[1].Slots too many", s => s.Isolates[1].Slots = IsolateTypeSpec.SlotsMax + 1, "Isolates[1].Slots", "1048577", "must be 1..1048576"),
            new("Isolates[1].MailboxCapacity 0", s => s.Isolates[1].MailboxCapacity = 0, "Isolates[1].MailboxCapacity", "0", "must be 1..65536"),
            new("Isolates[1].MailboxCapacity too large", s => s.Isolates[1].MailboxCapacity = 65537, "Isolates[1].MailboxCapacity", "65537", "must be 1..65536"),
            new("Isolates[1].BudgetWeight 0", s => s.Isolates[1].BudgetWeight = 0, "Isolates[1].BudgetWeight", "0", "must be 1..255"),
            new("Isolates[1].BudgetWeight too large", s => s.Isolates[1].BudgetWeight = 256, "Isolates[1].BudgetWeight", "256", "must be 1..255"),
            new("Isolates[1].MaxOwedReplies negative", s => s.Isolates[1].MaxOwedReplies = -1, "Isolates[1].MaxOwedReplies", "-1", "must be 0..1024"),
            new("Isolates[1].MaxOwedReplies too large", s => s.Isolates[1].MaxOwedReplies = 1025, "Isolates[1].MaxOwedReplies", "1025", "must be 0..1024"),
            new("Slots x mailbox ring wraps to 0", s => { s.Isolates[1].Slots = 65536; s.Isolates[1].MailboxCapacity = 65536; }, "Isolates[1].Slots × Isolates[1].MailboxCapacity", "65536 × 65536 (a mailbox ring of 131072 entries per slot) = 8589934592 entries", "must be at most 2147483591"),
            new("Slots x mailbox ring just over", s => { s.Isolates[0].Slots = 16384; s.Isolates[0].MailboxCapacity = 65536; }, "Isolates[0].Slots × Isolates[0].MailboxCapacity", "16384 × 65536 (a mailbox ring of 131072 entries per slot) = 2147483648 entries", "must be at most 2147483591"),
            new("BufferCount x BufferSize wraps to 0", s => { s.BufferCount = 256; s.BufferSize = 1 << 24; }, "BufferCount × BufferSize", "256 × 16777216 = 4294967296 bytes", "must be at most 2147483591"),
            new("BufferCount x BufferSize just over", s => { s.BufferCount = 128; s.BufferSize = 1 << 24; }, "BufferCount × BufferSize", "128 × 16777216 = 2147483648 bytes", "must be at most 2147483591"),
        };
        return cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));
    }

    private static IEnumerable<TestCaseData> BoundaryCases()
    {
        Case[] cases =
        {
            new("ShardCount 1", s => s.ShardCount = 1, "", "", ""),
            new("ShardCount 255", s => s.ShardCount = 255, "", "", ""),
            new("CoreMap all unpinned", s => s.CoreMap = new[] { -1, -1 }, "", "", ""),
            new("MessagePoolCapacity 64", s => s.MessagePoolCapacity = 64, "", "", ""),
            new("MessagePoolCapacity 2^24", s => s.MessagePoolCapacity = 1 << 24, "", "", ""),
            new("RingCapacity 16 and 2^20", s => { s.RingCapacity = 16; s.ExternalInboxCapacity = 1 << 20; }, "", "", ""),
            new("TimerCapacity 1 and 2^24", s => { s.TimerCapacity = 1; s.TimerSpokeCount = 1 << 20; }, "", "", ""),
            new("TimerResolution 100 µs", s => s.TimerResolution = TimeSpan.FromTicks(1000), "", "", ""),
            new("TimerResolution 1 s", s => s.TimerResolution = TimeSpan.FromSeconds(1), "", "", ""),
            new("DispatchQuantum 1 and IdlePollTicks 0", s => { s.DispatchQuantum = 1; s.IdlePollTicks = 0; }, "", "", ""),
            new("DispatchQuantum 65536 and IdlePollTicks 10^8", s => { s.DispatchQuantum = 65536; s.IdlePollTicks = 100_000_000; }, "", "", ""),
            new("LogCapacity 16, BufferCount 0, BufferSize 64", s => { s.LogCapacity = 16; s.BufferCount = 0; s.BufferSize = 64; }, "", "", ""),
            new("MinimumLogLevel None", s => s.MinimumLogLevel = TinaLogLevel.None, "", "", ""),
            new("Per-type maxima", s => { s.Isolates[1].Slots = IsolateTypeSpec.SlotsMax; s.Isolates[1].MailboxCapacity = 1020; s.Isolates[1].BudgetWeight = 255; s.Isolates[1].MaxOwedReplies = 1024; }, "", "", ""),
            new("Largest mailbox with the most slots it allows", s => { s.Isolates[1].Slots = 16383; s.Isolates[1].MailboxCapacity = 65536; }, "", "", ""),
            new("BufferCount x BufferSize at the limit", s => { s.BufferCount = 127; s.BufferSize = 1 << 24; }, "", "", ""),
            new("Per-type minima", s => { s.Isolates[0].Slots = 1; s.Isolates[0].MailboxCapacity = 1; s.Isolates[0].BudgetWeight = 1; s.Isolates[0].MaxOwedReplies = 0; }, "", "", ""),
        };
        return cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Create_InvalidField_ThrowsNamingFieldValueAndAllowedRangeBeforeAnyThreadStarts(Case c)
    {
        TinaSpec spec = ValidSpec();
        c.Mutate(spec);
        HashSet<string> threadsBefore = ShardThreads();
        TinaRuntime? runtime = null;

        var exception = Assert.Throws<TinaConfigurationException>(() => runtime = TinaRuntime.Create(spec));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Field, Is.EqualTo(c.Field));
            Assert.That(exception.Value, Is.EqualTo(c.Value));
            Assert.That(exception.Allowed, Does.StartWith(c.Allowed));
            Assert.That(exception.Message, Does.Contain(c.Field).And.Contain(c.Value).And.Contain(c.Allowed));
            Assert.That(runtime, Is.Null, "no runtime was created");
            Assert.That(ShardThreads().Except(threadsBefore), Is.Empty, "no shard thread was started");
        });
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Validate_InvalidField_ThrowsTheSameField(Case c)
    {
        TinaSpec spec = ValidSpec();
        c.Mutate(spec);

        var exception = Assert.Throws<TinaConfigurationException>(spec.Validate);
        Assert.That(exception!.Field, Is.EqualTo(c.Field));
    }

    [TestCaseSource(nameof(BoundaryCases))]
    public void Validate_FieldAtItsBound_IsAccepted(Case c)
    {
        TinaSpec spec = ValidSpec();
        c.Mutate(spec);

        Assert.DoesNotThrow(spec.Validate);
    }

    [Test]
    public void Create_NoIsolateTypes_ThrowsForIsolatesCount()
    {
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false };

        var exception = Assert.Throws<TinaConfigurationException>(() => TinaRuntime.Create(spec));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Field, Is.EqualTo("Isolates.Count"));
            Assert.That(exception.Value, Is.EqualTo("0"));
            Assert.That(exception.Allowed, Does.StartWith("must be 1..255"));
        });
    }

    [Test]
    public void Create_ValidSpec_StartsNoThreadUntilStart()
    {
        Assume.That(Directory.Exists("/proc/self/task"), "thread names are read from /proc");
        HashSet<string> before = ShardThreads();
        using TinaRuntime runtime = TinaRuntime.Create(ValidSpec());
        Assert.That(ShardThreads().Except(before), Is.Empty, "Create starts no thread");

        runtime.Start();
        Assert.That(ShardThreads().Except(before).Count(), Is.EqualTo(2), "Start starts one thread per shard (so the check above can see them)");
        Assert.That(runtime.Stop(TimeSpan.FromSeconds(30)), Is.True);
    }

    [Test]
    public void MessageType_LargerThan96Bytes_ThrowsOnFirstUseNamingItsSize()
    {
        var exception = Assert.Throws<TypeInitializationException>(() => _ = MessageType<TooBig>.Id);

        Assert.That(exception!.InnerException, Is.InstanceOf<ArgumentException>());
        Assert.That(exception.InnerException!.Message, Does.Contain("104 bytes").And.Contain("at most 96 bytes").And.Contain(nameof(TooBig)));

        // Sending one fails the same way, before anything is enqueued.
        var spec = ValidSpec();
        using var sim = new Deterministic(spec);
        Handle beta = sim.Spawn<Beta>(0);
        Assert.Throws<TypeInitializationException>(() => sim.Runtime.Send(beta, default(TooBig)));
        Assert.That(sim.Shard(0).External.Ring.HasPublished(), Is.False);
    }

    [Test]
    public void MessageType_Exactly96Bytes_IsCarriedWhole()
    {
        Assert.That(MessageType<Exactly96>.Size, Is.EqualTo(96));
        using var sim = new Deterministic(ValidSpec());
        Handle beta = sim.Spawn<Beta>(1);

        Assert.That(sim.Runtime.Send(beta, new Exactly96(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1000)), Is.EqualTo(SendResult.Ok));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Beta>(beta).Sum, Is.EqualTo(1001));
    }

    /// <summary>Thread ids of this process whose OS name starts with tina-shard (Linux; empty elsewhere).</summary>
    private static HashSet<string> ShardThreads()
    {
        var result = new HashSet<string>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return result;
        }

        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("tina-shard", StringComparison.Ordinal))
                {
                    result.Add(Path.GetFileName(task));
                }
            }
            catch (IOException)
            {
                // the thread exited while we looked
            }
        }

        return result;
    }
}
