using System.Threading;

namespace Tina.Messaging;

/// <summary>
/// The runtime's table of calls from outside (<see cref="TinaRuntime.CallAsync{TRequest}"/>), sized by
/// <see cref="TinaSpec.OutsideCallCapacity"/>: at most that many are in flight, the surplus is refused at once with
/// <see cref="CallStatus.OutsideCallsFull"/>. An outside caller's handle names shard <see cref="Handle.OutsideShard"/>,
/// the call's slot here and its generation, so a shard routes a reply or failure for it here instead of to a shard;
/// a reply for a call that has already ended (timed out, cancelled) fails the generation check and is dropped and
/// counted (<see cref="LateReplies"/>).
/// </summary>
/// <remarks>Rent and return take a lock (outside threads only; a shard never does); completion is lock-free.</remarks>
internal sealed class OutsideCalls
{
    private readonly OutsideCall[] _slots;
    private readonly int[] _free;
    private readonly Lock _lock = new();
    private readonly int _runtimeTag;
    private int _freeCount;
    private long _lateReplies;
    private long _refused;
    private long _timedOut;
    private long _cancelled;

    public OutsideCalls(int capacity, int runtimeTag)
    {
        _slots = new OutsideCall[capacity];
        _free = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new OutsideCall(this, i);
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
        _runtimeTag = runtimeTag;
    }

    public long LateReplies => Interlocked.Read(ref _lateReplies);

    public long Refused => Interlocked.Read(ref _refused);

    public long TimedOut => Interlocked.Read(ref _timedOut);

    public long Cancelled => Interlocked.Read(ref _cancelled);

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _slots.Length - _freeCount;
            }
        }
    }

    public bool TryRent(out OutsideCall? call)
    {
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                call = null;
                Interlocked.Increment(ref _refused);
                return false;
            }

            call = _slots[_free[--_freeCount]];
        }

        call.Begin();
        return true;
    }

    public void Return(OutsideCall call)
    {
        lock (_lock)
        {
            _free[_freeCount++] = call.Index;
        }
    }

    /// <summary>The handle a call's envelope carries as its source.</summary>
    public Handle CallerOf(OutsideCall call) => Handle.Pack(Handle.OutsideShard, 0, call.Index, call.Generation, _runtimeTag);

    /// <summary>A shard ends an outside call (any shard thread): the reply, or a failure status.</summary>
    public void Complete(Handle caller, uint correlation, CallStatus status, in Message reply)
    {
        int index = caller.Slot;
        if ((uint)index >= (uint)_slots.Length || caller.Generation != correlation
            || !_slots[index].TryFinish(correlation, status, in reply))
        {
            Interlocked.Increment(ref _lateReplies);
        }
    }

    public void CountTimedOut() => Interlocked.Increment(ref _timedOut);

    public void CountCancelled() => Interlocked.Increment(ref _cancelled);
}
