using System;

namespace Tina;

/// <summary>The result of a local spawn: the new isolate's handle, or why there is none.</summary>
public readonly struct SpawnResult : IEquatable<SpawnResult>
{
    internal SpawnResult(Handle handle, SpawnStatus status)
    {
        Handle = handle;
        Status = status;
    }

    /// <summary>The new isolate, or <see cref="Tina.Handle.None"/>.</summary>
    public Handle Handle { get; }

    /// <summary>Why it succeeded or failed.</summary>
    public SpawnStatus Status { get; }

    /// <summary>True when the isolate was spawned.</summary>
    public bool IsOk => Status == SpawnStatus.Ok;

    /// <inheritdoc />
    public bool Equals(SpawnResult other) => Handle == other.Handle && Status == other.Status;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpawnResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Handle.Value, Status);

    /// <summary>Compares handle and status.</summary>
    public static bool operator ==(SpawnResult left, SpawnResult right) => left.Equals(right);

    /// <summary>Compares handle and status.</summary>
    public static bool operator !=(SpawnResult left, SpawnResult right) => !left.Equals(right);
}
