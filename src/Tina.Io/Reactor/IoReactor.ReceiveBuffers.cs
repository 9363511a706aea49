using Tina.Io.Buffers;

namespace Tina.Io.Reactor;

/// <remarks>
/// Receive buffers taken on readiness (backends with <see cref="IoBackendCapabilities.ReceiveBufferOnReadiness"/>:
/// epoll). A one-shot receive is submitted without a buffer; the backend parks it until the socket is readable and
/// only then asks here for a pool buffer, which is recorded on the receive's lane (so the completion, an abandon and
/// a close find it exactly as if it had been taken at submission). A read that finds nothing gives the buffer back at
/// once. An idle connection therefore holds no buffer: only bytes that have arrived do. Shard thread only.
/// </remarks>
internal sealed unsafe partial class IoReactor : IReceiveBufferSource
{
    nint IReceiveBufferSource.RentReceiveBuffer(ulong token)
    {
        int index = IoToken.Index(token);
        if ((uint)index >= (uint)_table.Capacity)
        {
            return 0;
        }

        ref Lane lane = ref _table[index].Read;
        if (lane.Token != token || lane.Buffer >= 0 || lane.State is not (LaneState.Submitted or LaneState.Abandoned))
        {
            return 0; // names no receive in flight: the backend completes it with ENOBUFS, which is then stale
        }

        if (!_buffers.TryRent(IoBufferOwner.Kernel, out int buffer))
        {
            return 0;
        }

        lane.Buffer = buffer;
        return (nint)_buffers.Pointer(buffer);
    }

    void IReceiveBufferSource.ReturnReceiveBuffer(ulong token)
    {
        int index = IoToken.Index(token);
        if ((uint)index >= (uint)_table.Capacity)
        {
            return;
        }

        ref Lane lane = ref _table[index].Read;
        if (lane.Token == token && lane.Buffer >= 0)
        {
            _buffers.Return(lane.Buffer);
            lane.Buffer = -1;
        }
    }
}
