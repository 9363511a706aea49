using System;
using System.Buffers.Binary;
using System.Net;

namespace Tina.Io;

/// <summary>
/// An IPv4 or IPv6 address as an unmanaged value, so it can travel in messages and sit in isolate state.
/// </summary>
/// <remarks>The 16 address bytes are kept in network order; an IPv4 address uses the first 4.</remarks>
public readonly struct IoAddress : IEquatable<IoAddress>
{
    private readonly ulong _high;   // bytes 0..7, big-endian
    private readonly ulong _low;    // bytes 8..15, big-endian
    private readonly bool _isIPv6;

    private IoAddress(ulong high, ulong low, bool isIPv6)
    {
        _high = high;
        _low = low;
        _isIPv6 = isIPv6;
    }

    /// <summary>127.0.0.1.</summary>
    public static IoAddress Loopback => FromIPv4(127, 0, 0, 1);

    /// <summary>0.0.0.0: every IPv4 interface.</summary>
    public static IoAddress Any => default;

    /// <summary>::1.</summary>
    public static IoAddress IPv6Loopback => new(0, 1, isIPv6: true);

    /// <summary>::, every IPv6 interface.</summary>
    public static IoAddress IPv6Any => new(0, 0, isIPv6: true);

    /// <summary>True for an IPv6 address, false for IPv4.</summary>
    public bool IsIPv6 => _isIPv6;

    /// <summary>The address length in bytes: 4 or 16.</summary>
    public int Length => _isIPv6 ? 16 : 4;

    /// <summary>An IPv4 address from its four parts.</summary>
    public static IoAddress FromIPv4(byte a, byte b, byte c, byte d) =>
        new(((ulong)a << 56) | ((ulong)b << 48) | ((ulong)c << 40) | ((ulong)d << 32), 0, isIPv6: false);

    /// <summary>Converts an <see cref="IPAddress"/> (IPv4 or IPv6).</summary>
    public static IoAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("The address is neither IPv4 nor IPv6.", nameof(address));
        }

        return new IoAddress(
            BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), isIPv6: written == 16);
    }

    /// <summary>Parses a textual IPv4 or IPv6 address; throws <see cref="FormatException"/> when it is not one.</summary>
    public static IoAddress Parse(string text) => FromIPAddress(IPAddress.Parse(text));

    /// <summary>Parses a textual IPv4 or IPv6 address.</summary>
    public static bool TryParse(string? text, out IoAddress address)
    {
        if (IPAddress.TryParse(text, out IPAddress? parsed))
        {
            address = FromIPAddress(parsed);
            return true;
        }

        address = default;
        return false;
    }

    /// <summary>Writes the address bytes (4 or 16) in network order; returns how many.</summary>
    public int WriteBytes(Span<byte> destination)
    {
        Span<byte> all = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(all, _high);
        BinaryPrimitives.WriteUInt64BigEndian(all[8..], _low);
        all[..Length].CopyTo(destination);
        return Length;
    }

    /// <summary>Reads an address from its network-order bytes (4 for IPv4, 16 for IPv6).</summary>
    public static IoAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 4 && bytes.Length != 16)
        {
            throw new ArgumentException("An address has 4 or 16 bytes.", nameof(bytes));
        }

        Span<byte> all = stackalloc byte[16];
        all.Clear();
        bytes.CopyTo(all);
        return new IoAddress(
            BinaryPrimitives.ReadUInt64BigEndian(all), BinaryPrimitives.ReadUInt64BigEndian(all[8..]), isIPv6: bytes.Length == 16);
    }

    /// <summary>The address as an <see cref="IPAddress"/> (allocates; for logs and tests).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = WriteBytes(bytes);
        return new IPAddress(bytes[..length]);
    }

    /// <inheritdoc />
    public bool Equals(IoAddress other) => _high == other._high && _low == other._low && _isIPv6 == other._isIPv6;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IoAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low, _isIPv6);

    /// <summary>Compares family and bytes.</summary>
    public static bool operator ==(IoAddress left, IoAddress right) => left.Equals(right);

    /// <summary>Compares family and bytes.</summary>
    public static bool operator !=(IoAddress left, IoAddress right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => ToIPAddress().ToString();
}
