namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>The IORING_OP_* values this backend uses or probes (enum io_uring_op; values are kernel ABI).</summary>
internal enum IoUringOpcode : byte
{
    Nop = 0,
    Accept = 13,
    AsyncCancel = 14,
    Connect = 16,
    Close = 19,
    Read = 22,
    Send = 26,
    Receive = 27,
    MessageRing = 40,
}
