using System;
using System.Buffers.Binary;

namespace Tina.Io.Interop;

/// <summary>
/// Linux <c>sockaddr_in</c> / <c>sockaddr_in6</c> encoding (family in host order, port in network order). Pure: the
/// simulator decodes the same bytes.
/// </summary>
internal static unsafe class SockAddr
{
    public const int IPv4Length = 16;
    public const int IPv6Length = 28;

    /// <summary>Writes the sockaddr for the address and port; returns its length (0 when it does not fit).</summary>
    public static int Encode(in IoAddress address, int port, byte* destination, int capacity, int familyIPv4, int familyIPv6)
    {
        int length = address.IsIPv6 ? IPv6Length : IPv4Length;
        if (capacity < length)
        {
            return 0;
        }

        var span = new Span<byte>(destination, length);
        span.Clear();
        BitConverter.TryWriteBytes(span, (ushort)(address.IsIPv6 ? familyIPv6 : familyIPv4));
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)port);
        if (address.IsIPv6)
        {
            address.WriteBytes(span.Slice(8, 16));
        }
        else
        {
            address.WriteBytes(span.Slice(4, 4));
        }

        return length;
    }

    /// <summary>Reads a sockaddr written by <see cref="Encode"/>. False for another family or length.</summary>
    public static bool TryDecode(byte* source, int length, int familyIPv4, int familyIPv6, out IoAddress address, out int port)
    {
        address = default;
        port = 0;
        if (length < IPv4Length)
        {
            return false;
        }

        var span = new ReadOnlySpan<byte>(source, length);
        int family = BitConverter.ToUInt16(span);
        port = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        if (family == familyIPv4)
        {
            address = IoAddress.FromBytes(span.Slice(4, 4));
            return true;
        }

        if (family == familyIPv6 && length >= IPv6Length)
        {
            address = IoAddress.FromBytes(span.Slice(8, 16));
            return true;
        }

        return false;
    }
}
