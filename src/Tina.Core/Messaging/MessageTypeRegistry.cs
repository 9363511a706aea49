using System;
using System.Collections.Generic;
using System.Threading;

namespace Tina.Messaging;

/// <summary>
/// Assigns message type tags once per type, off the hot path (the static initialiser of
/// <see cref="MessageType{T}"/> calls it exactly once per type).
/// </summary>
internal static class MessageTypeRegistry
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<uint, Type> s_byId = new();

    public static uint Register(Type type, int size)
    {
        if (size > MessagePayload.SizeBytes)
        {
            throw new ArgumentException(
                $"Message type {type.FullName} is {size} bytes; a message payload holds at most " +
                $"{MessagePayload.SizeBytes} bytes. Carry larger data in a shard buffer (Context.TryRentBuffer) " +
                "and send its BufferRef.",
                nameof(type));
        }

        uint id = Fnv1a(type.FullName ?? type.Name);
        if (id == 0)
        {
            id = 1;
        }

        lock (s_lock)
        {
            if (s_byId.TryGetValue(id, out Type? existing) && existing != type)
            {
                throw new InvalidOperationException(
                    $"Message types {existing.FullName} and {type.FullName} hash to the same tag 0x{id:x8}; " +
                    "rename one of them.");
            }

            s_byId[id] = type;
        }

        return id;
    }

    /// <summary>Name of a registered type, for diagnostics only.</summary>
    public static string NameOf(uint id)
    {
        lock (s_lock)
        {
            return s_byId.TryGetValue(id, out Type? type) ? type.Name : $"0x{id:x8}";
        }
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }

        return hash;
    }
}
