using System;
using System.Collections.Generic;

namespace Tina;

/// <summary>
/// Declares the closed set of payload types a <see cref="TinaHandlersAttribute"/> isolate is ever sent (one-way, as
/// calls or as its start message). The generator then reports each listed type no typed handler covers (TINA103), so
/// a message type added to the protocol cannot be forgotten; the catch-all does not count as covering it. Runtime
/// messages (timers, replies, Down, Cancel, I/O completions) are not listed.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class AcceptsAttribute : Attribute
{
    private readonly Type[] _types;

    /// <summary>Declares the payload types the isolate is sent.</summary>
    /// <param name="types">Unmanaged struct types.</param>
    public AcceptsAttribute(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types = types;
    }

    /// <summary>The payload types the isolate is sent.</summary>
    public IReadOnlyList<Type> Types => _types;
}
