using System;
using System.Globalization;
using System.Text;
using Tina.Http.Parsing;
using Tina.Io;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// Writes the heads a proxy forwards: the upstream request head (from the client's request) and the client response
/// head fields (from the upstream's response), removing hop-by-hop fields (<see cref="HttpHopByHop"/>), adding
/// <c>Via</c> and the <c>X-Forwarded-*</c> fields, and writing this hop's own framing.
/// </summary>
/// <remarks>Allocation-free: spans in, spans out. Every writer returns the bytes written, or -1 when the area is too small.</remarks>
internal static class HttpProxyHeads
{
    /// <summary>The upstream request head, ending with the empty line.</summary>
    public static int WriteRequest(Span<byte> area, HttpRequestParser request, bool hasPeer, IoAddress peer, byte[] via, byte[] proto)
    {
        Writer w = new(area);
        w.Put(request.Method);
        w.Put(" "u8);
        w.Put(request.Target);
        w.Put(" HTTP/1.1\r\n"u8);
        bool forwardedFor = false;
        for (int i = 0; i < request.HeaderCount; i++)
        {
            ReadOnlySpan<byte> name = request.HeaderName(i);
            ReadOnlySpan<byte> value = request.HeaderValue(i);
            if (HttpHopByHop.IsHopByHop(name, request, null) || HttpSyntax.EqualsIgnoreCase(name, "expect"u8)
                || HttpSyntax.EqualsIgnoreCase(name, "x-forwarded-proto"u8) || HttpSyntax.EqualsIgnoreCase(name, "x-forwarded-host"u8))
            {
                continue; // Expect is answered by this proxy; the forwarded proto and host are ours to state
            }

            if (HttpSyntax.EqualsIgnoreCase(name, "x-forwarded-for"u8) && !forwardedFor)
            {
                forwardedFor = true;
                w.Put(name);
                w.Put(": "u8);
                w.Put(value);
                w.Put(", "u8);
                w.Address(hasPeer, peer);
                w.Put("\r\n"u8);
                continue;
            }

            if (HttpSyntax.EqualsIgnoreCase(name, "host"u8))
            {
                w.Put("X-Forwarded-Host: "u8);
                w.Put(value);
                w.Put("\r\n"u8);
            }

            w.Put(name);
            w.Put(": "u8);
            w.Put(value);
            w.Put("\r\n"u8);
        }

        if (!forwardedFor)
        {
            w.Put("X-Forwarded-For: "u8);
            w.Address(hasPeer, peer);
            w.Put("\r\n"u8);
        }

        w.Put("X-Forwarded-Proto: "u8);
        w.Put(proto);
        w.Put("\r\n"u8);
        w.Put("Via: 1."u8);
        w.Digit(request.VersionMinor);
        w.Put(" "u8);
        w.Put(via);
        w.Put("\r\n"u8);
        if (request.IsChunked)
        {
            w.Put("Transfer-Encoding: chunked\r\n"u8);
        }
        else if (request.ContentLength >= 0)
        {
            w.Put("Content-Length: "u8);
            w.Number(request.ContentLength);
            w.Put("\r\n"u8);
        }

        w.Put("\r\n"u8);
        return w.Length;
    }

    /// <summary>
    /// The client response head's status line and fields, without Date, Connection and the empty line (the client
    /// connection adds those). <paramref name="chunkToClient"/>: this hop's body is chunked (the upstream's was chunked or
    /// close-delimited and the client speaks HTTP/1.1).
    /// </summary>
    public static int WriteResponse(Span<byte> area, HttpResponseParser response, bool chunkToClient, byte[] via)
    {
        Writer w = new(area);
        w.Put("HTTP/1.1 "u8);
        w.Number(response.Status);
        w.Put(" "u8);
        w.Put(response.Reason);
        w.Put("\r\n"u8);
        for (int i = 0; i < response.HeaderCount; i++)
        {
            ReadOnlySpan<byte> name = response.HeaderName(i);
            if (HttpHopByHop.IsHopByHop(name, null, response) || HttpSyntax.EqualsIgnoreCase(name, "date"u8))
            {
                continue;
            }

            w.Put(name);
            w.Put(": "u8);
            w.Put(response.HeaderValue(i));
            w.Put("\r\n"u8);
        }

        w.Put("Via: 1."u8);
        w.Digit(response.VersionMinor);
        w.Put(" "u8);
        w.Put(via);
        w.Put("\r\n"u8);
        if (chunkToClient)
        {
            w.Put("Transfer-Encoding: chunked\r\n"u8);
        }
        else if (response.ContentLength >= 0 && response.Status != 204)
        {
            // Also for HEAD and 304: the length the upstream declared for the representation.
            w.Put("Content-Length: "u8);
            w.Number(response.ContentLength);
            w.Put("\r\n"u8);
        }

        return w.Length;
    }

    /// <summary>Frames one chunk of a body sent chunked: size line, data, CRLF.</summary>
    public static int WriteChunk(Span<byte> area, ReadOnlySpan<byte> data)
    {
        Writer w = new(area);
        w.Hex(data.Length);
        w.Put("\r\n"u8);
        w.Put(data);
        w.Put("\r\n"u8);
        return w.Length;
    }

    public static byte[] Ascii(string token) => Encoding.ASCII.GetBytes(token);

    /// <summary>A cursor over an area; an overflow makes <see cref="Length"/> -1 from then on.</summary>
    private ref struct Writer
    {
        private readonly Span<byte> _area;
        private int _at;

        public Writer(Span<byte> area)
        {
            _area = area;
        }

        public readonly int Length => _at;

        public void Put(scoped ReadOnlySpan<byte> bytes)
        {
            if (_at < 0 || _at + bytes.Length > _area.Length)
            {
                _at = -1;
                return;
            }

            bytes.CopyTo(_area[_at..]);
            _at += bytes.Length;
            return;
        }

        public void Digit(int d)
        {
            Span<byte> one = [(byte)('0' + d)];
            Put(one);
        }

        public void Number(long n)
        {
            Span<byte> digits = stackalloc byte[20];
            n.TryFormat(digits, out int count, default, CultureInfo.InvariantCulture);
            Put(digits[..count]);
        }

        public void Hex(int n)
        {
            Span<byte> digits = stackalloc byte[8];
            n.TryFormat(digits, out int count, "x", CultureInfo.InvariantCulture);
            Put(digits[..count]);
        }

        public void Address(bool hasPeer, IoAddress peer)
        {
            if (!hasPeer)
            {
                Put("unknown"u8);
                return; // RFC 7239's obfuscated-node spirit: the peer is not known on this backend
            }

            Span<byte> raw = stackalloc byte[16];
            int n = peer.WriteBytes(raw);
            if (n == 4)
            {
                for (int i = 0; i < 4; i++)
                {
                    if (i > 0)
                    {
                        Put("."u8);
                    }

                    Number(raw[i]);
                }

                return;
            }

            // IPv6: hex groups, uncompressed (valid, and written without allocating).
            for (int i = 0; i < 16; i += 2)
            {
                if (i > 0)
                {
                    Put(":"u8);
                }

                Hex((raw[i] << 8) | raw[i + 1]);
            }

            return;
        }
    }
}
