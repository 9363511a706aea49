using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IOSQE_* flags for io_uring_sqe.flags.</summary>
[Flags]
internal enum IoUringSqeFlags : byte
{
    None = 0,
    /// <summary>Pick the receive buffer from the provided buffer group named in buf_group.</summary>
    BufferSelect = 1 << 5,
    /// <summary>Post no CQE when the operation succeeds (5.17).</summary>
    CqeSkipSuccess = 1 << 6,
}
