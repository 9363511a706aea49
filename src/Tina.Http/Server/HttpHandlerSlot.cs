using System;

namespace Tina.Http.Server;

/// <summary>
/// What <see cref="HttpHandler"/> and <see cref="HttpStreamingHandler"/> share on the handler's side of a call slot:
/// the slot's areas (reading one is the handler's first touch, the queueing-delay sample), and the checked
/// <c>Content-Type</c> line a reply starts with.
/// </summary>
internal static class HttpHandlerSlot
{
    /// <summary>The calling shard's state of server <paramref name="server"/>, or null (an unknown or stopped server).</summary>
    public static HttpShard? ShardOf(ref Context ctx, int server) => HttpServerRegistry.Get(server)?.ShardOrNull(ctx.ShardId);

    /// <summary>The call's request area, after its start is noted (<see cref="Started"/>); empty when the call has ended.</summary>
    public static Span<byte> RequestArea(ref Context ctx, int server, int slot, uint generation)
    {
        HttpShard? shard = ShardOf(ref ctx, server);
        Started(ref ctx, shard, slot, generation);
        return shard is not null ? shard.CallSlots.Request(slot, generation) : default;
    }

    /// <summary>The call's response area, after its start is noted (<see cref="Started"/>); empty when the call has ended.</summary>
    public static Span<byte> ResponseArea(ref Context ctx, int server, int slot, uint generation)
    {
        HttpShard? shard = ShardOf(ref ctx, server);
        Started(ref ctx, shard, slot, generation);
        return shard is not null ? shard.CallSlots.Response(slot, generation) : default;
    }

    /// <summary>The handler's first touch of a call is its start: the wait since the Call feeds the queueing-delay signal.</summary>
    private static void Started(ref Context ctx, HttpShard? shard, int slot, uint generation)
    {
        TimeSpan now = ctx.Now;
        if (shard is not null && shard.CallSlots.TryStart(slot, generation, now, out int handler, out TimeSpan sojourn))
        {
            shard.Admission.HandlerStarted(handler, now, sojourn);
        }
    }

    /// <summary>Throws for a status outside 200..599 or a content type holding a control byte (a header injection).</summary>
    public static void CheckHead(int status, ReadOnlySpan<byte> contentType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        foreach (byte b in contentType)
        {
            if (b < 0x20 || b == 0x7F)
            {
                throw new ArgumentException("A content type may not hold control bytes.", nameof(contentType));
            }
        }
    }

    /// <summary>Bytes of the <c>Content-Type</c> line for <paramref name="contentType"/> (0 when it is empty).</summary>
    public static int ContentTypeBytes(ReadOnlySpan<byte> contentType) =>
        contentType.IsEmpty ? 0 : "Content-Type: "u8.Length + contentType.Length + 2;

    /// <summary>Writes the <c>Content-Type</c> line (<see cref="ContentTypeBytes"/> long) at the start of <paramref name="area"/>.</summary>
    public static void WriteContentType(Span<byte> area, ReadOnlySpan<byte> contentType)
    {
        if (contentType.IsEmpty)
        {
            return;
        }

        "Content-Type: "u8.CopyTo(area);
        contentType.CopyTo(area["Content-Type: "u8.Length..]);
        "\r\n"u8.CopyTo(area[("Content-Type: "u8.Length + contentType.Length)..]);
    }
}
