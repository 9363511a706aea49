using System;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>1% of 100,000 messages throw: only the throwing isolates restart, siblings keep their state, counts add up.</summary>
public sealed class ContainmentTests
{
    public readonly record struct Work(int Sequence, bool Poison);

    /// <summary>Counts work; throws on poison. Its count is its state (lost on restart).</summary>
    public struct Counted : IIsolate
    {
        /// <summary>Messages handled since this instance started (read by the test through the slot array).</summary>
        public long Handled;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Work work))
            {
                if (work.Poison)
                {
                    throw new InvalidOperationException("poison");
                }

                Handled++;
                return Effect.Receive;
            }

            if (message.Kind == MessageKind.Call)
            {
                return ctx.Reply(new Total(Handled));
            }

            return Effect.Receive;
        }
    }

    public readonly record struct Total(long Value);

    [Test]
    public void OnePercentThrow_OnlyThrowersRestart_SiblingsIntact_CountsAddUp()
    {
        const int workers = 10;
        const int messages = 100_000;
        var root = new SupervisorSpec("workers") { MaxRestarts = 1000, RestartWindow = TimeSpan.FromMilliseconds(1) };
        for (int i = 0; i < workers; i++)
        {
            root.AddChild<Counted>();
        }

        var spec = new TinaSpec { ShardCount = 1, Supervision = root, ExternalInboxCapacity = 1 << 14, MessagePoolCapacity = 1 << 14 };
        spec.AddIsolate<Counted>(slots: workers * 2, mailboxCapacity: 4096);
        using var harness = new SupervisionHarness(spec);
        harness.Run(2);

        // Workers 0..4 get poison (1% of all messages, spread over them); workers 5..9 never do.
        var sentOk = new long[workers];
        var sentTo = new Handle[workers];
        long poisonDelivered = 0;
        long refused = 0;
        for (int m = 0; m < messages; m++)
        {
            bool poison = m % 100 == 0;
            int worker = poison ? (m / 100) % 5 : m % workers; // poison only ever reaches workers 0..4
            Handle target = harness.Child("workers", worker);
            sentTo[worker] = target;
            SendResult result = harness.Runtime.Send(target, new Work(m, poison));
            if (result == SendResult.Ok)
            {
                sentOk[worker]++;
                poisonDelivered += poison ? 1 : 0;
            }
            else
            {
                refused++;
            }

            if (poison)
            {
                harness.Run(2); // let the crash and restart happen, so later sends use the new handle
            }

            if (m % 1000 == 999)
            {
                harness.Clock.Advance(TimeSpan.FromMilliseconds(2)); // let restart windows slide: this test is about containment
                harness.Run(2);
            }
        }

        harness.Run(4);
        Assert.That(refused, Is.Zero, "the inbox and mailboxes were sized for the load");
        Assert.That(harness.Count(ShardCounter.IsolatesPanicked), Is.EqualTo(poisonDelivered), "every poison message crashed its worker");
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(poisonDelivered), "each crash restarted exactly one worker");
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.Zero);

        // Siblings that never crashed keep their handles and their whole count.
        for (int worker = 5; worker < workers; worker++)
        {
            Assert.That(harness.Child("workers", worker), Is.EqualTo(sentTo[worker]), $"worker {worker} was never restarted");
            Assert.That(CountOf(harness, worker), Is.EqualTo(sentOk[worker]), $"worker {worker} lost no state");
        }

        // Accounting: accepted = handled + dropped at teardown (mail queued behind a poison message when it crashed).
        long accepted = 0;
        foreach (long ok in sentOk)
        {
            accepted += ok;
        }

        long handled = harness.Count(ShardCounter.MessagesHandled);
        long dropped = harness.Count(ShardCounter.TeardownDrops);
        long inboundDrops = harness.Count(ShardCounter.InboundMailboxFull) + harness.Count(ShardCounter.InboundPoolExhausted)
            + harness.Count(ShardCounter.InboundStaleHandle);
        Assert.That(inboundDrops, Is.Zero, "no send went to a stale handle");
        Assert.That(handled + dropped, Is.EqualTo(accepted), "every accepted message was handled or dropped, with a reason, at a crash");
    }

    private static long CountOf(SupervisionHarness harness, int worker)
    {
        // A struct isolate's state sits in the shard's slot array.
        var table = (Tina.Isolates.IsolateTable<Counted>)harness.Shard().TypeTable(0);
        return table.InstanceAt(harness.Child("workers", worker).Slot).Handled;
    }
}
