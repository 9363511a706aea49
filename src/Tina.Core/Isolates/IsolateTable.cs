using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Tina.Isolates;

/// <summary>
/// Everything a shard holds for one isolate type: instances, slot metadata, mailboxes, reply slots, owed-reply
/// lists and the type's run queue. All preallocated at boot; shard-thread only.
/// </summary>
/// <remarks>
/// Mailboxes are rings of message-pool indices, one ring of <see cref="MailboxRingSize"/> entries per slot, laid
/// out back to back in <see cref="MailboxRing"/>. User sends stop at <see cref="MailboxCapacity"/>; the ring has
/// <see cref="SystemHeadroom"/> extra entries so timer firings and call failures still fit a full mailbox.
/// The run queue holds each slot at most once (<see cref="IsolateFlags.InRunQueue"/>).
/// </remarks>
internal abstract class IsolateTable
{
    /// <summary>Mailbox entries beyond the user capacity, for system messages.</summary>
    public const int SystemHeadroom = 4;

    private readonly int[] _runQueue;
    private readonly int _runMask;
    private int _runHead;
    private int _freeHead;

    protected IsolateTable(int typeIndex, IsolateTypeSpec spec)
    {
        TypeIndex = typeIndex;
        Spec = spec;
        SlotCount = spec.Slots;
        MailboxCapacity = spec.MailboxCapacity;
        MailboxRingSize = MailboxRingSizeFor(spec.MailboxCapacity);
        MailboxMask = MailboxRingSize - 1;
        Weight = spec.BudgetWeight;
        OwedMax = spec.MaxOwedReplies;

        Meta = new IsolateMeta[SlotCount];
        MailboxRing = new int[SlotCount * MailboxRingSize];
        ReplySlots = new Message[SlotCount];
        Owed = new ReplyToken[SlotCount * Math.Max(1, OwedMax)];
        _runQueue = new int[(int)BitOperations.RoundUpToPowerOf2((uint)SlotCount)];
        _runMask = _runQueue.Length - 1;

        for (int slot = 0; slot < SlotCount; slot++)
        {
            Meta[slot].Generation = 1;
            Meta[slot].TimerHead = -1;
            Meta[slot].WatchHead = -1;
            Meta[slot].WatchingHead = -1;
            Meta[slot].SupervisorNode = -1;
            Meta[slot].NextFree = slot + 1 < SlotCount ? slot + 1 : -1;
        }

        _freeHead = 0;
    }

    public int TypeIndex { get; }

    public IsolateTypeSpec Spec { get; }

    public int SlotCount { get; }

    /// <summary>Entries in one slot's mailbox ring: the user capacity plus the system headroom, rounded up to a power of two.</summary>
    public static int MailboxRingSizeFor(int mailboxCapacity) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)(mailboxCapacity + SystemHeadroom));

    public int MailboxCapacity { get; }

    public int MailboxRingSize { get; }

    public int MailboxMask { get; }

    public int Weight { get; }

    public int OwedMax { get; }

    public IsolateMeta[] Meta { get; }

    public int[] MailboxRing { get; }

    public Message[] ReplySlots { get; }

    public ReplyToken[] Owed { get; }

    public int LiveCount { get; private set; }

    public int RunQueueCount { get; private set; }

    public abstract Type IsolateType { get; }

    /// <summary>Calls the handler of the isolate in <paramref name="slot"/>.</summary>
    public abstract Effect Invoke(int slot, ref Context context, in Message message);

    /// <summary>Creates a fresh instance in <paramref name="slot"/> (zeroes a struct, constructs a class).</summary>
    protected abstract void Construct(int slot);

    /// <summary>Drops the instance in <paramref name="slot"/> so its state cannot leak into the next occupant.</summary>
    protected abstract void Destroy(int slot);

    /// <summary>What <see cref="TryAllocate"/> returns when the constructor of the isolate type threw.</summary>
    public const int ConstructorFailed = -2;

    /// <summary>
    /// Takes a free slot (LIFO) and constructs an instance. Returns -1 when all slots are live, or
    /// <see cref="ConstructorFailed"/> with the exception when the type's constructor threw.
    /// </summary>
    /// <remarks>
    /// The instance is constructed while the slot is still on the free list: user code (the constructor) may throw,
    /// and a throw must leave the table exactly as it was (slot free, generation and <see cref="LiveCount"/>
    /// unchanged, no half-built instance), so nothing a constructor does escapes the shard's tick.
    /// </remarks>
    public int TryAllocate(out Exception? failure)
    {
        failure = null;
        int slot = _freeHead;
        if (slot < 0)
        {
            return -1;
        }

        ref IsolateMeta meta = ref Meta[slot];
        Debug.Assert(meta.State == IsolateState.Free, "free list holds a live slot");
        Debug.Assert(meta.MailboxCount == 0, "a free slot holds mail: its pool slots would leak");
        try
        {
            Construct(slot);
        }
#pragma warning disable CA1031 // let it crash: a throwing constructor fails this spawn only
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Destroy(slot);
            failure = exception;
            return ConstructorFailed;
        }

        _freeHead = meta.NextFree;
        meta.NextFree = -1;
        meta.State = IsolateState.Receiving;
        meta.MailboxHead = 0;
        meta.MailboxCount = 0;
        meta.OwedCount = 0;
        meta.PendingCorrelation = 0;
        meta.CallTimer = TimerId.None;
        meta.SupervisorNode = -1;
        meta.ChildIndex = 0;
        meta.CancelReason = 0;
        meta.Flags &= IsolateFlags.InRunQueue; // a stale run-queue entry may still be queued; keep its flag
        LiveCount++;
        return slot;
    }

    /// <summary>Frees a slot whose mailbox, timers and obligations the shard has already drained.</summary>
    public void Release(int slot)
    {
        ref IsolateMeta meta = ref Meta[slot];
        Debug.Assert(meta.State != IsolateState.Free, "double release");
        Debug.Assert(
            meta.MailboxCount == 0 && meta.OwedCount == 0 && meta.TimerHead < 0 && meta.WatchHead < 0 && meta.WatchingHead < 0,
            "released with work attached");
        Destroy(slot);
        meta.State = IsolateState.Free;

        // Volatile: other shards read generations (HasDefinitelyExited) to prove a handle stale. Only this shard writes
        // them, and a generation never returns to an old value short of a 2^32 wrap, so a mismatch they read is final.
        Volatile.Write(ref meta.Generation, Handle.NextGeneration(meta.Generation));
        meta.Flags &= IsolateFlags.InRunQueue;
        meta.Parent = Handle.None;
        meta.NextFree = _freeHead;
        _freeHead = slot;
        LiveCount--;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MailboxPush(int slot, int poolIndex)
    {
        ref IsolateMeta meta = ref Meta[slot];
        if (meta.MailboxCount >= MailboxRingSize)
        {
            return false;
        }

        MailboxRing[(slot * MailboxRingSize) + ((meta.MailboxHead + meta.MailboxCount) & MailboxMask)] = poolIndex;
        meta.MailboxCount++;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int MailboxPop(int slot)
    {
        ref IsolateMeta meta = ref Meta[slot];
        Debug.Assert(meta.MailboxCount > 0, "pop from an empty mailbox");
        int index = MailboxRing[(slot * MailboxRingSize) + meta.MailboxHead];
        meta.MailboxHead = (meta.MailboxHead + 1) & MailboxMask;
        meta.MailboxCount--;
        return index;
    }

    /// <summary>Queues a live slot to run unless it is already queued.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Schedule(int slot)
    {
        ref IsolateMeta meta = ref Meta[slot];
        if ((meta.Flags & IsolateFlags.InRunQueue) != 0)
        {
            return;
        }

        meta.Flags |= IsolateFlags.InRunQueue;
        Debug.Assert(RunQueueCount < _runQueue.Length, "run queue holds each slot at most once");
        _runQueue[(_runHead + RunQueueCount) & _runMask] = slot;
        RunQueueCount++;
    }

    /// <summary>Takes the next queued slot and clears its queued flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Dequeue()
    {
        int slot = _runQueue[_runHead];
        _runHead = (_runHead + 1) & _runMask;
        RunQueueCount--;
        Meta[slot].Flags &= ~IsolateFlags.InRunQueue;
        return slot;
    }

    public Handle HandleOf(int shard, int slot) => Handle.Pack(shard, TypeIndex, slot, Meta[slot].Generation, RuntimeTag);

    /// <summary>The owning runtime's tag, stamped into every handle of this table; set once at boot by the shard.</summary>
    public int RuntimeTag { get; set; }

    /// <summary>Counts slots on the free list (for checkers; O(slots)).</summary>
    public int CountFree()
    {
        int count = 0;
        for (int slot = _freeHead; slot >= 0 && count <= SlotCount; slot = Meta[slot].NextFree)
        {
            count++;
        }

        return count;
    }
}

/// <summary>
/// The table of one concrete isolate type; the handler call is specialised per type. Instances come from
/// <c>new T()</c> or, for a type registered with a factory, from that factory: either way once per spawn or restart,
/// on the shard's thread, never per message.
/// </summary>
internal sealed class IsolateTable<T> : IsolateTable
    where T : IIsolate
{
    private readonly T[] _instances;
    private readonly Func<T> _create;

    public IsolateTable(int typeIndex, IsolateTypeSpec spec, Func<T> create)
        : base(typeIndex, spec)
    {
        _instances = new T[spec.Slots];
        _create = create;
    }

    public override Type IsolateType => typeof(T);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override Effect Invoke(int slot, ref Context context, in Message message) =>
        _instances[slot].OnMessage(ref context, in message);

    protected override void Construct(int slot)
    {
        T instance = _create();
        if (instance is null)
        {
            throw new InvalidOperationException($"The factory of isolate type {typeof(T).Name} returned null.");
        }

        _instances[slot] = instance;
    }

    protected override void Destroy(int slot) => _instances[slot] = default!;

    /// <summary>The instance in a slot, for the test kit.</summary>
    public ref T InstanceAt(int slot) => ref _instances[slot];
}
