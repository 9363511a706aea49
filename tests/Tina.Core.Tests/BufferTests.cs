using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class BufferTests
{
    private const int BufferSize = 256;

    public readonly record struct Rent(int Count);

    public readonly record struct Fill(int Index, byte Seed);

    public readonly record struct Give(int Index, Handle To);

    public readonly record struct Carry(BufferRef Buffer);

    public readonly record struct ReleaseAt(int Index);

    public readonly record struct ProbeAt(int Index);

    public readonly record struct ReleaseAll;

    public readonly record struct Quit;

    /// <summary>Rents, fills, hands on, reads, probes and releases shard buffers on command.</summary>
    public sealed class User : IIsolate
    {
        public static int CarriesReceived;
        public readonly List<BufferRef> Owned = new();
        public readonly List<bool> Rents = new();
        public readonly List<bool> Transfers = new();
        public readonly List<bool> Releases = new();
        public readonly List<int> ProbeLengths = new();
        public readonly List<long> Sums = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Rent rent))
            {
                for (int i = 0; i < rent.Count; i++)
                {
                    bool ok = ctx.TryRentBuffer(out BufferRef buffer);
                    Rents.Add(ok);
                    if (ok)
                    {
                        Owned.Add(buffer);
                    }
                }
            }
            else if (message.Is(out Fill fill))
            {
                Span<byte> bytes = ctx.GetBuffer(Owned[fill.Index]);
                for (int i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = (byte)(fill.Seed + i);
                }
            }
            else if (message.Is(out Give give))
            {
                BufferRef buffer = Owned[give.Index];
                bool transferred = ctx.TransferBuffer(buffer, give.To);
                Transfers.Add(transferred);
                if (transferred)
                {
                    ctx.Send(give.To, new Carry(buffer));
                }

                ProbeLengths.Add(ctx.GetBuffer(buffer).Length);
            }
            else if (message.Is(out Carry carry))
            {
                Interlocked.Increment(ref CarriesReceived);
                Owned.Add(carry.Buffer);
                long sum = 0;
                foreach (byte b in ctx.GetBuffer(carry.Buffer))
                {
                    sum += b;
                }

                Sums.Add(sum);
            }
            else if (message.Is(out ReleaseAt release))
            {
                Releases.Add(ctx.ReleaseBuffer(Owned[release.Index]));
            }
            else if (message.Is<ReleaseAll>())
            {
                foreach (BufferRef buffer in Owned)
                {
                    Releases.Add(ctx.ReleaseBuffer(buffer));
                }
            }
            else if (message.Is(out ProbeAt probe))
            {
                ProbeLengths.Add(ctx.GetBuffer(Owned[probe.Index]).Length);
            }
            else if (message.Is<Quit>())
            {
                return Effect.Done;
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create(int bufferCount = 8, int ringCapacity = 1024)
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.RingCapacity = ringCapacity;
        spec.BufferCount = bufferCount;
        spec.BufferSize = BufferSize;
        spec.AddIsolate<User>(slots: 8);
        return new Deterministic(spec);
    }

    /// <summary>A producer on shard 0 rents <paramref name="count"/> buffers and gives each to a consumer on shard 1, one per run.</summary>
    private static Handle ConsumerOwningAllBuffers(Deterministic sim, int count)
    {
        Handle producer = sim.Spawn<User>(0);
        Handle consumer = sim.Spawn<User>(1);
        sim.Runtime.Send(producer, new Rent(count));
        sim.RunUntilIdle();
        for (int i = 0; i < count; i++)
        {
            sim.Runtime.Send(producer, new Give(i, consumer));
            sim.RunUntilIdle();
        }

        return consumer;
    }

    private static long PatternSum(byte seed)
    {
        long sum = 0;
        for (int i = 0; i < BufferSize; i++)
        {
            sum += (byte)(seed + i);
        }

        return sum;
    }

    [Test]
    public void Buffer_RentWriteTransferToAnotherShardReadAndRelease_ComesHome()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle consumer = sim.Spawn<User>(1);
        sim.Runtime.Send(producer, new Rent(1));
        sim.Runtime.Send(producer, new Fill(0, Seed: 7));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(7));

        sim.Runtime.Send(producer, new Give(0, consumer));
        sim.RunUntilIdle();

        User p = sim.Instance<User>(producer);
        User c = sim.Instance<User>(consumer);
        Assert.Multiple(() =>
        {
            Assert.That(p.Transfers, Is.EqualTo(new[] { true }));
            Assert.That(p.ProbeLengths, Is.EqualTo(new[] { 0 }), "the producer no longer owns it after the transfer");
            Assert.That(c.Sums, Is.EqualTo(new[] { PatternSum(7) }), "the consumer on shard 1 read every byte");
            Assert.That(sim.Counter(0, ShardCounter.BuffersRented), Is.EqualTo(1));
        });

        sim.Runtime.Send(consumer, new ReleaseAt(0));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(c.Releases, Is.EqualTo(new[] { true }));
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8), "the release travelled home");
            Assert.That(sim.Shard(0).Buffers.HasRemoteLoans, Is.False);
        });
    }

    [Test]
    public void BufferRef_AfterLocalRelease_IsRefusedEvenWhenTheBlockIsRentedAgain()
    {
        using var sim = Create();
        Handle user = sim.Spawn<User>(0);
        sim.Runtime.Send(user, new Rent(1));
        sim.Runtime.Send(user, new ReleaseAt(0));
        sim.Runtime.Send(user, new ProbeAt(0));
        sim.Runtime.Send(user, new ReleaseAt(0));
        sim.Runtime.Send(user, new Rent(1));     // LIFO: the same block, next generation
        sim.Runtime.Send(user, new ProbeAt(0));
        sim.Runtime.Send(user, new ProbeAt(1));
        sim.Runtime.Send(user, new ReleaseAt(0));
        sim.RunUntilIdle();

        User u = sim.Instance<User>(user);
        Assert.Multiple(() =>
        {
            Assert.That(u.Owned[1], Is.Not.EqualTo(u.Owned[0]));
            Assert.That(u.Releases, Is.EqualTo(new[] { true, false, false }));
            Assert.That(u.ProbeLengths, Is.EqualTo(new[] { 0, 0, BufferSize }), "old reference refused, new one served");
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(7), "the live rent is still out");
        });
    }

    [Test]
    public void BufferRef_AfterRemoteRelease_IsRefusedOnceTheHomeShardTookItBack()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle consumer = sim.Spawn<User>(1);
        sim.Runtime.Send(producer, new Rent(1));
        sim.Runtime.Send(producer, new Give(0, consumer));
        sim.RunUntilIdle();
        sim.Runtime.Send(consumer, new ReleaseAt(0));
        sim.RunUntilIdle();

        sim.Runtime.Send(consumer, new ProbeAt(0));
        sim.Runtime.Send(consumer, new ReleaseAt(0));
        sim.Runtime.Send(producer, new ProbeAt(0));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<User>(consumer).ProbeLengths, Is.EqualTo(new[] { 0 }));
            Assert.That(sim.Instance<User>(consumer).Releases, Is.EqualTo(new[] { true, false }));
            Assert.That(sim.Instance<User>(producer).ProbeLengths, Is.EqualTo(new[] { 0, 0 }), "the previous owner has no claim either");
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8));
        });
    }

    [Test]
    public void Buffer_NonOwnerAndNonHomeShard_AreRefused()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle neighbour = sim.Spawn<User>(0);
        Handle consumer = sim.Spawn<User>(1);
        Handle third = sim.Spawn<User>(1);
        sim.Runtime.Send(producer, new Rent(1));
        sim.Runtime.Send(producer, new Give(0, consumer));
        sim.RunUntilIdle();

        // The consumer lives on shard 1; a shard-0 buffer can only change hands on shard 0.
        sim.Runtime.Send(consumer, new Give(0, third));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<User>(consumer).Transfers, Is.EqualTo(new[] { false }));
            Assert.That(sim.Instance<User>(consumer).ProbeLengths, Is.EqualTo(new[] { BufferSize }), "still the owner");
            Assert.That(sim.Instance<User>(third).Sums, Is.Empty);
            Assert.That(sim.Instance<User>(neighbour).Owned, Is.Empty);
        });
    }

    [Test]
    public void TryRentBuffer_PoolEmpty_ReturnsFalseAndCountsBuffersExhausted()
    {
        using var sim = Create(bufferCount: 2);
        Handle user = sim.Spawn<User>(0);
        sim.Runtime.Send(user, new Rent(3));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<User>(user).Rents, Is.EqualTo(new[] { true, true, false }));
            Assert.That(sim.Counter(0, ShardCounter.BuffersExhausted), Is.EqualTo(1));
            Assert.That(sim.Counter(0, ShardCounter.BuffersRented), Is.EqualTo(2));
        });
    }

    [Test]
    public void Exit_OwnerOnTheHomeShard_ReclaimsItsBuffers()
    {
        using var sim = Create();
        Handle user = sim.Spawn<User>(0);
        Handle bystander = sim.Spawn<User>(0);
        sim.Runtime.Send(user, new Rent(3));
        sim.Runtime.Send(bystander, new Rent(1));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(4));

        sim.Runtime.Send(user, new Quit());
        sim.RunUntilIdle();
        sim.Runtime.Send(bystander, new ProbeAt(0));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(3));
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(7), "only the exiting owner's buffers");
            Assert.That(sim.Instance<User>(bystander).ProbeLengths, Is.EqualTo(new[] { BufferSize }));
        });
    }

    [Test]
    public void Exit_OwnerOnAnotherShard_SendsItsBuffersHome()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle consumer = sim.Spawn<User>(1);
        sim.Runtime.Send(producer, new Rent(2));
        sim.Runtime.Send(producer, new Give(0, consumer));
        sim.Runtime.Send(producer, new Give(1, consumer));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(6));

        sim.Runtime.Send(consumer, new Quit());
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(1, ShardCounter.BuffersReclaimed), Is.EqualTo(2));
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8));
            Assert.That(sim.Shard(0).Buffers.HasRemoteLoans, Is.False);
        });
    }

    [Test]
    public void ReleaseBuffer_MoreRemoteReleasesThanTheRingHolds_AllComeHomeOverLaterTicks()
    {
        using var sim = Create(bufferCount: 40, ringCapacity: 16);
        Handle consumer = ConsumerOwningAllBuffers(sim, 40);

        Assert.That(sim.Instance<User>(consumer).Sums, Has.Count.EqualTo(40), "setup: the consumer owns all 40");
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.Zero);

        sim.Runtime.Send(consumer, new ReleaseAll()); // 40 releases into a 16-slot ring in one invocation
        sim.RunRound();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.LessThan(40), "the ring could not carry them all in one tick");
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<User>(consumer).Releases, Has.Count.EqualTo(40).And.All.True);
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(40), "the refused releases were retried on later ticks");
            Assert.That(sim.Shard(0).Buffers.HasRemoteLoans, Is.False);
        });
    }

    [Test]
    public void HasPendingWork_ReleasesWaitingForRingSpace_AreWorkOnceTheHomeShardMadeRoom()
    {
        using var sim = Create(bufferCount: 40, ringCapacity: 16);
        Handle consumer = ConsumerOwningAllBuffers(sim, 40);

        sim.Runtime.Send(consumer, new ReleaseAll());
        sim.Runtime.RunRound(new[] { 1 }); // shard 1 only: 16 releases fill the system ring, 24 wait in the backlog
        sim.Runtime.RunRound(new[] { 1 }); // the flush finds the ring still full
        Assert.Multiple(() =>
        {
            Assert.That(sim.Shard(1).SystemLane.BacklogCount, Is.EqualTo(24));
            Assert.That(sim.Shard(1).SystemLane.RingTo(0)!.ProducerWaiting, Is.True, "the home shard is asked to wake it after its drain");
            Assert.That(sim.Shard(1).HasPendingWork(), Is.False, "nothing can move until the home shard drains: no busy polling");
        });

        sim.Runtime.RunRound(new[] { 0 }); // the home drains 16 (and would wake shard 1)
        Assert.That(sim.Shard(1).HasPendingWork(), Is.True, "releases waiting for ring space that is now free are work: the runner must not park on them");
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(40));
    }

    [Test]
    public void ReleaseBuffer_RingFullOnAShardThreadThatParksAtOnce_StillComesHome()
    {
        Volatile.Write(ref User.CarriesReceived, 0);
        TinaSpec spec = Deterministic.Spec(shards: 2); // IdlePollTicks = 0: park as soon as a tick finds nothing to do
        spec.LogSink = new ListLogSink();
        spec.RingCapacity = 16;
        spec.BufferCount = 40;
        spec.BufferSize = BufferSize;
        spec.AddIsolate<User>(slots: 8);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle producer = runtime.Spawn<User>(0).Handle;
        Handle consumer = runtime.Spawn<User>(1).Handle;
        runtime.Start();
        runtime.Send(producer, new Rent(40));
        for (int i = 0; i < 40; i++)
        {
            runtime.Send(producer, new Give(i, consumer));
            Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref User.CarriesReceived) == i + 1, TimeSpan.FromSeconds(30)), Is.True, $"carry {i}");
        }

        runtime.Send(consumer, new ReleaseAll());
        var stopwatch = Stopwatch.StartNew(); // a hang guard, not a speed bound: a lost release never arrives at all
        while (runtime.ShardAt(0).Buffers.FreeCount < 40 && stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(5);
        }

        Assert.That(runtime.ShardAt(0).Buffers.FreeCount, Is.EqualTo(40), "every release reached the home shard without any further wake-up");
        Assert.That(runtime.Stop(TimeSpan.FromSeconds(30)), Is.True);
    }

    [Test]
    public void Transfer_ToALocalIsolateThatHasExited_IsRefusedAndThePoolComesBackFull()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle gone = sim.Spawn<User>(0);
        sim.Runtime.Send(gone, new Quit());
        sim.Runtime.Send(producer, new Rent(1));
        sim.RunUntilIdle();

        sim.Runtime.Send(producer, new Give(0, gone));
        sim.Runtime.Send(producer, new Quit());
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8), "the buffer never belonged to the exited handle");
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(1), "the producer still owned it at its exit");
        });
    }

    [Test]
    public void Transfer_ToARemoteIsolateThatHasExited_ComesHomeWhenItsMessageIsDropped()
    {
        using var sim = Create();
        Handle producer = sim.Spawn<User>(0);
        Handle gone = sim.Spawn<User>(1);
        sim.Runtime.Send(gone, new Quit());
        sim.Runtime.Send(producer, new Rent(4));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(4));

        for (int i = 0; i < 4; i++)
        {
            sim.Runtime.Send(producer, new Give(i, gone)); // shard 0 cannot see the exit: the transfer succeeds
        }

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<User>(producer).Transfers, Is.EqualTo(new[] { true, true, true, true }));
            Assert.That(sim.Counter(1, ShardCounter.InboundStaleHandle), Is.EqualTo(4), "each carrier was dropped as stale");
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8), "every buffer lent to the exited isolate came home");
            Assert.That(sim.Shard(0).Buffers.HasRemoteLoans, Is.False);
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(4));
        });
    }
}
