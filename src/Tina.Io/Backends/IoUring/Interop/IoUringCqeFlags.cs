namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_CQE_F_* bits and the modifier bits in sqe.ioprio / op flags that go with them.</summary>
internal static class IoUringCqeFlags
{
    /// <summary>IORING_CQE_F_BUFFER: a provided buffer id is in the upper 16 bits.</summary>
    public const uint Buffer = 1u << 0;
    /// <summary>IORING_CQE_F_MORE: the multishot request stays armed.</summary>
    public const uint More = 1u << 1;
    /// <summary>IORING_CQE_BUFFER_SHIFT.</summary>
    public const int BufferShift = 16;

    /// <summary>IORING_ACCEPT_MULTISHOT (sqe.ioprio of ACCEPT; 5.19).</summary>
    public const ushort AcceptMultishot = 1 << 0;
    /// <summary>IORING_RECV_MULTISHOT (sqe.ioprio of RECV; 6.0).</summary>
    public const ushort ReceiveMultishot = 1 << 1;

    /// <summary>IORING_ASYNC_CANCEL_ALL: cancel every match, not just the first (5.19).</summary>
    public const uint CancelAll = 1u << 0;
    /// <summary>IORING_ASYNC_CANCEL_FD: match by descriptor, not user_data (5.19).</summary>
    public const uint CancelFd = 1u << 1;
    /// <summary>IORING_ASYNC_CANCEL_ANY: match every request (5.19).</summary>
    public const uint CancelAny = 1u << 2;

    /// <summary>IORING_MSG_DATA: MSG_RING posts a CQE with the given user_data and result to the target ring.</summary>
    public const ulong MessageData = 0;
}
