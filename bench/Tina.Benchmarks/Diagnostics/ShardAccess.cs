using System.Runtime.CompilerServices;
using Tina.Messaging;
using Tina.Scheduling;

namespace Tina.Benchmarks.Diagnostics;

/// <summary>Reads private runtime fields for <see cref="LayoutReport"/> (diagnostics only, never on a measured path).</summary>
internal static class ShardAccess
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_status")]
    private static extern ref Tina.Memory.PaddedInt StatusCell(Shard shard);

    /// <summary>The shard's status word (inside its padded cell).</summary>
    public static ref int Status(Shard shard) => ref StatusCell(shard).Value;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_tickCount")]
    public static extern ref long TickCount(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_nowNanoseconds")]
    public static extern ref long Now(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_typeRotation")]
    public static extern ref int TypeRotation(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_inboundRotation")]
    public static extern ref int InboundRotation(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_currentType")]
    public static extern ref int CurrentType(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_currentSlot")]
    public static extern ref int CurrentSlot(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_currentHandle")]
    public static extern ref Handle CurrentHandle(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_currentCaller")]
    public static extern ref Handle CurrentCaller(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_currentCorrelation")]
    public static extern ref uint CurrentCorrelation(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_nextCorrelation")]
    public static extern ref uint NextCorrelation(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_inbound")]
    public static extern ref SpscRing?[] Inbound(Shard shard);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_buffer")]
    public static extern ref Message[] RingBuffer(SpscRing ring);
}
