namespace Tina.Io;

/// <summary>Which syscall layer a shard's reactor runs on.</summary>
public enum IoBackendKind : byte
{
    /// <summary>
    /// The best one this machine supports: io_uring on Linux when the kernel allows it and the backend is built in,
    /// else epoll; IOCP on Windows. The boot log says what each shard chose and why.
    /// </summary>
    Auto = 0,
    /// <summary>
    /// Linux io_uring. UseIo fails (TinaConfigurationException) when this process cannot run it at all; a shard whose
    /// own ring then fails to start falls back to epoll and logs a warning with the reason.
    /// </summary>
    IoUring = 1,
    /// <summary>Linux epoll, edge-triggered, emulating completions.</summary>
    Epoll = 2,
    /// <summary>Windows I/O completion ports (Windows only).</summary>
    Iocp = 3,
    /// <summary>A deterministic in-memory network carrying real bytes, for simulation tests.</summary>
    Simulated = 4,
}
