using System;

namespace Tina.Http.Server;

/// <summary>Path extraction from a request target the parser has already validated (origin or absolute form).</summary>
internal static class HttpTarget
{
    /// <summary>The path part: origin-form up to '?'; absolute-form after "scheme://authority" ("/" when it has none).</summary>
    public static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        if (target.IsEmpty)
        {
            return target;
        }

        if (target[0] != (byte)'/')
        {
            int scheme = target.IndexOf("://"u8);
            if (scheme < 0)
            {
                return target; // "*" (OPTIONS) or an authority (CONNECT): matched as is
            }

            ReadOnlySpan<byte> rest = target[(scheme + 3)..];
            int slash = rest.IndexOfAny((byte)'/', (byte)'?');
            if (slash < 0 || rest[slash] == (byte)'?')
            {
                return "/"u8;
            }

            target = rest[slash..];
        }

        int query = target.IndexOf((byte)'?');
        return query < 0 ? target : target[..query];
    }
}
