using System;

namespace Tina.Io.Reactor;

/// <summary>Optional operations a backend runs natively; fixed when the backend is created.</summary>
[Flags]
internal enum IoBackendCapabilities
{
    /// <summary>Only the one-shot operations.</summary>
    None = 0,
    /// <summary><see cref="IoOpCode.AcceptMultishot"/> stays armed (otherwise it runs as one accept).</summary>
    MultishotAccept = 1 << 0,
    /// <summary><see cref="IoOpCode.ReceiveMultishot"/> works, with buffers the backend provides.</summary>
    MultishotReceive = 1 << 1,
    /// <summary><see cref="IIoBackend.TryQueueWake"/> can wake another backend of the same kind without a syscall.</summary>
    QueuedCrossWake = 1 << 2,
    /// <summary>
    /// A <see cref="IoOpCode.Receive"/> may be submitted without a buffer: the backend waits for readability and takes
    /// one from the reactor's pool (<see cref="IIoBackend.AttachReceiveBuffers"/>) only when it reads (epoll).
    /// </summary>
    ReceiveBufferOnReadiness = 1 << 3,
}
