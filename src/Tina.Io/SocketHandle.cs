using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tina.Io;

/// <summary>
/// A generational reference to a socket in one shard's connection table: shard (8 bits), index (24), generation (32).
/// </summary>
/// <remarks>
/// Bit budget, high to low: 63..56 shard index, 55..32 table index, 31..0 generation. Generations start at 1 and skip
/// 0 when they wrap, so a live handle is never zero and <see cref="None"/> is the all-zero value. Closing a socket
/// bumps its entry's generation at once, so every later use of the old handle fails with
/// <see cref="IoErrorKind.StaleConnection"/> instead of reaching the entry's next occupant. A handle is valid only on
/// its shard; to move a connection to another shard, detach it (<see cref="IoContextExtensions.TryDetachSocket"/>).
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct SocketHandle : IEquatable<SocketHandle>
{
    internal const int IndexBits = 24;
    internal const int IndexShift = 32;
    internal const int ShardShift = 56;
    internal const uint IndexMask = (1u << IndexBits) - 1;

    /// <summary>The largest table index a handle can carry.</summary>
    public const int IndexMax = (int)IndexMask;

    /// <summary>Creates a handle from its raw 64-bit value.</summary>
    /// <param name="value">A value previously read from <see cref="Value"/>.</param>
    public SocketHandle(ulong value) => Value = value;

    /// <summary>The handle that names no socket.</summary>
    public static SocketHandle None => default;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Value { get; }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <summary>The shard whose connection table holds the socket.</summary>
    public int Shard => (int)(Value >> ShardShift);

    /// <summary>The entry in that table.</summary>
    public int Index => (int)((Value >> IndexShift) & IndexMask);

    /// <summary>The entry's generation when the handle was made.</summary>
    public uint Generation => (uint)Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SocketHandle Pack(int shard, int index, uint generation)
    {
        Debug.Assert((uint)shard <= Handle.ShardMax, "shard index out of range");
        Debug.Assert((uint)index <= IndexMask, "connection index out of range");
        Debug.Assert(generation != 0, "a live socket's generation is never 0");
        return new SocketHandle(((ulong)(uint)shard << ShardShift) | ((ulong)(uint)index << IndexShift) | generation);
    }

    /// <inheritdoc />
    public bool Equals(SocketHandle other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SocketHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Compares raw values.</summary>
    public static bool operator ==(SocketHandle left, SocketHandle right) => left.Value == right.Value;

    /// <summary>Compares raw values.</summary>
    public static bool operator !=(SocketHandle left, SocketHandle right) => left.Value != right.Value;

    /// <inheritdoc />
    public override string ToString() =>
        IsNone ? "socket:none" : string.Create(CultureInfo.InvariantCulture, $"socket:{Shard}.{Index}.{Generation}");
}
