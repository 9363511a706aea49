using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Testing;

namespace Tina.Generators.Tests;

/// <summary>
/// Generated dispatch on runtime-built envelopes, called directly: it behaves as the hand-written chain, and it
/// allocates nothing.
/// </summary>
public sealed class DirectDispatchTests
{
    private Message[] _messages = Array.Empty<Message>();

    [OneTimeSetUp]
    public void CaptureMessages()
    {
        Capture.Captured.Clear();
        using (var kit = new IsolateTestKit<Capture>())
        {
            kit.Deliver(new Ping(3));
            kit.Deliver(new Note(4));
            kit.Deliver(new Arm(5));
            kit.Deliver(new Stray(6));
            kit.Deliver(new Quit());
        }

        _messages = Capture.Captured.ToArray();
        Assert.That(_messages, Has.Length.EqualTo(5));
    }

    [Test]
    public void GeneratedBehavesAsTheHandWrittenChain()
    {
        var generated = new Summer();
        var hand = new HandSummer();
        var effects = new List<(Effect Generated, Effect Hand)>();
        foreach (Message message in _messages)
        {
            Context ctx = default;
            Effect g = generated.OnMessage(ref ctx, in message);
            Effect h = hand.OnMessage(ref ctx, in message);
            effects.Add((g, h));
        }

        Assert.That(generated.Sum, Is.EqualTo(3 + 40 + 500 - 1));
        Assert.That(generated.Sum, Is.EqualTo(hand.Sum));
        Assert.That(effects.ConvertAll(e => e.Generated), Is.EqualTo(effects.ConvertAll(e => e.Hand)));
        Assert.That(effects[^1].Generated, Is.EqualTo(Effect.Done));
    }

    [Test]
    public void GeneratedDispatchAllocatesNothing()
    {
        var isolate = new Summer();
        Dispatch(ref isolate, _messages, rounds: 100); // JIT and first-use work before measuring
        long before = GC.GetAllocatedBytesForCurrentThread();
        Dispatch(ref isolate, _messages, rounds: 10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
        Assert.That(isolate.Sum, Is.EqualTo(10_100L * (3 + 40 + 500 - 1)));
    }

    private static void Dispatch(ref Summer isolate, Message[] messages, int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < messages.Length; i++)
            {
                Context ctx = default;
                isolate.OnMessage(ref ctx, in messages[i]);
            }
        }
    }
}
