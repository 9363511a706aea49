using System;

namespace Tina.Http.Server;

/// <summary>
/// The call slots of one shard: each a request area and a response area that a connection lends to a handler isolate
/// of the same shard for one Call. Preallocated lazily (a slot's arrays at its first use) and reused, so a handler call
/// allocates nothing in steady state.
/// </summary>
/// <remarks>
/// Single-threaded: only the owning shard's thread touches it (connections and handlers of one shard run on it, one
/// invocation at a time). A slot is free, or owned by one connection from <see cref="TryAcquire"/> to
/// <see cref="Release"/>; the generation moves at both, so a handler holding an older (slot, generation) pair sees
/// nothing and writes nothing.
/// </remarks>
internal sealed class HttpCallSlots
{
    private readonly byte[]?[] _requests;
    private readonly byte[]?[] _responses;
    private readonly uint[] _generations;
    private readonly bool[] _busy;
    private readonly int[] _free;
    private readonly TimeSpan[] _calledAt;  // when the slot's Call was made (shard clock), for the queueing delay
    private readonly int[] _handler;        // the handler type index it was made to; -1: no start to report (none, or reported)
    private readonly int _requestBytes;
    private readonly int _responseBytes;
    private int _freeCount;
    private int _published; // InUse, written by the shard after each change, read by other threads (diagnostics, tests)

    public HttpCallSlots(int count, int requestBytes, int responseBytes)
    {
        _requests = new byte[]?[count];
        _responses = new byte[]?[count];
        _generations = new uint[count];
        _busy = new bool[count];
        _free = new int[count];
        _calledAt = new TimeSpan[count];
        _handler = new int[count];
        _requestBytes = requestBytes;
        _responseBytes = responseBytes;
        for (int i = 0; i < count; i++)
        {
            _free[i] = count - 1 - i;
        }

        _freeCount = count;
    }

    public int InUse => _free.Length - _freeCount;

    /// <summary><see cref="InUse"/> as last published by the shard: safe to read from any thread (a recent value, never torn).</summary>
    public int PublishedInUse => System.Threading.Volatile.Read(ref _published);

    public bool TryAcquire(out int slot, out uint generation)
    {
        if (_freeCount == 0)
        {
            slot = -1;
            generation = 0;
            return false;
        }

        slot = _free[--_freeCount];
        System.Threading.Volatile.Write(ref _published, InUse);
        _busy[slot] = true;
        _handler[slot] = -1;
        generation = ++_generations[slot];
        _requests[slot] ??= new byte[_requestBytes];
        _responses[slot] ??= new byte[_responseBytes];
        return true;
    }

    public void Release(int slot)
    {
        if ((uint)slot >= (uint)_busy.Length || !_busy[slot])
        {
            return;
        }

        _busy[slot] = false;
        _generations[slot]++;
        _free[_freeCount++] = slot;
        System.Threading.Volatile.Write(ref _published, InUse);
    }

    /// <summary>The connection makes the slot's Call to handler type <paramref name="handler"/> at <paramref name="now"/>.</summary>
    public void Called(int slot, int handler, TimeSpan now)
    {
        _calledAt[slot] = now;
        _handler[slot] = handler;
    }

    /// <summary>
    /// The handler starts on a live (slot, generation): true once per Call, with the handler type and how long the
    /// request waited since the Call; false for a stale pair or a start already reported.
    /// </summary>
    public bool TryStart(int slot, uint generation, TimeSpan now, out int handler, out TimeSpan sojourn)
    {
        if (!IsLive(slot, generation) || _handler[slot] < 0)
        {
            handler = -1;
            sojourn = default;
            return false;
        }

        handler = _handler[slot];
        sojourn = now - _calledAt[slot];
        _handler[slot] = -1;
        return true;
    }

    /// <summary>The request area of a live (slot, generation), or empty.</summary>
    public Span<byte> Request(int slot, uint generation) =>
        IsLive(slot, generation) ? _requests[slot] : Span<byte>.Empty;

    /// <summary>The response area of a live (slot, generation), or empty.</summary>
    public Span<byte> Response(int slot, uint generation) =>
        IsLive(slot, generation) ? _responses[slot] : Span<byte>.Empty;

    public bool IsLive(int slot, uint generation) =>
        (uint)slot < (uint)_busy.Length && _busy[slot] && _generations[slot] == generation;
}
