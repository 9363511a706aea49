using Tina.Io.Backends.IoUring.Interop;

namespace Tina.Io.Backends.IoUring;

/// <summary>
/// A test double for io_uring_enter (<see cref="IoUringBackend.EnterHook"/>): it may call the real enter on the ring,
/// consume CQEs behind the backend's back (as a kernel that dropped them would) and return any result, so the
/// backend's and the reactor's handling of rare kernel conditions (EBADR: completions lost) can be tested.
/// </summary>
internal interface IIoUringEnterHook
{
    int Enter(IoUringRing ring, uint toSubmit, uint minComplete, IoUringEnterFlags flags, long timeoutNanoseconds);
}
