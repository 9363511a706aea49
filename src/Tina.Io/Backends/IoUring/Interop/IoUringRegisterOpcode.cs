namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_REGISTER_* opcodes for io_uring_register.</summary>
internal enum IoUringRegisterOpcode : uint
{
    /// <summary>Fill an io_uring_probe with the supported opcodes (5.6).</summary>
    Probe = 8,
    /// <summary>Register a provided buffer ring (5.19).</summary>
    ProvidedBufferRing = 22,
}
