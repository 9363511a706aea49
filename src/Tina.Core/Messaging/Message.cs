using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tina.Messaging;

namespace Tina;

/// <summary>
/// A 128-byte message envelope: a 32-byte header and a 96-byte inline payload holding one unmanaged struct.
/// </summary>
/// <remarks>
/// Envelopes live in the shard's preallocated message pool, in cross-shard rings and in per-isolate reply slots;
/// handlers see them by reference (<c>in Message</c>), valid for that invocation only. Reading a payload is a type
/// tag compare and an unaligned load: no boxing, no allocation.
/// Header layout: target (8), source (8), type tag (4), kind (1), status (1), payload length (2), correlation (4),
/// auxiliary (4).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = SizeBytes)]
public struct Message
{
    /// <summary>Envelope size in bytes: two cache lines.</summary>
    public const int SizeBytes = 128;

    /// <summary>Largest payload in bytes.</summary>
    public const int PayloadSizeMax = MessagePayload.SizeBytes;

    internal Handle TargetHandle;
    internal Handle SourceHandle;
    internal uint TypeId;
    internal MessageKind KindValue;
    internal CallStatus StatusValue;
    internal ushort PayloadLength;
    internal uint Correlation;
    internal uint Auxiliary;
    internal MessagePayload Payload;

    /// <summary>What this message is: a user message, a call, a reply to this isolate's call, a timer, ...</summary>
    public readonly MessageKind Kind => KindValue;

    /// <summary>The sending isolate, or <see cref="Handle.None"/> for runtime and external messages.</summary>
    public readonly Handle Source => SourceHandle;

    /// <summary>For <see cref="MessageKind.Reply"/>: how the call ended. <see cref="CallStatus.Ok"/> otherwise.</summary>
    public readonly CallStatus Status => StatusValue;

    /// <summary>For <see cref="MessageKind.Timer"/>: the tag given when the timer was registered.</summary>
    public readonly long TimerTag => Kind == MessageKind.Timer ? ReadWord0() : 0;

    /// <summary>The payload's type tag, 0 when there is no payload.</summary>
    public readonly uint PayloadType => TypeId;

    /// <summary>True when the payload is a <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Is<T>()
        where T : unmanaged => TypeId == MessageType<T>.Id;

    /// <summary>Reads the payload as a <typeparamref name="T"/> when it is one.</summary>
    /// <param name="value">The payload, or default.</param>
    /// <returns>True when the payload is a <typeparamref name="T"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Is<T>(out T value)
        where T : unmanaged
    {
        if (TypeId == MessageType<T>.Id)
        {
            value = PayloadUnchecked<T>();
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The payload read as a <typeparamref name="T"/> with no tag check (the caller has made it): an unaligned load from the inline payload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly T PayloadUnchecked<T>()
        where T : unmanaged => Unsafe.ReadUnaligned<T>(ref Unsafe.As<MessagePayload, byte>(ref Unsafe.AsRef(in Payload)));

    /// <summary>Reads the payload as a <typeparamref name="T"/>; throws when it is another type.</summary>
    public readonly T As<T>()
        where T : unmanaged
    {
        if (!Is(out T value))
        {
            ThrowHelper.ThrowWrongPayloadType(typeof(T), TypeId);
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetPayload<T>(in T value)
        where T : unmanaged
    {
        TypeId = MessageType<T>.Id;
        PayloadLength = (ushort)Unsafe.SizeOf<T>();
        Unsafe.WriteUnaligned(ref Unsafe.As<MessagePayload, byte>(ref Payload), value);
    }

    internal void SetWord0(long word)
    {
        TypeId = 0;
        PayloadLength = sizeof(long);
        Payload[0] = (ulong)word;
    }

    internal readonly long ReadWord0() => (long)Payload[0];

    /// <summary>Header bytes: everything before <see cref="Payload"/>.</summary>
    internal const int HeaderBytes = SizeBytes - MessagePayload.SizeBytes;

    /// <summary>Bytes in a cache line, the unit an envelope is copied and stored in.</summary>
    internal const int LineBytes = 64;

    /// <summary>Largest payload that travels in one line with its header.</summary>
    internal const int OneLinePayloadMax = LineBytes - HeaderBytes;

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/>: the header and the payload bytes its
    /// <see cref="PayloadLength"/> covers, rounded up to a line, so a payload of at most
    /// <see cref="OneLinePayloadMax"/> bytes costs one line read and one line written, not two. The bytes past the
    /// payload are not part of the message (every payload writer sets <see cref="PayloadLength"/>; the rings store
    /// an envelope in exactly these lines), so the destination's are left as they were.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyCompact(ref Message destination, ref readonly Message source)
    {
        if (source.PayloadLength <= OneLinePayloadMax)
        {
            Unsafe.CopyBlockUnaligned(
                ref Unsafe.As<Message, byte>(ref destination),
                ref Unsafe.As<Message, byte>(ref Unsafe.AsRef(in source)),
                LineBytes);
        }
        else
        {
            destination = source;
        }
    }

    /// <summary>Writes every header field; the payload is left to the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetHeader(Handle target, Handle source, MessageKind kind, uint correlation)
    {
        TargetHandle = target;
        SourceHandle = source;
        KindValue = kind;
        StatusValue = CallStatus.Ok;
        Correlation = correlation;
        Auxiliary = 0;
    }

    /// <summary>
    /// Writes every header field and the payload, as <see cref="SetHeader"/> then <see cref="SetPayload{T}"/> do, in
    /// five stores of whole words (the handles, type tag with kind, status and length, correlation with auxiliary,
    /// then the payload) instead of eight field stores. It matters where the destination is a ring line the other
    /// core read last: each store waits in the store buffer for the line's ownership, and stores leave the buffer in
    /// order, so a send that issues fewer of them streams faster (bench/RESULTS.md, "Fewer stores per send").
    /// Layout: type tag at 16, kind at 20, status at 21, length at 22, correlation at 24, auxiliary at 28
    /// (little-endian, as every platform .NET runs Tina on).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetEnvelope<T>(Handle target, Handle source, MessageKind kind, uint correlation, in T value)
        where T : unmanaged
    {
        ref byte start = ref Unsafe.As<Message, byte>(ref this);
        Unsafe.WriteUnaligned(ref start, target);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, 8), source);
        ulong tagged = MessageType<T>.Id
            | ((ulong)(byte)kind << 32)
            | ((ulong)(byte)CallStatus.Ok << 40)
            | ((ulong)(ushort)Unsafe.SizeOf<T>() << 48);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, 16), tagged);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref start, 24), (ulong)correlation); // auxiliary 0
        Unsafe.WriteUnaligned(ref Unsafe.As<MessagePayload, byte>(ref Payload), value);
    }

    /// <summary>Writes a status-only call outcome (a failure, a timeout): header, status, no payload.</summary>
    internal void SetCallFailure(Handle caller, Handle source, uint correlation, CallStatus status)
    {
        SetHeader(caller, source, MessageKind.Reply, correlation);
        StatusValue = status;
        TypeId = 0;
        PayloadLength = 0;
    }

    /// <summary>Summary for logs and debugging.</summary>
    public override readonly string ToString() =>
        $"{Kind} {MessageTypeRegistry.NameOf(TypeId)} from {Source} to {TargetHandle}" +
        (Kind == MessageKind.Reply ? $" ({Status})" : string.Empty);
}
