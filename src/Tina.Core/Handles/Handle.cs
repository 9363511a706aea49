using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tina;

/// <summary>
/// A 64-bit generational address of one isolate: shard (8 bits), isolate type (8), slot (20), runtime tag (6),
/// generation (22).
/// </summary>
/// <remarks>
/// Bit budget, high to low: 63..56 shard index, 55..48 type index, 47..28 slot, 27..22 runtime tag, 21..0 generation.
/// Generations start at 1 and skip 0 when they wrap, so a live handle is never zero and <see cref="None"/> is the
/// all-zero value. A handle whose generation no longer matches its slot is stale: every use checks it, so a handle
/// of a dead isolate can never reach the slot's next occupant (until the 22-bit generation wraps: 4,194,303 exits of
/// one slot while the old handle is still held). The runtime tag names the <see cref="TinaRuntime"/> that issued the
/// handle: no two live runtimes in a process hold the same tag, so a handle of another live runtime is always
/// refused, never delivered to whatever isolate holds the same shard, type and slot here.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct Handle : IEquatable<Handle>
{
    internal const int GenerationBits = 22;
    internal const int RuntimeTagBits = 6;
    internal const int SlotBits = 20;
    internal const int TypeBits = 8;
    internal const int ShardBits = 8;
    internal const int RuntimeTagShift = GenerationBits;
    internal const int SlotShift = GenerationBits + RuntimeTagBits;
    internal const int TypeShift = SlotShift + SlotBits;
    internal const int ShardShift = TypeShift + TypeBits;
    internal const uint GenerationMask = (1u << GenerationBits) - 1;
    internal const uint RuntimeTagMask = (1u << RuntimeTagBits) - 1;
    internal const uint SlotMask = (1u << SlotBits) - 1;
    internal const uint TypeMask = (1u << TypeBits) - 1;
    internal const uint ShardMask = (1u << ShardBits) - 1;

    /// <summary>The largest runtime tag: at most <c>RuntimeTagMax + 1</c> runtimes can be alive in one process.</summary>
    public const int RuntimeTagMax = (int)RuntimeTagMask;

    /// <summary>The largest shard index a handle can carry.</summary>
    public const int ShardMax = 254;

    /// <summary>
    /// The shard index of a caller outside the runtime (<see cref="TinaRuntime.CallAsync{TRequest}"/>): no shard has
    /// it, so a reply addressed to it goes to the runtime's outside-call table.
    /// </summary>
    internal const int OutsideShard = 255;
    /// <summary>The largest isolate type index a handle can carry.</summary>
    public const int TypeMax = 254;
    /// <summary>The largest slot index a handle can carry.</summary>
    public const int SlotMax = (int)SlotMask;
    /// <summary>The largest generation; the next one after it is 1.</summary>
    public const uint GenerationMax = GenerationMask;

    /// <summary>The handle that names no isolate.</summary>
    public static Handle None => default;

    /// <summary>Creates a handle from its raw 64-bit value.</summary>
    /// <param name="value">A value previously read from <see cref="Value"/>.</param>
    public Handle(ulong value) => Value = value;

    /// <summary>The raw 64-bit value.</summary>
    public ulong Value { get; }

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <summary>The shard that owns the isolate.</summary>
    public int Shard => (int)((Value >> ShardShift) & ShardMask);

    /// <summary>The isolate type index in the boot spec.</summary>
    public int Type => (int)((Value >> TypeShift) & TypeMask);

    /// <summary>The slot index within the type on its shard.</summary>
    public int Slot => (int)((Value >> SlotShift) & SlotMask);

    /// <summary>The generation of the slot when the handle was made.</summary>
    public uint Generation => (uint)(Value & GenerationMask);

    /// <summary>The tag of the runtime that issued the handle (unique among the live runtimes of the process).</summary>
    public int RuntimeTag => (int)((Value >> RuntimeTagShift) & RuntimeTagMask);

    /// <summary>Packs a handle; every part must be in range (checked in debug builds and by the callers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Handle Pack(int shard, int type, int slot, uint generation, int runtimeTag = 0)
    {
        Debug.Assert((uint)shard <= ShardMax || shard == OutsideShard, "shard index out of range");
        Debug.Assert((uint)type <= TypeMax, "type index out of range");
        Debug.Assert((uint)slot <= SlotMask, "slot index out of range");
        Debug.Assert(generation != 0 && generation <= GenerationMask, "generation out of range");
        Debug.Assert((uint)runtimeTag <= RuntimeTagMask, "runtime tag out of range");
        return new Handle(
            ((ulong)(uint)shard << ShardShift)
            | ((ulong)(uint)type << TypeShift)
            | ((ulong)(uint)slot << SlotShift)
            | ((ulong)(uint)runtimeTag << RuntimeTagShift)
            | generation);
    }

    /// <summary>The generation after <paramref name="generation"/>, skipping 0 on wrap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint NextGeneration(uint generation)
    {
        uint next = (generation + 1) & GenerationMask;
        return next == 0 ? 1u : next;
    }

    /// <inheritdoc />
    public bool Equals(Handle other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Handle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Compares two handles by value.</summary>
    public static bool operator ==(Handle left, Handle right) => left.Value == right.Value;

    /// <summary>Compares two handles by value.</summary>
    public static bool operator !=(Handle left, Handle right) => left.Value != right.Value;

    /// <summary>Formats as shard.type.slot@generation, with /r and the runtime tag when it is not 0.</summary>
    public override string ToString() =>
        IsNone ? "none" : RuntimeTag == 0 ? $"{Shard}.{Type}.{Slot}@{Generation}" : $"{Shard}.{Type}.{Slot}@{Generation}/r{RuntimeTag}";
}
