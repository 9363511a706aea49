using System;
using Tina.Memory;

namespace Tina.Scheduling;

/// <remarks>
/// Buffers: the isolate-facing entry points (rent, read, transfer, release). How a buffer comes home (releases, the
/// sweep, the re-sweep) is <see cref="BufferReclaim"/>'s; its ordering rules and invariants are stated there.
/// </remarks>
internal sealed partial class Shard
{
    public bool TryRentBuffer(out BufferRef buffer)
    {
        if (Buffers.TryRent(_invocation.Handle, out buffer))
        {
            Counters.Increment(ShardCounter.BuffersRented);
            return true;
        }

        Counters.Increment(ShardCounter.BuffersExhausted);
        return false;
    }

    public Span<byte> GetBuffer(BufferRef buffer)
    {
        int home = buffer.Shard;
        if (buffer.IsNone || (uint)home >= (uint)_peers.Length)
        {
            return Span<byte>.Empty;
        }

        return _peers[home].Buffers.SpanFor(buffer, _invocation.Handle);
    }

    /// <summary>
    /// Hands a buffer of this shard to <paramref name="to"/>. A local target that is not alive is refused, so the buffer
    /// never belongs to a handle that cannot give it back.
    /// </summary>
    public bool TransferBuffer(BufferRef buffer, Handle to) =>
        buffer.Shard == Id && (to.Shard != Id || IsAlive(to)) && Buffers.Transfer(buffer, _invocation.Handle, to);

    public bool ReleaseBuffer(BufferRef buffer) => _bufferReclaim.Release(buffer, _invocation.Handle);

    /// <summary>How this shard's buffers come home (peers ask it to sweep through this).</summary>
    internal BufferReclaim BufferReclaim => _bufferReclaim;

    /// <summary>Any shard: asks this shard to sweep its loans (see <see cref="BufferReclaim.RequestSweep"/>).</summary>
    public void RequestBufferSweep() => _bufferReclaim.RequestSweep();

    // The exit path (Shard.Lifecycle.cs) hands an exiting isolate's buffers back through this.
    private int ReclaimBuffers(Handle owner) => _bufferReclaim.ReclaimOwnedBy(owner);
}
