using System;
using Tina.Http.Server;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The http-server workload's <c>GET /slow?seq=N&amp;ms=M</c> handler: answers with status <c>200 + N % 4</c> after M
/// milliseconds of simulated work. M = 0 (or no room to owe another reply) answers at once with the body
/// <c>slow:N</c>; otherwise the reply is deferred to a timer and carries no body (a deferred reply can write no call
/// slot bytes), so a request past the server's handler timeout gets 504 and the late reply is dropped by the runtime.
/// </summary>
internal sealed class SimSlowHandler : IIsolate
{
    /// <summary>Replies one handler may owe (the runtime's default <c>MaxOwedReplies</c>).</summary>
    private const int Owed = 8;

    private readonly ReplyToken[] _tokens = new ReplyToken[Owed];
    private readonly HttpHandlerRequest[] _requests = new HttpHandlerRequest[Owed];
    private readonly int[] _statuses = new int[Owed];
    private readonly byte[] _body = new byte[32];

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Timer)
        {
            int i = (int)message.TimerTag;
            if ((uint)i < Owed && !_tokens[i].IsNone)
            {
                ctx.Reply(_tokens[i], new HttpHandlerResponse(_statuses[i], _requests[i].Slot, _requests[i].Generation, 0, 0));
                _tokens[i] = default;
            }

            return Effect.Receive;
        }

        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        HttpRequestView view = HttpHandler.Read(ref ctx, in request);
        if (!view.IsValid)
        {
            return ctx.FailReply();
        }

        ReadOnlySpan<byte> target = view.Target;
        long seq = QueryNumber(target, "seq="u8);
        long ms = QueryNumber(target, "ms="u8);
        if (seq < 0 || ms < 0)
        {
            return ctx.FailReply();
        }

        int status = 200 + (int)(seq % 4);
        int free = -1;
        for (int i = 0; i < Owed && free < 0; i++)
        {
            free = _tokens[i].IsNone ? i : -1;
        }

        if (ms > 0 && free >= 0 && ctx.TryDeferReply(out ReplyToken token))
        {
            if (ctx.RegisterTimer(TimeSpan.FromMilliseconds(ms), free).IsNone)
            {
                ctx.FailReply(token);
                return Effect.Receive;
            }

            _tokens[free] = token;
            _requests[free] = request;
            _statuses[free] = status;
            return Effect.Receive;
        }

        "slow:"u8.CopyTo(_body);
        seq.TryFormat(_body.AsSpan(5), out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return HttpHandler.Respond(ref ctx, in request, status, default, _body.AsSpan(0, 5 + digits));
    }

    /// <summary>The decimal value after <paramref name="key"/> in the target's query, or -1.</summary>
    internal static long QueryNumber(ReadOnlySpan<byte> target, ReadOnlySpan<byte> key)
    {
        int query = target.IndexOf((byte)'?');
        if (query < 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> rest = target[(query + 1)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'&');
            ReadOnlySpan<byte> pair = end < 0 ? rest : rest[..end];
            if (pair.StartsWith(key))
            {
                long value = 0;
                ReadOnlySpan<byte> digits = pair[key.Length..];
                if (digits.IsEmpty || digits.Length > 12)
                {
                    return -1;
                }

                foreach (byte b in digits)
                {
                    if (b is < (byte)'0' or > (byte)'9')
                    {
                        return -1;
                    }

                    value = (value * 10) + (b - '0');
                }

                return value;
            }

            rest = end < 0 ? default : rest[(end + 1)..];
        }

        return -1;
    }
}
