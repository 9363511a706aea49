using NUnit.Framework;
using Tina.Io.Buffers;

namespace Tina.Io.Tests.Reactor;

public sealed class BufferAndTableTests
{
    [Test]
    public unsafe void BufferPool_IsPageAligned_AndRentsEachBufferOnce()
    {
        using var pool = new IoBufferPool(count: 4, size: 4096);
        Assert.That((ulong)pool.Pointer(0) % 4096UL, Is.EqualTo(0UL), "page-aligned native memory");
        var seen = new System.Collections.Generic.HashSet<int>();
        for (int i = 0; i < 4; i++)
        {
            Assert.That(pool.TryRent(IoBufferOwner.Kernel, out int index), Is.True);
            Assert.That(seen.Add(index), Is.True);
        }

        Assert.That(pool.TryRent(IoBufferOwner.Kernel, out _), Is.False, "exhausted is a value, not an exception");
        Assert.That(pool.CountOwnedBy(IoBufferOwner.Kernel), Is.EqualTo(4));
        Assert.That(pool.CheckInvariants(), Is.True);
    }

    [Test]
    public void BufferPool_EveryRent_ChangesTheGeneration()
    {
        using var pool = new IoBufferPool(count: 1, size: 512);
        pool.TryRent(IoBufferOwner.Reactor, out int index);
        uint first = pool.GenerationOf(index);
        pool.Lend(index, Handle.None, 7);
        Assert.That(pool.OwnerOf(index), Is.EqualTo(IoBufferOwner.Isolate));
        pool.Return(index);
        pool.TryRent(IoBufferOwner.Kernel, out int again);
        Assert.That(again, Is.EqualTo(index));
        Assert.That(pool.GenerationOf(again), Is.Not.EqualTo(first), "a stale completion can never read the next use's bytes");
        Assert.That(pool.CheckInvariants(), Is.True);
    }

    [Test]
    public void ConnectionTable_AllocateAndFree_KeepFreePlusLiveEqualToCapacity()
    {
        var table = new ConnectionTable(3);
        Assert.That(table.TryAllocate(out int a), Is.True);
        table[a].State = ConnectionState.Open;
        Assert.That(table.TryAllocate(out int b), Is.True);
        table[b].State = ConnectionState.Listener;
        Assert.That(table.TryAllocate(out int c), Is.True);
        table[c].State = ConnectionState.Reserved;
        Assert.That(table.TryAllocate(out _), Is.False);
        Assert.That(table.CheckInvariants(), Is.True);

        uint generation = table[a].Generation;
        table[a].Generation = ConnectionTable.NextGeneration(generation);
        table.Free(a);
        Assert.That(table.FreeCount, Is.EqualTo(1));
        Assert.That(table.CheckInvariants(), Is.True);
        Assert.That(table.TryAllocate(out int reused), Is.True);
        Assert.That(reused, Is.EqualTo(a));
        Assert.That(table[reused].Generation, Is.Not.EqualTo(generation), "old handles stay stale");
        Assert.That(ConnectionTable.NextGeneration(uint.MaxValue), Is.EqualTo(1u), "the generation skips 0 when it wraps");
    }
}
