using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Messaging;

/// <summary>
/// Envelopes are copied by the lines their payload needs (<c>Message.CopyCompact</c>): one line for a payload of at
/// most 32 bytes, both otherwise. The unit cases pin which bytes a copy touches; the end-to-end cases send every
/// size class across shards (ring → pool) and through a call (staged request → ring → pool, outcome → ring → reply
/// slot), right after a larger message of another pattern dirtied the same slots, and check every byte.
/// </summary>
public sealed class CompactCopyTests
{
    [InlineArray(32)]
    public struct Bytes32
    {
        private byte _first;
    }

    [InlineArray(33)]
    public struct Bytes33
    {
        private byte _first;
    }

    [InlineArray(96)]
    public struct Bytes96
    {
        private byte _first;
    }

    /// <summary>Asks the echo on the other shard to answer a call with this pattern in a payload of this size.</summary>
    public readonly record struct Order(Handle Echo, int Size, byte Seed, bool AsCall);

    private static void Fill(Span<byte> bytes, byte seed)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(seed + (i * 7));
        }
    }

    private static bool Matches(ReadOnlySpan<byte> bytes, byte seed)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)(seed + (i * 7)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The seed a pattern was written with is its first byte; null when the payload is not a pattern.</summary>
    private static (int Size, bool Intact)? Check(in Message message)
    {
        if (message.Is(out Bytes32 b32))
        {
            return (32, Matches(b32, b32[0]));
        }

        if (message.Is(out Bytes33 b33))
        {
            return (33, Matches(b33, b33[0]));
        }

        if (message.Is(out Bytes96 b96))
        {
            return (96, Matches(b96, b96[0]));
        }

        return null;
    }

    private static Effect SendPattern(ref Context ctx, Handle target, int size, byte seed, bool asCall)
    {
        switch (size)
        {
            case 32:
            {
                Bytes32 p = default;
                Fill(p, seed);
                return asCall ? ctx.Call(target, p, TimeSpan.FromSeconds(1)) : Sent(ctx.Send(target, p));
            }

            case 33:
            {
                Bytes33 p = default;
                Fill(p, seed);
                return asCall ? ctx.Call(target, p, TimeSpan.FromSeconds(1)) : Sent(ctx.Send(target, p));
            }

            default:
            {
                Bytes96 p = default;
                Fill(p, seed);
                return asCall ? ctx.Call(target, p, TimeSpan.FromSeconds(1)) : Sent(ctx.Send(target, p));
            }
        }
    }

    private static Effect Sent(SendResult result)
    {
        Assert.That(result, Is.EqualTo(SendResult.Ok));
        return Effect.Receive;
    }

    /// <summary>On an order: sends (or calls with) the pattern; records what arrives (mail and replies).</summary>
    public sealed class Sender : IIsolate
    {
        public readonly List<(MessageKind Kind, int Size, bool Intact)> Seen = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Order order))
            {
                return SendPattern(ref ctx, order.Echo, order.Size, order.Seed, order.AsCall);
            }

            if (Check(in message) is { } seen)
            {
                Seen.Add((message.Kind, seen.Size, seen.Intact));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Records each pattern; answers a call with the same size and a pattern seeded one higher.</summary>
    public sealed class Echo : IIsolate
    {
        public readonly List<(MessageKind Kind, int Size, bool Intact)> Seen = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (Check(in message) is not { } seen)
            {
                return Effect.Receive;
            }

            Seen.Add((message.Kind, seen.Size, seen.Intact));
            if (message.Kind != MessageKind.Call)
            {
                return Effect.Receive;
            }

            byte seed = (byte)(message.Is(out Bytes32 b32) ? b32[0] + 1 : message.Is(out Bytes33 b33) ? b33[0] + 1 : message.As<Bytes96>()[0] + 1);
            switch (seen.Size)
            {
                case 32:
                {
                    Bytes32 p = default;
                    Fill(p, seed);
                    return ctx.Reply(p);
                }

                case 33:
                {
                    Bytes33 p = default;
                    Fill(p, seed);
                    return ctx.Reply(p);
                }

                default:
                {
                    Bytes96 p = default;
                    Fill(p, seed);
                    return ctx.Reply(p);
                }
            }
        }
    }

    [Test]
    public void A_payload_of_at_most_32_bytes_copies_one_line_and_leaves_the_rest_of_the_destination()
    {
        Message source = default;
        source.SetHeader(Handle.None, Handle.None, MessageKind.User, 7);
        Bytes32 small = default;
        Fill(small, 3);
        source.SetPayload(small);

        Message destination = default;
        Span<byte> before = MemoryMarshalBytes(ref destination);
        before.Fill(0xEE);

        Message.CopyCompact(ref destination, in source);

        Span<byte> after = MemoryMarshalBytes(ref destination);
        Assert.That(after[..Message.LineBytes].SequenceEqual(MemoryMarshalBytes(ref source)[..Message.LineBytes]), Is.True, "header and payload");
        Assert.That(after[Message.LineBytes..].IndexOfAnyExcept((byte)0xEE), Is.EqualTo(-1), "the second line is not touched");
        Assert.That(destination.Is(out Bytes32 read) && Matches(read, 3), Is.True);
    }

    [Test]
    public void A_payload_over_32_bytes_copies_both_lines()
    {
        Message source = default;
        source.SetHeader(Handle.None, Handle.None, MessageKind.User, 7);
        Bytes33 large = default;
        Fill(large, 5);
        source.SetPayload(large);

        Message destination = default;
        MemoryMarshalBytes(ref destination).Fill(0xEE);

        Message.CopyCompact(ref destination, in source);

        Assert.That(MemoryMarshalBytes(ref destination).SequenceEqual(MemoryMarshalBytes(ref source)), Is.True);
        Assert.That(destination.Is(out Bytes33 read) && Matches(read, 5), Is.True);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Every_size_class_crosses_shards_intact_after_a_larger_message_dirtied_the_slots(bool asCall)
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Sender>(slots: 1);
        spec.AddIsolate<Echo>(slots: 1);
        using var sim = new Deterministic(spec);
        Handle echo = sim.Spawn<Echo>(1);
        Handle sender = sim.Spawn<Sender>(0);
        sim.RunUntilIdle();

        // Each pair: a 96-byte pattern first (it fills both lines of the ring entry, pool slot and reply slot), then
        // a smaller one whose compact copy leaves the larger one's second line behind in the same places.
        (int Size, byte Seed)[] order = [(96, 11), (32, 40), (96, 12), (33, 70), (96, 13), (32, 100)];
        foreach ((int size, byte seed) in order)
        {
            Assert.That(sim.Runtime.Send(sender, new Order(echo, size, seed, asCall)), Is.EqualTo(SendResult.Ok));
            sim.RunUntilIdle();
        }

        var expected = new List<(MessageKind, int, bool)>();
        foreach ((int size, _) in order)
        {
            expected.Add((asCall ? MessageKind.Call : MessageKind.User, size, true));
        }

        Assert.That(sim.Instance<Echo>(echo).Seen, Is.EqualTo(expected), "what crossed to the echo");
        if (asCall)
        {
            var replies = new List<(MessageKind, int, bool)>();
            foreach ((int size, _) in order)
            {
                replies.Add((MessageKind.Reply, size, true));
            }

            Assert.That(sim.Instance<Sender>(sender).Seen, Is.EqualTo(replies), "what came back in the reply slot");
        }
    }

    private static Span<byte> MemoryMarshalBytes(ref Message message) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref message, 1));
}
