using System;
using System.Buffers.Binary;

namespace Tina.Http.Server;

/// <summary>
/// A handler's read-only view of one request, over the call slot the connection filled. Valid during the invocation
/// that handles the call. Empty (<see cref="IsValid"/> false) when the call's slot has moved on (the call timed out).
/// </summary>
/// <remarks>
/// Layout of the head area, written by the connection: version minor (1 byte), method and target (2-byte length,
/// bytes), header count (2 bytes), then each field's name and value (2-byte length, bytes). The body follows the head.
/// </remarks>
public readonly ref struct HttpRequestView
{
    private readonly ReadOnlySpan<byte> _head;

    internal HttpRequestView(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        _head = head;
        Body = body;
    }

    /// <summary>False when the request is gone (the call ended before the handler read it).</summary>
    public bool IsValid => !_head.IsEmpty;

    /// <summary>The minor HTTP version: 0 or 1.</summary>
    public int VersionMinor => IsValid ? _head[0] : 0;

    /// <summary>The method token.</summary>
    public ReadOnlySpan<byte> Method => IsValid ? Field(1, out _) : default;

    /// <summary>The request target as sent.</summary>
    public ReadOnlySpan<byte> Target
    {
        get
        {
            if (!IsValid)
            {
                return default;
            }

            Field(1, out int next);
            return Field(next, out _);
        }
    }

    /// <summary>The path of the target: up to the query (absolute-form targets give their path too).</summary>
    public ReadOnlySpan<byte> Path => HttpTarget.PathOf(Target);

    /// <summary>Header fields in the request.</summary>
    public int HeaderCount
    {
        get
        {
            if (!IsValid)
            {
                return 0;
            }

            int at = HeadersStart();
            return BinaryPrimitives.ReadUInt16LittleEndian(_head[at..]);
        }
    }

    /// <summary>The request body (empty when none).</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>The name of field <paramref name="index"/> (a walk from the first: fine for the few fields of a request).</summary>
    public ReadOnlySpan<byte> HeaderName(int index) => FieldPair(index, value: false);

    /// <summary>The value of field <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> HeaderValue(int index) => FieldPair(index, value: true);

    /// <summary>The first field named <paramref name="lowerCaseName"/> (ASCII case-insensitive).</summary>
    public bool TryGetHeader(ReadOnlySpan<byte> lowerCaseName, out ReadOnlySpan<byte> value)
    {
        int count = HeaderCount;
        int at = HeadersStart() + 2;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> name = Field(at, out at);
            ReadOnlySpan<byte> found = Field(at, out at);
            if (System.Text.Ascii.EqualsIgnoreCase(name, lowerCaseName))
            {
                value = found;
                return true;
            }
        }

        value = default;
        return false;
    }

    private int HeadersStart()
    {
        Field(1, out int next);
        Field(next, out next);
        return next;
    }

    private ReadOnlySpan<byte> FieldPair(int index, bool value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, HeaderCount);
        int at = HeadersStart() + 2;
        for (int i = 0; i < index; i++)
        {
            Field(at, out at);
            Field(at, out at);
        }

        ReadOnlySpan<byte> name = Field(at, out at);
        return value ? Field(at, out _) : name;
    }

    private ReadOnlySpan<byte> Field(int at, out int next)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_head[at..]);
        next = at + 2 + length;
        return _head.Slice(at + 2, length);
    }
}
