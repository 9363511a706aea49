using System;
using Tina.Io.Buffers;

namespace Tina.Io.Reactor;

/// <remarks>
/// Keeping received bytes. A receive's buffer is lent to the isolate for the invocation that handles its completion
/// and taken back at the next Collect. <see cref="KeepReceived"/> pins it instead: the buffer stays in the lent list
/// (and out of the pool or ring) while its keeper is alive and holds at least one keep on it; <see cref="ReleaseKept"/>
/// drops a keep, and the Collect after the last one (or after the keeper's exit) gives the buffer back as usual.
/// <c>_keptBy</c> / <c>_keptCount</c> are indexed like the lent list (pool index, then pool count + provided id);
/// shard-thread only.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    private Handle[]? _keptBy;   // the isolate keeping that buffer, None for none (allocated at the first keep)
    private int[]? _keptCount;   // how many keeps it holds on it (parts of one provided buffer may be kept apiece)

    public int MaxSendBytes => (int)Math.Min(int.MaxValue, (long)_buffers.Count * _buffers.Size);

    public int MaxReceiveBytes => _provided is not null ? Math.Min(_buffers.Size, _provided.Size) : _buffers.Size;

    /// <summary>Counts a Receive that asks for more than one buffer holds (served as MaxReceiveBytes).</summary>
    public void NoteReceiveRequest(int maxBytes)
    {
        if (maxBytes > MaxReceiveBytes)
        {
            Count(IoCounter.ReceivesClamped);
        }
    }

    /// <summary><see cref="ReceivedData"/> for the context: a successful receive whose bytes are not the caller's is counted.</summary>
    public ReadOnlySpan<byte> ReceivedDataChecked(Handle self, scoped in IoCompletion completion)
    {
        ReadOnlySpan<byte> data = ReceivedData(self, in completion);
        if (data.IsEmpty && completion.Transferred > 0)
        {
            Count(IoCounter.ReceivedDataRefused);
        }

        return data;
    }

    public bool KeepReceived(Handle self, in IoCompletion completion, out KeptReceive kept)
    {
        kept = default;
        if (completion.Operation != IoOperation.Receive || completion.Buffer < 0 || completion.Transferred <= 0
            || ReceivedData(self, in completion).IsEmpty)
        {
            return false; // not this isolate's live receive
        }

        int buffer = completion.Buffer;
        _keptBy ??= new Handle[_lent.Length];
        _keptCount ??= new int[_lent.Length];
        if (_keptCount[buffer] > 0 && _keptBy[buffer] != self)
        {
            return false;
        }

        _keptBy[buffer] = self;
        _keptCount[buffer]++;
        kept = new KeptReceive(buffer, completion.BufferGeneration, completion.BufferOffset, completion.Transferred);
        return true;
    }

    public ReadOnlySpan<byte> KeptData(Handle self, in KeptReceive kept)
    {
        if (!IsKeptBy(self, in kept))
        {
            return ReadOnlySpan<byte>.Empty;
        }

        int buffer = kept.Buffer;
        if (buffer < _buffers.Count)
        {
            return _buffers.GenerationOf(buffer) == kept.Generation ? _buffers.Span(buffer, kept.Offset + kept.Length).Slice(kept.Offset) : ReadOnlySpan<byte>.Empty;
        }

        int id = buffer - _buffers.Count;
        ref ProvidedBuffer b = ref _provided![id];
        return b.Generation == kept.Generation && kept.Offset + kept.Length <= b.Length
            ? _backend.GetProvidedBuffer((ushort)id, kept.Offset + kept.Length).Slice(kept.Offset)
            : ReadOnlySpan<byte>.Empty;
    }

    public bool ReleaseKept(Handle self, in KeptReceive kept)
    {
        if (!IsKeptBy(self, in kept))
        {
            return false;
        }

        if (--_keptCount![kept.Buffer] == 0)
        {
            _keptBy![kept.Buffer] = Handle.None; // the next Collect gives it back
        }

        return true;
    }

    private bool IsKeptBy(Handle self, in KeptReceive kept) =>
        _keptCount is not null && (uint)kept.Buffer < (uint)_keptCount.Length && _keptCount[kept.Buffer] > 0 && _keptBy![kept.Buffer] == self;

    /// <summary>ReturnHandledBuffers: true while a live isolate keeps the buffer; a dead keeper's keeps are dropped.</summary>
    private bool IsKept(int buffer)
    {
        if (_keptCount is null || _keptCount[buffer] == 0)
        {
            return false;
        }

        if (_shard.IsAlive(_keptBy![buffer]))
        {
            return true;
        }

        _keptCount[buffer] = 0;
        _keptBy[buffer] = Handle.None;
        return false;
    }
}
