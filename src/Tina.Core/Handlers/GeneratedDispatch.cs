using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Tina;

/// <summary>
/// What the code Tina's source generator writes calls: a payload read whose type check the generated switch on
/// <see cref="Message.PayloadType"/> has already made, so the tag is compared once per message, not once per read as
/// <see cref="Message.Is{T}(out T)"/> and <see cref="Message.As{T}"/> do. Not for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedDispatch
{
    /// <summary>
    /// Reads the payload as a <typeparamref name="T"/> without checking its type tag: the caller has, and has found
    /// <see cref="MessageType{T}.Id"/>. An unaligned load from the inline payload; no allocation.
    /// </summary>
    /// <typeparam name="T">The payload type the tag names.</typeparam>
    /// <param name="message">The message.</param>
    /// <returns>The payload.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReadPayload<T>(in Message message)
        where T : unmanaged => message.PayloadUnchecked<T>();
}
