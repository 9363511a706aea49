namespace Tina.Io.Buffers;

/// <summary>Who holds an I/O buffer. Exactly one owner at a time; every hand-off names the next.</summary>
internal enum IoBufferOwner : byte
{
    /// <summary>On the free stack.</summary>
    Free = 0,
    /// <summary>The reactor: a send being staged, late received data kept for the next receive.</summary>
    Reactor = 1,
    /// <summary>The kernel (or the backend): an operation in flight reads or writes it. Never touched by managed code.</summary>
    Kernel = 2,
    /// <summary>An isolate: received bytes lent for the invocation that handles the completion.</summary>
    Isolate = 3,
}
