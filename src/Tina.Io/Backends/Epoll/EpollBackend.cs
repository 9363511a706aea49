using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Epoll;

/// <summary>
/// The Linux readiness fallback: one edge-triggered epoll set per shard, emulating completions.
/// </summary>
/// <remarks>
/// <para>Each submission is tried at once (recv, send with MSG_NOSIGNAL, accept4, connect); a result or a hard error
/// completes it, EAGAIN parks it on its descriptor until the next readiness edge, and then it is tried again. A
/// descriptor is added to the set at its first operation, once, for EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET: no
/// epoll_ctl per operation. Per-descriptor readable and writable latches are set by events and cleared by EAGAIN (or
/// a short read or write, which also means the socket buffer ran dry), so a parked operation costs no syscall until
/// its edge (but never after a hang-up: the end-of-stream edge has come already and will not come again).
/// Completions wait in a ring until Collect; Collect polls the set (epoll_wait with timeout 0) only while
/// some operation is parked, and Wait blocks in epoll_wait. Wake writes an eventfd that sits in the set.</para>
/// <para>Ownership: every field is the shard thread's, except the eventfd write in <see cref="Wake"/> (any thread; a
/// write to an eventfd is atomic in the kernel).</para>
/// </remarks>
internal sealed unsafe class EpollBackend : IIoBackend
{
    private const ulong WakeMarker = ulong.MaxValue;
    private const int RetryOnInterruptMax = 8;

    private static readonly int s_eventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;
    private static readonly int s_dataOffset = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 4 : 8;

    private readonly int _epoll;
    private readonly int _eventFd;
    private readonly byte* _events;           // epoll_event[_maxEvents], native
    private readonly int _maxEvents;
    private DescriptorState[] _descriptors;   // indexed by descriptor number; grows to the highest one seen
    private readonly CompletionQueue _ready;  // completions waiting for Collect
    private int _parkedCount;                 // operations waiting for readiness
    private IReceiveBufferSource? _receiveBuffers; // the reactor's pool, for receives submitted without a buffer
    private bool _disposed;

    public EpollBackend(int eventsPerWait, int completionCapacity)
    {
        _epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed (errno {Libc.LastError}).");
        }

        _eventFd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_eventFd < 0)
        {
            int error = Libc.LastError;
            Libc.Close(_epoll);
            throw new InvalidOperationException($"eventfd failed (errno {error}).");
        }

        _maxEvents = Math.Max(16, eventsPerWait);
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(_maxEvents * s_eventSize));
        if (Control(Libc.EPOLL_CTL_ADD, _eventFd, Libc.EPOLLIN | Libc.EPOLLET, WakeMarker) != 0)
        {
            int error = Libc.LastError;
            Dispose();
            throw new InvalidOperationException($"epoll_ctl(ADD eventfd) failed (errno {error}).");
        }

        _descriptors = new DescriptorState[1024];
        _ready = new CompletionQueue(Math.Max(64, completionCapacity));
    }

    public string Name => "epoll";

    public string Features => "edge-triggered, completions emulated (try at once, park on EAGAIN), receive buffer taken on readiness, eventfd wake";

    public IoBackendCapabilities Capabilities => IoBackendCapabilities.ReceiveBufferOnReadiness;

    public void AttachReceiveBuffers(IReceiveBufferSource source) => _receiveBuffers = source;

    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            Execute(in batch[i]);
        }

        return batch.Length;
    }

    public void Flush()
    {
        // Every submission already ran in Submit.
    }

    public int Collect(Span<IoCompletionEntry> completions)
    {
        if (_parkedCount > 0 && _ready.Count < completions.Length)
        {
            Poll(0);
        }

        return _ready.Drain(completions);
    }

    public bool HasCompletions() => _ready.Count > 0;

    public void Wait(long timeoutNanoseconds)
    {
        if (_ready.Count > 0)
        {
            return;
        }

        int milliseconds = timeoutNanoseconds < 0 ? -1 : (int)Math.Min(int.MaxValue, (timeoutNanoseconds + 999_999) / 1_000_000);
        Poll(milliseconds);
    }

    public void Wake()
    {
        ulong one = 1;
        Libc.Write(_eventFd, &one, sizeof(ulong)); // EAGAIN only when the counter is saturated: a wake is pending anyway
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Libc.Close(_eventFd);
        Libc.Close(_epoll);
        NativeMemory.Free(_events);
    }

    // ---- submissions ---------------------------------------------------------------------------------------------

    private void Execute(in IoSubmission s)
    {
        if (s.Descriptor < 0)
        {
            Complete(s.Token, -Errno.EBADF);
            return;
        }

        switch (s.Op)
        {
            case IoOpCode.Receive:
            case IoOpCode.Accept:
                StartRead(in s);
                break;
            case IoOpCode.Send:
                StartWrite(in s);
                break;
            case IoOpCode.Connect:
                StartConnect(in s);
                break;
            case IoOpCode.Close:
                Complete(s.Token, Forget(s.Descriptor, close: true));
                break;
            case IoOpCode.Detach:
                Complete(s.Token, Forget(s.Descriptor, close: false));
                break;
            case IoOpCode.Cancel:
                Complete(s.Token, Cancel(s.Descriptor, s.TargetToken));
                break;
            default:
                Complete(s.Token, -Errno.EINVAL);
                break;
        }
    }

    private void StartRead(in IoSubmission s)
    {
        ref DescriptorState state = ref StateOf(s.Descriptor);
        int error = EnsureRegistered(s.Descriptor, ref state);
        if (error != 0)
        {
            Complete(s.Token, -error);
            return;
        }

        if (state.Read.Active)
        {
            Debug.Fail("one read-side operation per descriptor");
            Complete(s.Token, -Errno.EBUSY); // never overwrite a parked operation: its completion would be lost
            return;
        }

        if (s.Op == IoOpCode.Receive && s.Buffer == 0 && _receiveBuffers is null)
        {
            Complete(s.Token, -Errno.EINVAL); // no pool to take a buffer from
            return;
        }

        state.Read = new ParkedOp { Token = s.Token, Op = s.Op, Buffer = s.Buffer, Length = s.Length, Active = true };
        _parkedCount++;
        if (state.Readable)
        {
            TryRead(s.Descriptor, ref state);
        }
    }

    private void StartWrite(in IoSubmission s)
    {
        ref DescriptorState state = ref StateOf(s.Descriptor);
        int error = EnsureRegistered(s.Descriptor, ref state);
        if (error != 0)
        {
            Complete(s.Token, -error);
            return;
        }

        if (state.Write.Active)
        {
            Debug.Fail("one write-side operation per descriptor");
            Complete(s.Token, -Errno.EBUSY);
            return;
        }

        state.Write = new ParkedOp { Token = s.Token, Op = s.Op, Buffer = s.Buffer, Length = s.Length, Active = true };
        _parkedCount++;
        if (state.Writable)
        {
            TryWrite(s.Descriptor, ref state);
        }
    }

    /// <summary>connect() first, then join the set: a socket added before it connects reports a spurious HUP/OUT.</summary>
    private void StartConnect(in IoSubmission s)
    {
        int rc = Libc.Connect(s.Descriptor, (byte*)s.Address, s.AddressLength);
        int error = rc == 0 ? 0 : Libc.LastError;
        if (error != 0 && error != Errno.EINPROGRESS && error != Errno.EAGAIN)
        {
            Complete(s.Token, -error);
            return;
        }

        ref DescriptorState state = ref StateOf(s.Descriptor);
        int registerError = EnsureRegistered(s.Descriptor, ref state);
        if (registerError != 0)
        {
            Complete(s.Token, -registerError);
            return;
        }

        if (error == 0)
        {
            Complete(s.Token, 0);
            return;
        }

        state.Writable = false;
        state.Write = new ParkedOp { Token = s.Token, Op = IoOpCode.Connect, Active = true };
        _parkedCount++;
    }

    /// <summary>Closes or detaches: parked operations end with ECANCELED, the descriptor leaves the set.</summary>
    private int Forget(int descriptor, bool close)
    {
        if (descriptor < _descriptors.Length)
        {
            ref DescriptorState state = ref _descriptors[descriptor];
            CancelParked(ref state.Read);
            CancelParked(ref state.Write);
            if (state.Registered)
            {
                Control(Libc.EPOLL_CTL_DEL, descriptor, 0, 0); // before close: a dup'd descriptor would keep the registration
            }

            state = default;
        }

        if (!close)
        {
            return 0;
        }

        return Libc.Close(descriptor) == 0 ? 0 : -Libc.LastError;
    }

    private int Cancel(int descriptor, ulong target)
    {
        if (descriptor >= _descriptors.Length)
        {
            return -Errno.ENOENT;
        }

        ref DescriptorState state = ref _descriptors[descriptor];
        bool found = false;
        if (state.Read.Active && (target == 0 || state.Read.Token == target))
        {
            CancelParked(ref state.Read);
            found = true;
        }

        if (state.Write.Active && (target == 0 || state.Write.Token == target))
        {
            CancelParked(ref state.Write);
            found = true;
        }

        return found ? 0 : -Errno.ENOENT; // not parked: it already completed, and its completion is queued
    }

    private void CancelParked(ref ParkedOp op)
    {
        if (op.Active)
        {
            Complete(op.Token, -Errno.ECANCELED);
            op = default;
            _parkedCount--;
        }
    }

    // ---- readiness -----------------------------------------------------------------------------------------------

    private void TryRead(int descriptor, ref DescriptorState state)
    {
        ref ParkedOp op = ref state.Read;
        if (op.Op == IoOpCode.Receive && op.Buffer == 0)
        {
            TryReadIntoPool(descriptor, ref state);
            return;
        }

        for (int attempt = 0; attempt < RetryOnInterruptMax; attempt++)
        {
            nint result = op.Op == IoOpCode.Accept
                ? Libc.Accept4(descriptor, null, null, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC)
                : Libc.Recv(descriptor, (byte*)op.Buffer, (nuint)op.Length, 0);
            if (result >= 0)
            {
                if (op.Op == IoOpCode.Receive)
                {
                    NoteShortRead(ref state, result, op.Length);
                }

                FinishParked(ref op, (int)result);
                return;
            }

            if (EndFailedRead(ref state, ref op))
            {
                return;
            }
        }
    }

    /// <summary>
    /// After a read that failed: EAGAIN clears the readable latch (the socket is drained), EINTR asks for another
    /// attempt (false), any other error completes the operation with it.
    /// </summary>
    private bool EndFailedRead(ref DescriptorState state, ref ParkedOp op)
    {
        int error = Libc.LastError;
        if (error == Errno.EINTR)
        {
            return false;
        }

        if (error == Errno.EAGAIN)
        {
            ClearReadable(ref state);
        }
        else
        {
            FinishParked(ref op, -error);
        }

        return true;
    }

    /// <summary>
    /// A receive submitted without a buffer: the buffer comes from the reactor's pool only now, when the socket is
    /// readable, and goes back at once if the read finds nothing. With the pool empty a one-byte peek tells the
    /// cases apart: nothing there (stay parked), end of stream or an error (complete without a buffer), or bytes
    /// waiting (complete with ENOBUFS, the readable latch kept: the reactor waits for a buffer and submits again).
    /// </summary>
    private void TryReadIntoPool(int descriptor, ref DescriptorState state)
    {
        ref ParkedOp op = ref state.Read;
        for (int attempt = 0; attempt < RetryOnInterruptMax; attempt++)
        {
            nint buffer = _receiveBuffers!.RentReceiveBuffer(op.Token);
            nint result;
            if (buffer == 0)
            {
                byte peek;
                result = Libc.Recv(descriptor, &peek, 1, Libc.MSG_PEEK);
                if (result > 0)
                {
                    FinishParked(ref op, -Errno.ENOBUFS);
                    return;
                }
            }
            else
            {
                result = Libc.Recv(descriptor, (byte*)buffer, (nuint)op.Length, 0);
                if (result <= 0)
                {
                    _receiveBuffers.ReturnReceiveBuffer(op.Token); // nothing read into it
                }
            }

            if (result >= 0)
            {
                NoteShortRead(ref state, result, op.Length);
                FinishParked(ref op, (int)result);
                return;
            }

            if (EndFailedRead(ref state, ref op))
            {
                return;
            }
        }
    }

    /// <summary>
    /// A short read means the socket ran dry, and the next byte brings an edge: the latch is cleared without a
    /// further recv. Not after a hang-up, whose edge came already (the end of stream, a 0-byte read, would never be
    /// seen), and not while urgent data is pending: a TCP read also stops at the urgent mark with bytes still queued
    /// behind it, and no edge would come for those.
    /// </summary>
    private static void NoteShortRead(ref DescriptorState state, nint result, int length)
    {
        if (result > 0 && result < length && !state.HungUp && !state.Urgent)
        {
            state.Readable = false;
        }
    }

    private static void ClearReadable(ref DescriptorState state)
    {
        state.Readable = false;
        state.Urgent = false; // drained past the mark; new urgent data comes with a new EPOLLPRI edge
    }

    private void TryWrite(int descriptor, ref DescriptorState state)
    {
        ref ParkedOp op = ref state.Write;
        if (op.Op == IoOpCode.Connect)
        {
            int error = Libc.GetInt(descriptor, Libc.SOL_SOCKET, Libc.SO_ERROR, out int socketError);
            FinishParked(ref op, error != 0 ? -error : -socketError);
            return;
        }

        for (int attempt = 0; attempt < RetryOnInterruptMax; attempt++)
        {
            nint result = Libc.Send(descriptor, (byte*)op.Buffer, (nuint)op.Length, Libc.MSG_NOSIGNAL);
            if (result >= 0)
            {
                if (result < op.Length && !state.HungUp)
                {
                    state.Writable = false; // the send buffer is full; the reactor resubmits the rest, which parks
                }

                FinishParked(ref op, (int)result);
                return;
            }

            int error = Libc.LastError;
            if (error == Errno.EAGAIN)
            {
                state.Writable = false;
                return;
            }

            if (error != Errno.EINTR)
            {
                FinishParked(ref op, -error);
                return;
            }
        }
    }

    private void FinishParked(ref ParkedOp op, int result)
    {
        Complete(op.Token, result);
        op = default;
        _parkedCount--;
    }

    /// <summary>Waits up to the timeout for events and runs what they unblock.</summary>
    private void Poll(int timeoutMilliseconds)
    {
        int count = Libc.EpollWait(_epoll, _events, _maxEvents, timeoutMilliseconds);
        for (int i = 0; i < count; i++)
        {
            byte* entry = _events + ((nint)i * s_eventSize);
            uint events = *(uint*)entry;
            ulong data = *(ulong*)(entry + s_dataOffset);
            if (data == WakeMarker)
            {
                ulong value;
                Libc.Read(_eventFd, &value, sizeof(ulong));
                continue;
            }

            int descriptor = (int)data;
            if ((uint)descriptor >= (uint)_descriptors.Length || !_descriptors[descriptor].Registered)
            {
                continue;
            }

            ref DescriptorState state = ref _descriptors[descriptor];
            state.HungUp |= (events & (Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0;
            state.Urgent |= (events & Libc.EPOLLPRI) != 0;
            if ((events & (Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
            {
                state.Readable = true;
            }

            if ((events & (Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR)) != 0)
            {
                state.Writable = true;
            }

            if (state.Read.Active && state.Readable)
            {
                TryRead(descriptor, ref state);
            }

            if (state.Write.Active && state.Writable)
            {
                TryWrite(descriptor, ref state);
            }
        }
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------------------

    private int EnsureRegistered(int descriptor, ref DescriptorState state)
    {
        if (state.Registered)
        {
            return 0;
        }

        uint events = Libc.EPOLLIN | Libc.EPOLLPRI | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET;
        if (Control(Libc.EPOLL_CTL_ADD, descriptor, events, (ulong)descriptor) != 0)
        {
            return Libc.LastError;
        }

        state.Registered = true;
        state.Readable = true;   // unknown until the first attempt: try it
        state.Writable = true;
        return 0;
    }

    private int Control(int operation, int descriptor, uint events, ulong data)
    {
        byte* evt = stackalloc byte[16];
        *(uint*)evt = events;
        *(ulong*)(evt + s_dataOffset) = data;
        return Libc.EpollCtl(_epoll, operation, descriptor, evt);
    }

    private ref DescriptorState StateOf(int descriptor)
    {
        if (descriptor >= _descriptors.Length)
        {
            int size = _descriptors.Length;
            while (size <= descriptor)
            {
                size *= 2;
            }

            Array.Resize(ref _descriptors, size); // grows to the highest descriptor seen, then never again
        }

        return ref _descriptors[descriptor];
    }

    private void Complete(ulong token, int result) => _ready.Enqueue(new IoCompletionEntry { Token = token, Result = result });

    /// <summary>An operation parked on a descriptor until its readiness edge.</summary>
    private struct ParkedOp
    {
        public ulong Token;
        public IoOpCode Op;
        public bool Active;
        public nint Buffer;
        public int Length;
    }

    /// <summary>What the backend knows about one descriptor.</summary>
    private struct DescriptorState
    {
        public bool Registered;   // in the epoll set
        public bool Readable;     // latch: set by an event, cleared by EAGAIN or a short read
        public bool Writable;     // latch: set by an event, cleared by EAGAIN or a short write
        public bool HungUp;       // sticky: the peer closed its side or the socket failed; no further edge will come
        public bool Urgent;       // EPOLLPRI seen (TCP urgent data): a short read is no proof of a dry socket; cleared by EAGAIN
        public ParkedOp Read;     // Accept or Receive
        public ParkedOp Write;    // Connect or Send
    }
}
