using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Answers <see cref="Ask"/> calls the way each asks: at once, failed, ignored, deferred, or by crashing. A responder
/// spawned as a replacement checks in with its spawner first.
/// </summary>
internal sealed class MeshResponder : IIsolate
{
    private const int OwedMax = 8;

    private readonly ReplyToken[] _owed = new ReplyToken[OwedMax];
    private readonly Ask[] _owedAsk = new Ask[OwedMax];

    public int NotesReceived { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Timer)
        {
            AnswerOwed(ref ctx, (int)message.TimerTag);
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Start && message.Is(out ResponderStart start))
        {
            // A replacement: check in with the caller that spawned it (if this is lost, that caller stops using it).
            ctx.Send(message.Source, new CheckIn(start.Index));
            return Effect.Receive;
        }

        if (message.Is<Note>())
        {
            NotesReceived++;
            return Effect.Receive;
        }

        if (message.Kind != MessageKind.Call || !message.Is(out Ask ask))
        {
            return Effect.Receive;
        }

        switch (ask.Mode)
        {
            case AskMode.Fail:
                return ctx.FailReply();
            case AskMode.Ignore:
                return Effect.Receive;
            case AskMode.Crash:
                return Effect.CrashWith(ask.Sequence);
            case AskMode.Defer:
            case AskMode.DeferFail:
                int index = Array.IndexOf(_owed, default);
                if (index >= 0 && ctx.TryDeferReply(out ReplyToken token))
                {
                    if (!ctx.RegisterTimer(TimeSpan.FromMilliseconds(ask.DelayMilliseconds), index).IsNone)
                    {
                        _owed[index] = token;
                        _owedAsk[index] = ask;
                        return Effect.Receive;
                    }

                    ctx.Reply(token, new Answer(ask.Sequence));
                    return Effect.Receive;
                }

                return ctx.Reply(new Answer(ask.Sequence));
            default:
                return ctx.Reply(new Answer(ask.Sequence));
        }
    }

    private void AnswerOwed(ref Context ctx, int index)
    {
        if ((uint)index >= OwedMax || _owed[index].IsNone)
        {
            return;
        }

        ReplyToken token = _owed[index];
        Ask ask = _owedAsk[index];
        _owed[index] = default;
        if (ask.Mode == AskMode.DeferFail)
        {
            ctx.FailReply(token);
        }
        else
        {
            ctx.Reply(token, new Answer(ask.Sequence));
        }
    }
}
