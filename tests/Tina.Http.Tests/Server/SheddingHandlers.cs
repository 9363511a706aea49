using System.Threading;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Holds every request (a deferred reply, up to the 8 a handler may owe) until a test sets <see cref="Release"/>, then
/// answers each held one 200 with an empty body. A 5 ms timer polls the flag while it holds anything.
/// </summary>
public sealed class HoldHandler : IIsolate
{
    private static int s_release;
    private readonly ReplyToken[] _tokens = new ReplyToken[8];
    private readonly HttpHandlerRequest[] _requests = new HttpHandlerRequest[8];
    private int _held;
    private bool _polling;

    /// <summary>Set by a test (another thread): held requests and later ones are answered.</summary>
    public static bool Release
    {
        get => Volatile.Read(ref s_release) != 0;
        set => Volatile.Write(ref s_release, value ? 1 : 0);
    }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Timer)
        {
            _polling = false;
            if (Release)
            {
                for (int i = 0; i < _held; i++)
                {
                    ctx.Reply(_tokens[i], new HttpHandlerResponse(200, _requests[i].Slot, _requests[i].Generation, 0, 0));
                }

                _held = 0;
            }

            Poll(ref ctx);
            return Effect.Receive;
        }

        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        HttpHandler.Read(ref ctx, in request);
        if (Release || _held == _tokens.Length || !ctx.TryDeferReply(out ReplyToken token))
        {
            return HttpHandler.Respond(ref ctx, in request, 200, default, default);
        }

        _tokens[_held] = token;
        _requests[_held] = request;
        _held++;
        Poll(ref ctx);
        return Effect.Receive;
    }

    private void Poll(ref Context ctx)
    {
        if (_held > 0 && !_polling)
        {
            ctx.RegisterTimer(System.TimeSpan.FromMilliseconds(5), 0);
            _polling = true;
        }
    }
}

/// <summary>
/// A deliberately slow handler: it queues requests itself (deferred replies, at most 8) and starts and answers the
/// oldest one every <see cref="Pace"/>, so a request waits for every one ahead of it (a standing queue when clients
/// keep it fed). It reads a request only when it starts on it, which is what the queueing-delay signal measures.
/// </summary>
public sealed class PacedHandler : IIsolate
{
    private static long s_paceTicks = System.TimeSpan.FromMilliseconds(10).Ticks;
    private readonly ReplyToken[] _tokens = new ReplyToken[8];
    private readonly HttpHandlerRequest[] _requests = new HttpHandlerRequest[8];
    private int _head;
    private int _count;
    private bool _ticking;

    /// <summary>Time per request (set by a test before the server starts).</summary>
    public static System.TimeSpan Pace
    {
        get => System.TimeSpan.FromTicks(Interlocked.Read(ref s_paceTicks));
        set => Interlocked.Exchange(ref s_paceTicks, value.Ticks);
    }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Timer)
        {
            _ticking = false;
            if (_count > 0)
            {
                HttpHandlerRequest request = _requests[_head];
                HttpHandler.Read(ref ctx, in request); // the start: the wait since the Call is sampled here
                ctx.Reply(_tokens[_head], new HttpHandlerResponse(200, request.Slot, request.Generation, 0, 0));
                _head = (_head + 1) % _tokens.Length;
                _count--;
            }

            Tick(ref ctx);
            return Effect.Receive;
        }

        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest call))
        {
            return Effect.Receive;
        }

        if (_count == _tokens.Length || !ctx.TryDeferReply(out ReplyToken token))
        {
            return ctx.FailReply(); // over what it may owe: the client sees 500 (a test that expects none fails)
        }

        int at = (_head + _count) % _tokens.Length;
        _tokens[at] = token;
        _requests[at] = call;
        _count++;
        Tick(ref ctx);
        return Effect.Receive;
    }

    private void Tick(ref Context ctx)
    {
        if (_count > 0 && !_ticking)
        {
            ctx.RegisterTimer(Pace, 0);
            _ticking = true;
        }
    }
}
