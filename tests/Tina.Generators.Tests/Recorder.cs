using System;

namespace Tina.Generators.Tests;

/// <summary>
/// A generated isolate with a handler for every kind the runtime tests drive: a call and a one-way of the same type,
/// a handler that reads the header, a timer, a Down, a typed and a failed reply, and the catch-all. It records what
/// each handler saw.
/// </summary>
[TinaHandlers]
[Accepts(typeof(Ping), typeof(Note), typeof(Arm), typeof(WatchChild), typeof(AskEcho))]
public partial struct Recorder
{
    public int PingCalls;
    public int PingSends;
    public int LastNote;
    public Handle LastNoteSource;
    public long LastTimerTag;
    public int Downs;
    public Handle Watched;
    public Handle DownTarget;
    public int Replies;
    public int LastReply;
    public int FailedReplies;
    public CallStatus LastFailure;
    public int Others;
    public uint LastOtherTag;

    [Handles(MessageKind.Call)]
    private Effect OnPingCall(ref Context ctx, in Ping ping)
    {
        PingCalls++;
        return ctx.Reply(new Pong(ping.Value + 1));
    }

    [Handles]
    private Effect OnPing(ref Context ctx, in Ping ping)
    {
        PingSends++;
        return Effect.Receive;
    }

    [Handles]
    private Effect OnNote(ref Context ctx, Note note, in Message message)
    {
        LastNote = note.Value;
        LastNoteSource = message.Source;
        return Effect.Receive;
    }

    [Handles]
    private static Effect OnArm(ref Context ctx, in Arm arm)
    {
        ctx.RegisterTimer(TimeSpan.FromMilliseconds(10), arm.Tag);
        return Effect.Receive;
    }

    [Handles(MessageKind.Timer)]
    private Effect OnTimer(ref Context ctx, in Message message)
    {
        LastTimerTag = message.TimerTag;
        return Effect.Receive;
    }

    [Handles]
    private Effect OnWatch(ref Context ctx, in WatchChild watch)
    {
        Watched = ctx.Spawn<Echo>().Handle;
        ctx.Watch(Watched);
        ctx.Send(Watched, new Quit());
        return Effect.Receive;
    }

    [Handles(MessageKind.Down)]
    private Effect OnDown(ref Context ctx, in Down down)
    {
        Downs++;
        DownTarget = down.Target;
        return Effect.Receive;
    }

    [Handles]
    private static Effect OnAsk(ref Context ctx, in AskEcho ask)
    {
        Handle echo = ctx.Spawn<Echo>().Handle;
        return ask.Unknown
            ? ctx.Call(echo, new Note(1), TimeSpan.FromSeconds(1))
            : ctx.Call(echo, new Ping(20), TimeSpan.FromSeconds(1));
    }

    [Handles(MessageKind.Reply)]
    private Effect OnPong(ref Context ctx, in Pong pong)
    {
        Replies++;
        LastReply = pong.Value;
        return Effect.Receive;
    }

    [Handles(MessageKind.Reply)]
    private Effect OnFailedReply(ref Context ctx, in Message message)
    {
        FailedReplies++;
        LastFailure = message.Status;
        return Effect.Receive;
    }

    [HandlesOther]
    private Effect Other(ref Context ctx, in Message message)
    {
        Others++;
        LastOtherTag = message.PayloadType;
        return Effect.Receive;
    }
}
