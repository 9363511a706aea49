using System;
using Tina.Http.Parsing;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// The hop-by-hop rule of RFC 9110 §7.6.1: fields meant for one connection only (Connection, Proxy-Connection,
/// Keep-Alive, TE, Transfer-Encoding, Upgrade, and every field named in Connection) are not forwarded. A proxy also
/// drops the message's own framing (Content-Length, Transfer-Encoding) and writes its own for the next hop.
/// </summary>
internal static class HttpHopByHop
{
    /// <summary>
    /// True when field <paramref name="name"/> of the request (or response) must not be forwarded: a hop-by-hop field,
    /// a field the message's Connection names, or its framing. O(fields) per call, at most MaxHeaderCount squared
    /// comparisons per message, without allocating.
    /// </summary>
    public static bool IsHopByHop(ReadOnlySpan<byte> name, HttpRequestParser? request, HttpResponseParser? response)
    {
        if (HttpSyntax.EqualsIgnoreCase(name, "connection"u8) || HttpSyntax.EqualsIgnoreCase(name, "proxy-connection"u8)
            || HttpSyntax.EqualsIgnoreCase(name, "keep-alive"u8) || HttpSyntax.EqualsIgnoreCase(name, "te"u8)
            || HttpSyntax.EqualsIgnoreCase(name, "transfer-encoding"u8) || HttpSyntax.EqualsIgnoreCase(name, "upgrade"u8)
            || HttpSyntax.EqualsIgnoreCase(name, "content-length"u8) || HttpSyntax.EqualsIgnoreCase(name, "proxy-authenticate"u8)
            || HttpSyntax.EqualsIgnoreCase(name, "proxy-authorization"u8))
        {
            return true;
        }

        int count = request?.HeaderCount ?? response!.HeaderCount;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> field = request is not null ? request.HeaderName(i) : response!.HeaderName(i);
            if (HttpSyntax.EqualsIgnoreCase(field, "connection"u8)
                && ListHas(request is not null ? request.HeaderValue(i) : response!.HeaderValue(i), name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the comma-separated list <paramref name="list"/> holds <paramref name="token"/> (ASCII case-insensitive, OWS trimmed).</summary>
    public static bool ListHas(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        while (true)
        {
            int comma = list.IndexOf((byte)',');
            ReadOnlySpan<byte> member = HttpSyntax.TrimOws(comma < 0 ? list : list[..comma]);
            if (EqualsIgnoreCase(member, token))
            {
                return true;
            }

            if (comma < 0)
            {
                return false;
            }

            list = list[(comma + 1)..];
        }
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            int x = a[i] is >= (byte)'A' and <= (byte)'Z' ? a[i] | 0x20 : a[i];
            int y = b[i] is >= (byte)'A' and <= (byte)'Z' ? b[i] | 0x20 : b[i];
            if (x != y)
            {
                return false;
            }
        }

        return true;
    }
}
