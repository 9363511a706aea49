using System;
using NUnit.Framework;
using Tina.Scheduling;

namespace Tina.Tests.Shards;

/// <summary>The invocation value through its own API: identity from Begin/End, one staged call, staged I/O.</summary>
public sealed class InvocationTests
{
    public readonly record struct Ask(int Value);

    private static readonly Handle Self = Handle.Pack(0, 1, 2, 3);
    private static readonly Handle Caller = Handle.Pack(1, 0, 4, 5);
    private static readonly Handle Target = Handle.Pack(1, 0, 6, 7);

    [Test]
    public void None_is_outside_any_invocation()
    {
        Invocation invocation = Invocation.None;
        Assert.That(invocation.Type, Is.EqualTo(-1));
        Assert.That(invocation.HasStaged, Is.False);
    }

    [Test]
    public void Begin_takes_the_identity_and_call_state_from_the_message_and_End_clears_it()
    {
        Invocation invocation = Invocation.None;
        Message call = default;
        call.SetHeader(Self, Caller, MessageKind.Call, 42);
        invocation.CallResolved = true; // left over from an earlier call: Begin must reset it

        invocation.Begin(1, 2, Self, in call);

        Assert.That(invocation.Type, Is.EqualTo(1));
        Assert.That(invocation.Slot, Is.EqualTo(2));
        Assert.That(invocation.Handle, Is.EqualTo(Self));
        Assert.That(invocation.Kind, Is.EqualTo(MessageKind.Call));
        Assert.That(invocation.Caller, Is.EqualTo(Caller));
        Assert.That(invocation.Correlation, Is.EqualTo(42u));
        Assert.That(invocation.CallResolved, Is.False);

        invocation.End();
        Assert.That(invocation.Type, Is.EqualTo(-1));
        Assert.That(invocation.Handle, Is.EqualTo(Handle.None));
        Assert.That(invocation.Kind, Is.EqualTo(MessageKind.User));
    }

    [Test]
    public void StageCall_builds_the_request_from_the_invoked_isolate_and_refuses_a_second()
    {
        Invocation invocation = Invocation.None;
        Message user = default;
        user.SetHeader(Self, Handle.None, MessageKind.User, 0);
        invocation.Begin(1, 2, Self, in user);

        invocation.StageCall(Target, new Ask(9), timeoutTicks: 17);

        Assert.That(invocation.CallStaged, Is.True);
        Assert.That(invocation.HasStaged, Is.True);
        Assert.That(invocation.StagedTimeoutTicks, Is.EqualTo(17));
        Assert.That(invocation.StagedRequest.TargetHandle, Is.EqualTo(Target));
        Assert.That(invocation.StagedRequest.SourceHandle, Is.EqualTo(Self));
        Assert.That(invocation.StagedRequest.KindValue, Is.EqualTo(MessageKind.Call));
        Assert.That(invocation.StagedRequest.As<Ask>().Value, Is.EqualTo(9));
        Assert.That(() => invocation.StageCall(Target, new Ask(10), 1), Throws.InvalidOperationException);
        Assert.That(invocation.StagedRequest.As<Ask>().Value, Is.EqualTo(9), "the refused second call left the first intact");
    }

    [Test]
    public void StageIo_records_the_last_timeout()
    {
        Invocation invocation = Invocation.None;
        invocation.StageIo(5);
        invocation.StageIo(0);
        Assert.That(invocation.IoStaged, Is.True);
        Assert.That(invocation.StagedIoTimeoutTicks, Is.Zero);
        Assert.That(invocation.HasStaged, Is.True);
    }
}
