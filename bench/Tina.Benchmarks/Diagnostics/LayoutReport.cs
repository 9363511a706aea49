using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tina.Scheduling;

namespace Tina.Benchmarks.Diagnostics;

/// <summary>
/// <c>--layout</c>: where the CLR put the <see cref="Shard"/> fields that cross threads or change per message, and
/// how envelope arrays are aligned to 64-byte cache lines. Evidence for false-sharing and alignment questions.
/// </summary>
internal static class LayoutReport
{
    public static int Run()
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false };
        spec.AddIsolate<CountingSink>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Shard shard = runtime.ShardAt(1);

        Console.WriteLine("Shard field offsets (bytes from the first field; the object header and method table precede it):");
        var fields = new List<(string Name, long Offset, string Role)>
        {
            ("_status", Offset(shard, ref ShardAccess.Status(shard)), "read by every peer on every cross-shard send (ClaimRemote / ClaimRemoteSystem)"),
            ("_tickCount", Offset(shard, ref ShardAccess.TickCount(shard)), "written every tick (Volatile.Write)"),
            ("_nowNanoseconds", Offset(shard, ref ShardAccess.Now(shard)), "written every tick"),
            ("_typeRotation", Offset(shard, ref ShardAccess.TypeRotation(shard)), "written every tick"),
            ("_inboundRotation", Offset(shard, ref ShardAccess.InboundRotation(shard)), "written every tick"),
            ("_currentType", Offset(shard, ref ShardAccess.CurrentType(shard)), "written twice per dispatched message"),
            ("_currentSlot", Offset(shard, ref ShardAccess.CurrentSlot(shard)), "written per dispatched message"),
            ("_currentHandle", Offset(shard, ref ShardAccess.CurrentHandle(shard)), "written twice per dispatched message"),
            ("_currentCaller", Offset(shard, ref ShardAccess.CurrentCaller(shard)), "written per dispatched message"),
            ("_currentCorrelation", Offset(shard, ref ShardAccess.CurrentCorrelation(shard)), "written per dispatched message"),
            ("_nextCorrelation", Offset(shard, ref ShardAccess.NextCorrelation(shard)), "written per call"),
        };
        fields.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        foreach ((string name, long offset, string role) in fields)
        {
            Console.WriteLine($"  +{offset,4}  {name,-20} {role}");
        }

        Console.WriteLine();
        Console.WriteLine("Envelope array alignment (address of element 0 mod 64; 0 means each 128-byte envelope starts a cache line):");
        Report("message pool (shard 1)", shard.Pool.Slots);
        Report("ring 0 -> 1 buffer", ShardAccess.RingBuffer(ShardAccess.Inbound(shard)[0]!));
        return 0;
    }

    private static long Offset<T>(Shard shard, ref T field) =>
        Unsafe.ByteOffset(ref Unsafe.As<RawObject>(shard).FirstByte, ref Unsafe.As<T, byte>(ref field));

    private static void Report(string what, Message[] array)
    {
        GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long address = pin.AddrOfPinnedObject();
            Console.WriteLine($"  {what,-24} element 0 at ...{address % 4096:x3}: {address % 64} mod 64 -> a 128-byte envelope spans {(address % 64 == 0 ? 2 : 3)} lines");
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>Never instantiated: any object reinterpreted as this exposes a ref to its first field byte.</summary>
    private sealed class RawObject
    {
#pragma warning disable CS0649 // only ever read through Unsafe.As on another object
        public byte FirstByte;
#pragma warning restore CS0649
    }
}
