using System.Runtime.CompilerServices;

namespace Tina;

/// <summary>
/// The runtime's tag for a message type. Reading <see cref="Id"/> for a type larger than the 96-byte payload throws
/// (the <c>unmanaged</c> constraint already rejects types holding references at compile time).
/// </summary>
/// <typeparam name="T">An unmanaged struct of at most 96 bytes.</typeparam>
public static class MessageType<T>
    where T : unmanaged
{
    /// <summary>
    /// A stable 32-bit tag (FNV-1a of the type's full name), the same in every process, so simulation traces and
    /// counters compare across runs. Collisions are detected when a type is first used.
    /// </summary>
    public static readonly uint Id = Messaging.MessageTypeRegistry.Register(typeof(T), Unsafe.SizeOf<T>());

    /// <summary>The payload size in bytes.</summary>
    public static readonly int Size = Unsafe.SizeOf<T>();
}
