using System;

namespace Tina;

/// <summary>
/// Marks a handler method of a <see cref="TinaHandlersAttribute"/> isolate. Its parameters say what it handles:
/// <c>Effect Name(ref Context ctx, in T payload)</c> handles messages whose payload is a <c>T</c> (an unmanaged
/// struct), optionally with a third parameter <c>in Message message</c> for the header (source, status);
/// <c>Effect Name(ref Context ctx, in Message message)</c>, with a kind, handles that kind's messages no typed handler
/// took (a <see cref="MessageKind.Timer"/>, a failed <see cref="MessageKind.Reply"/>, a <see cref="MessageKind.Resume"/>).
/// </summary>
/// <remarks>
/// Without a kind a typed handler takes its type in every kind (a one-way send, a call, a start message); with a kind
/// it takes only that kind, and wins over the kind-less handler of the same type. One handler per type and kind
/// (TINA102).
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class HandlesAttribute : Attribute
{
    /// <summary>A handler for its payload type, in every kind.</summary>
    public HandlesAttribute()
    {
    }

    /// <summary>A handler for messages of <paramref name="kind"/> only.</summary>
    /// <param name="kind">The kind: User, Call, Reply, Timer, Resume, Start, Cancel, Shutdown, Down or IoCompleted.</param>
    public HandlesAttribute(MessageKind kind)
    {
        Kind = kind;
    }

    /// <summary>The kind this handler is for, or null for every kind.</summary>
    public MessageKind? Kind { get; }
}
