using System;

namespace Tina;

/// <summary>
/// Names one shard buffer (a fixed-size byte block from the spec's <c>BufferCount</c> × <c>BufferSize</c> pool):
/// home shard (8 bits), index (24), generation (32). Put it in a message to hand a large payload on.
/// </summary>
/// <remarks>
/// Ownership is explicit: a buffer has exactly one owner isolate at a time. Only the owner may read or write it
/// (<see cref="Context.GetBuffer(BufferRef)"/>), hand it to another isolate
/// (<see cref="Context.TransferBuffer(BufferRef, Handle)"/>, from its home shard) or release it
/// (<see cref="Context.ReleaseBuffer(BufferRef)"/>). A released or reused buffer's old reference is stale and
/// refused. When an owner exits, its buffers are reclaimed.
/// </remarks>
public readonly struct BufferRef : IEquatable<BufferRef>
{
    internal BufferRef(int shard, int index, uint generation) =>
        Value = ((ulong)(uint)shard << 56) | ((ulong)(uint)index << 32) | generation;

    internal BufferRef(ulong value) => Value = value;

    /// <summary>The reference that names no buffer.</summary>
    public static BufferRef None => default;

    /// <summary>The raw value.</summary>
    public ulong Value { get; }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    internal int Shard => (int)(Value >> 56);

    internal int Index => (int)((Value >> 32) & 0xFF_FFFF);

    internal uint Generation => (uint)Value;

    /// <inheritdoc />
    public bool Equals(BufferRef other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BufferRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Compares by value.</summary>
    public static bool operator ==(BufferRef left, BufferRef right) => left.Value == right.Value;

    /// <summary>Compares by value.</summary>
    public static bool operator !=(BufferRef left, BufferRef right) => left.Value != right.Value;
}
