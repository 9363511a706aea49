using System;

namespace Tina;

/// <summary>
/// What a handler asks the scheduler to do next. A small tagged value: whatever an effect needs beyond its kind
/// (the call's target, message and timeout; the I/O operation) is staged on the shard by the
/// <see cref="Context"/> method that made it.
/// </summary>
public readonly struct Effect : IEquatable<Effect>
{
    internal Effect(EffectKind kind, int reason = 0)
    {
        Kind = kind;
        Reason = reason;
    }

    /// <summary>The effect's kind.</summary>
    public EffectKind Kind { get; }

    /// <summary>For <see cref="EffectKind.Crash"/>: the application's reason code.</summary>
    public int Reason { get; }

    /// <summary>Wait for the next message.</summary>
    public static Effect Receive => new(EffectKind.Receive);

    /// <summary>Let the other runnable isolates run, then resume with a <see cref="MessageKind.Resume"/> message.</summary>
    public static Effect Yield => new(EffectKind.Yield);

    /// <summary>Exit normally.</summary>
    public static Effect Done => new(EffectKind.Done);

    /// <summary>Exit with an error; the supervisor sees outcome Error.</summary>
    public static Effect Crash => new(EffectKind.Crash);

    /// <summary>Exit with an error and an application reason code.</summary>
    /// <param name="reason">Any code the application chooses; it is logged and reported with the exit.</param>
    public static Effect CrashWith(int reason) => new(EffectKind.Crash, reason);

    /// <inheritdoc />
    public bool Equals(Effect other) => Kind == other.Kind && Reason == other.Reason;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Effect other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => ((int)Kind << 24) ^ Reason;

    /// <summary>Compares kind and reason.</summary>
    public static bool operator ==(Effect left, Effect right) => left.Equals(right);

    /// <summary>Compares kind and reason.</summary>
    public static bool operator !=(Effect left, Effect right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind == EffectKind.Crash ? $"Crash({Reason})" : Kind.ToString();
}
