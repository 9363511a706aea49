using System;

namespace Tina;

/// <summary>
/// The obligation to answer one call later, from <see cref="Context.TryDeferReply(out ReplyToken)"/>. Answer it
/// with <see cref="Context.Reply{T}(ReplyToken, in T)"/> or <see cref="Context.FailReply(ReplyToken)"/>; if the
/// isolate exits first, the runtime fails the caller with <see cref="CallStatus.NoReply"/>.
/// </summary>
public readonly struct ReplyToken : IEquatable<ReplyToken>
{
    internal ReplyToken(Handle caller, uint correlation)
    {
        Caller = caller;
        Correlation = correlation;
    }

    /// <summary>The isolate waiting for the reply.</summary>
    public Handle Caller { get; }

    internal uint Correlation { get; }

    /// <summary>True for the default value, which names no call.</summary>
    public bool IsNone => Caller.IsNone;

    /// <inheritdoc />
    public bool Equals(ReplyToken other) => Caller == other.Caller && Correlation == other.Correlation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ReplyToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Caller.Value, Correlation);

    /// <summary>Compares caller and correlation.</summary>
    public static bool operator ==(ReplyToken left, ReplyToken right) => left.Equals(right);

    /// <summary>Compares caller and correlation.</summary>
    public static bool operator !=(ReplyToken left, ReplyToken right) => !left.Equals(right);
}
