using System;

namespace Tina;

/// <summary>
/// Names one registered timer: entry index and the entry's generation, so cancelling a timer that already fired
/// (and whose entry was reused) is detected and does nothing.
/// </summary>
public readonly struct TimerId : IEquatable<TimerId>
{
    internal TimerId(int index, uint generation) => Value = ((ulong)generation << 32) | (uint)index;

    /// <summary>The id that names no timer.</summary>
    public static TimerId None => default;

    internal ulong Value { get; }

    internal int Index => (int)(uint)Value;

    internal uint Generation => (uint)(Value >> 32);

    /// <summary>True for <see cref="None"/> (also returned when the timer table was full).</summary>
    public bool IsNone => Value == 0;

    /// <inheritdoc />
    public bool Equals(TimerId other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimerId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Compares by value.</summary>
    public static bool operator ==(TimerId left, TimerId right) => left.Value == right.Value;

    /// <summary>Compares by value.</summary>
    public static bool operator !=(TimerId left, TimerId right) => left.Value != right.Value;
}
