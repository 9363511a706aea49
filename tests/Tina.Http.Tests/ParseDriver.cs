using System;
using System.Collections.Generic;
using System.Text;
using Tina.Http.Parsing;

namespace Tina.Http.Tests;

/// <summary>What a parser made of a byte stream: each complete request's head summary and body, then an error, if any.</summary>
internal sealed class ParseOutcome
{
    public readonly List<string> Heads = new();
    public readonly List<string> Bodies = new();
    public readonly List<bool> KeepAlive = new();
    public int ErrorStatus;
    public HttpParseError Error;
    public bool EndedMidRequest;
}

internal static class ParseDriver
{
    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Feeds <paramref name="input"/> in pieces of at most <paramref name="piece"/> bytes (splits at given cuts when set).</summary>
    public static ParseOutcome Run(byte[] input, HttpParserOptions? options = null, int piece = int.MaxValue, int[]? cuts = null)
    {
        var parser = new HttpRequestParser(options);
        var outcome = new ParseOutcome();
        var body = new StringBuilder();
        bool inRequest = false;
        int offset = 0;
        int cutIndex = 0;
        // Pending bytes the parser has not consumed yet stay at the front: emulate a receive buffer.
        var pending = new List<byte>();
        int guard = 0;
        while (offset < input.Length || pending.Count > 0)
        {
            int next = cuts != null
                ? (cutIndex < cuts.Length ? cuts[cutIndex++] : input.Length)
                : (int)Math.Min((long)offset + piece, input.Length);
            next = Math.Max(next, offset);
            for (int i = offset; i < next; i++)
            {
                pending.Add(input[i]);
            }
            bool lastFeed = next >= input.Length;
            offset = next;
            byte[] buffer = pending.ToArray();
            int start = 0;
            while (true)
            {
                if (++guard > 1_000_000)
                {
                    throw new InvalidOperationException("parser did not make progress");
                }

                HttpParseEvent ev = parser.Parse(buffer.AsSpan(start), out int consumed, out ReadOnlySpan<byte> chunk);
                start += consumed;
                if (consumed > 0)
                {
                    inRequest = true;
                }

                if (ev == HttpParseEvent.NeedMoreData)
                {
                    break;
                }

                if (ev == HttpParseEvent.Error)
                {
                    outcome.ErrorStatus = parser.ErrorStatus;
                    outcome.Error = parser.Error;
                    return outcome;
                }
                if (ev == HttpParseEvent.HeadersComplete)
                {
                    outcome.Heads.Add(Encoding.Latin1.GetString(parser.Method) + " " + Encoding.Latin1.GetString(parser.Target)
                        + " 1." + parser.VersionMinor + " h=" + parser.HeaderCount);
                    outcome.KeepAlive.Add(parser.KeepAlive);
                }
                else if (ev == HttpParseEvent.BodyData)
                {
                    body.Append(Encoding.Latin1.GetString(chunk));
                }
                else if (ev == HttpParseEvent.MessageComplete)
                {
                    outcome.Bodies.Add(body.ToString());
                    body.Clear();
                    inRequest = false;
                }
            }
            pending.RemoveRange(0, start);
            if (lastFeed)
            {
                outcome.EndedMidRequest = inRequest || pending.Count > 0;
                break;
            }
        }
        return outcome;
    }
}
