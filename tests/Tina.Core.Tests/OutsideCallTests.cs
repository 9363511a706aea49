using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Tina.Tests;

/// <summary>
/// Calls from outside the runtime (TinaRuntime.CallAsync): replies, every failure status, timeouts, cancellation,
/// the in-flight bound, late replies dropped and counted, and no allocation per call on the caller's side.
/// </summary>
public sealed class OutsideCallTests
{
    public readonly record struct Ask(int Value);

    public readonly record struct Answer(int Value);

    public readonly record struct Release;

    public readonly record struct Quit;

    /// <summary>Doubles what it is asked; defers calls with a negative value until told to release them; quits on Quit.</summary>
    public sealed class Doubler : IIsolate
    {
        private ReplyToken _held;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call && message.Is(out Ask ask))
            {
                if (ask.Value >= 0)
                {
                    return ctx.Reply(new Answer(ask.Value * 2));
                }

                if (ask.Value == -2)
                {
                    return Effect.Done; // exits owing the call
                }

                ctx.TryDeferReply(out _held);
                return Effect.Receive;
            }

            if (message.Is<Release>() && !_held.IsNone)
            {
                ctx.Reply(_held, new Answer(-1));
                _held = default;
            }

            return Effect.Receive;
        }
    }

    /// <summary>A started two-shard runtime with one Doubler on each shard (<paramref name="doublers"/>[shard]).</summary>
    private static TinaRuntime Start(out Handle[] doublers, int capacity = 16)
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0, OutsideCallCapacity = capacity };
        spec.AddIsolate<Doubler>(slots: 8, mailboxCapacity: 64);
        TinaRuntime runtime = TinaRuntime.Create(spec);
        doublers = [runtime.Spawn<Doubler>(0).Handle, runtime.Spawn<Doubler>(1).Handle];
        runtime.Start();
        return runtime;
    }

    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Replies_ComeBack_InOrder_AndTheTableEmpties()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers);
        Handle doubler = doublers[1];
        for (int i = 0; i < 200; i++)
        {
            CallAnswer answer = await runtime.CallAsync(doubler, new Ask(i), s_long);
            Assert.That(answer.Status, Is.EqualTo(CallStatus.Ok));
            Assert.That(answer.TryGet(out Answer value), Is.True);
            Assert.That(value.Value, Is.EqualTo(i * 2));
        }

        Assert.That(runtime.OutsideCallsInFlight, Is.Zero);
    }

    [Test]
    public async Task Timeout_EndsTheCall_AndTheLateReplyIsDroppedAndCounted()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers);
        Handle doubler = doublers[0];
        CallAnswer answer = await runtime.CallAsync(doubler, new Ask(-1), TimeSpan.FromMilliseconds(50));
        Assert.That(answer.Status, Is.EqualTo(CallStatus.Timeout));
        Assert.That(runtime.Send(doubler, new Release()), Is.EqualTo(SendResult.Ok));
        Assert.That(SpinWait.SpinUntil(() => runtime.OutsideRepliesLate == 1, s_long), Is.True);
        CallAnswer next = await runtime.CallAsync(doubler, new Ask(4), s_long);
        Assert.That(next.TryGet(out Answer value) && value.Value == 8, Is.True, "the slot is reused cleanly after a late reply");
    }

    [Test]
    public async Task CancelledToken_EndsTheWait_WithCancelled()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers);
        Handle doubler = doublers[1];
        using var cancel = new CancellationTokenSource();
        ValueTask<CallAnswer> pending = runtime.CallAsync(doubler, new Ask(-1), s_long, cancel.Token);
        await cancel.CancelAsync();
        CallAnswer answer = await pending;
        Assert.That(answer.Status, Is.EqualTo(CallStatus.Cancelled));

        using var already = new CancellationTokenSource();
        await already.CancelAsync();
        Assert.That((await runtime.CallAsync(doubler, new Ask(1), s_long, already.Token)).Status, Is.EqualTo(CallStatus.Cancelled));
    }

    [Test]
    public async Task PastTheBound_TheCallIsRefusedAtOnce()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers, capacity: 2);
        Handle a = doublers[0];
        Handle b = doublers[1];
        ValueTask<CallAnswer> first = runtime.CallAsync(a, new Ask(-1), s_long);
        ValueTask<CallAnswer> second = runtime.CallAsync(b, new Ask(-1), s_long);
        ValueTask<CallAnswer> third = runtime.CallAsync(a, new Ask(1), s_long);
        Assert.That(third.IsCompleted, Is.True);
        Assert.That((await third).Status, Is.EqualTo(CallStatus.OutsideCallsFull));
        Assert.That(runtime.OutsideCallsRefused, Is.EqualTo(1));
        runtime.Send(a, new Release());
        runtime.Send(b, new Release());
        Assert.That((await first).Status, Is.EqualTo(CallStatus.Ok));
        Assert.That((await second).Status, Is.EqualTo(CallStatus.Ok));
        Assert.That((await runtime.CallAsync(a, new Ask(3), s_long)).Status, Is.EqualTo(CallStatus.Ok), "capacity came back");
    }

    [Test]
    public async Task CalleeExitsOwing_NoReply_StaleTarget_StaleHandle()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers);
        Handle doubler = doublers[1];
        Assert.That((await runtime.CallAsync(doubler, new Ask(-2), s_long)).Status, Is.EqualTo(CallStatus.NoReply));
        Assert.That(SpinWait.SpinUntil(() => !runtime.IsAlive(doubler), s_long), Is.True);
        Assert.That((await runtime.CallAsync(doubler, new Ask(1), s_long)).Status, Is.EqualTo(CallStatus.StaleHandle));
    }

    [Test]
    public void SteadyState_AllocatesNothingPerCall_OnTheCallersThread()
    {
        using TinaRuntime runtime = Start(out Handle[] doublers);
        Handle doubler = doublers[1];
        for (int i = 0; i < 200; i++)
        {
            _ = CallAndSpin(runtime, doubler, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 2_000; i++)
        {
            sum += CallAndSpin(runtime, doubler, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(sum, Is.EqualTo(2L * 1_999 * 2_000 / 2));
        Assert.That(allocated, Is.Zero);
    }

    // Waits without await, so the whole call (rent, post, completion, GetResult) runs on this thread but the shard's part.
    private static int CallAndSpin(TinaRuntime runtime, Handle target, int value)
    {
        ValueTask<CallAnswer> pending = runtime.CallAsync(target, new Ask(value), s_long);
        var spin = default(SpinWait);
        while (!pending.IsCompleted)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        CallAnswer answer = pending.Result;
        return answer.TryGet(out Answer reply) ? reply.Value : -1;
    }
}
