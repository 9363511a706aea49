using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Peers;

/// <summary>
/// The work counter of a cell. One process runs one cell, so a static is enough. Written by the receiving thread
/// only (plain store after an increment on a private line), read by the measuring thread with Volatile.Read; x64
/// does not tear 64-bit stores. Padded so the writer's line is not shared with anything else.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct PaddedLong
{
    [FieldOffset(128)] public long Value;
}

internal static class Counter
{
    private static PaddedLong s_work;

    public static void Add(long n) => s_work.Value += n;

    public static void AddShared(long n) => Interlocked.Add(ref s_work.Value, n);

    public static long Read() => Volatile.Read(ref s_work.Value);
}

/// <summary>The 16-byte message every system moves (preallocated where the system needs a reference).</summary>
public readonly record struct Msg(long Sequence, long Payload);

/// <summary>The reference form of <see cref="Msg"/> for systems whose messages are objects: one instance, reused.</summary>
public sealed class MsgBox
{
    public static readonly MsgBox Shared = new();

    public long Sequence;

    public long Payload;
}
