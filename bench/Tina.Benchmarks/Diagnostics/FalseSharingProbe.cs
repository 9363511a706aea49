using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tina.Scheduling;

namespace Tina.Benchmarks.Diagnostics;

/// <summary>
/// Where a shard's <c>_status</c> (read by every peer on every cross-shard send) sits relative to the fields the
/// shard writes on every dispatched message (<c>_currentType</c> .. <c>_currentCorrelation</c>) and every tick
/// (<c>_typeRotation</c>, <c>_inboundRotation</c>): same 64-byte line, or not. Depends on where the GC placed the
/// Shard object, so it can differ from run to run. Allocation-free; call when no GC will move the object.
/// </summary>
internal static class FalseSharingProbe
{
    private static readonly byte[] s_anchor = GC.AllocateArray<byte>(64, pinned: true);
    private static readonly long s_anchorAddress = AnchorAddress();

    /// <summary>
    /// 'M' when <c>_status</c> shares a 64-byte line with a field written per dispatched message, 'T' when only with
    /// a field written per tick, '-' when with neither.
    /// </summary>
    public static char StatusLineSharing(Shard shard)
    {
        long line = LineOf(ref Unsafe.As<int, byte>(ref ShardAccess.Status(shard)));
        if (line == LineOf(ref Unsafe.As<int, byte>(ref ShardAccess.CurrentType(shard)))
            || line == LineOf(ref Unsafe.As<int, byte>(ref ShardAccess.CurrentSlot(shard)))
            || line == LineOf(ref Unsafe.As<uint, byte>(ref ShardAccess.CurrentCorrelation(shard))))
        {
            return 'M';
        }

        if (line == LineOf(ref Unsafe.As<int, byte>(ref ShardAccess.TypeRotation(shard)))
            || line == LineOf(ref Unsafe.As<int, byte>(ref ShardAccess.InboundRotation(shard)))
            || line == LineOf(ref Unsafe.As<long, byte>(ref ShardAccess.TickCount(shard)))
            || line == LineOf(ref Unsafe.As<long, byte>(ref ShardAccess.Now(shard))))
        {
            return 'T';
        }

        return '-';
    }

    private static long LineOf(ref byte field) => AddressOf(ref field) >> 6;

    private static long AddressOf(ref byte field) =>
        s_anchorAddress + Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(s_anchor), ref field);

    private static long AnchorAddress()
    {
        GCHandle pin = GCHandle.Alloc(s_anchor, GCHandleType.Pinned);
        long address = pin.AddrOfPinnedObject();
        pin.Free(); // on the pinned object heap: the address never changes
        return address;
    }
}
