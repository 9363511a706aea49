using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Isolates;
using Tina.Timers;

namespace Tina.Tests.Memory;

/// <summary>Pins the per-element sizes that design/memory.md's preallocation table states, so the page stays true.</summary>
public sealed class StructSizeTests
{
    [Test]
    public void PreallocatedElements_HaveTheSizesTheMemoryPageGives()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<Message>(), Is.EqualTo(128), "message pool, rings, reply slots");
            Assert.That(Unsafe.SizeOf<IsolateMeta>(), Is.EqualTo(80), "isolate metadata");
            Assert.That(Unsafe.SizeOf<ReplyToken>(), Is.EqualTo(16), "owed reply token");
            Assert.That(Unsafe.SizeOf<TimerEntry>(), Is.EqualTo(48), "timer entry");
            Assert.That(Unsafe.SizeOf<LogRecord>(), Is.EqualTo(48), "log record");
        });
    }
}
