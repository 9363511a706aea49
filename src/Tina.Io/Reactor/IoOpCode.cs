namespace Tina.Io.Reactor;

/// <summary>The operations a backend executes. Values fit the token's 3-bit op field.</summary>
internal enum IoOpCode : byte
{
    /// <summary>Nothing (a free submission slot).</summary>
    None = 0,
    /// <summary>Accept one connection on a listening socket (result: the new descriptor).</summary>
    Accept = 1,
    /// <summary>Connect a socket to the address in the submission (result: 0).</summary>
    Connect = 2,
    /// <summary>Receive into the submission's buffer, at most its length (result: bytes, 0 = peer closed).</summary>
    Receive = 3,
    /// <summary>Send the submission's buffer (result: bytes written, possibly short; the reactor resubmits the rest).</summary>
    Send = 4,
    /// <summary>Close the descriptor (result: 0). Operations still parked on it complete with ECANCELED first.</summary>
    Close = 5,
    /// <summary>
    /// Cancel the operation named by <see cref="IoSubmission.TargetToken"/> (or, when that is 0, every operation on the
    /// descriptor). Result 0 or more (by token: 0; every operation: io_uring reports how many it cancelled), or -ENOENT
    /// when the target had already finished (io_uring may also say -EALREADY: it is running and completes on its own);
    /// the cancelled operation completes with ECANCELED under its own token. The reactor reads none of these results.
    /// </summary>
    Cancel = 6,
    /// <summary>
    /// Stop watching the descriptor without closing it (result: 0): it is moving to another shard's reactor. epoll
    /// removes it from its set; io_uring has nothing registered per descriptor (no fixed files) and completes it at
    /// once without an SQE. The reactor submits it only when no operation is in flight on the descriptor.
    /// </summary>
    Detach = 7,
    /// <summary>
    /// Accept connections until cancelled: one submission, many completions, each a new descriptor (or −errno). Every
    /// completion but the last carries <see cref="IoCompletionFlags.More"/>; when one arrives without it, the arm has
    /// ended and the reactor re-arms (or backs off on EMFILE). A backend without
    /// <see cref="IoBackendCapabilities.MultishotAccept"/> runs it as a single <see cref="Accept"/>, whose completion
    /// lacks More, so the same re-arm rule covers both.
    /// </summary>
    AcceptMultishot = 8,
    /// <summary>
    /// Receive repeatedly into buffers the backend provides (io_uring: RECV with IORING_RECV_MULTISHOT and
    /// IOSQE_BUFFER_SELECT from the provided buffer ring). The submission's Buffer and Length are ignored. A completion
    /// with a positive result carries <see cref="IoCompletionFlags.BufferSelected"/> and a buffer id
    /// (<see cref="IoCompletionEntry.BufferId"/>): read it with <see cref="IIoBackend.GetProvidedBuffer"/> and give it back
    /// with <see cref="IIoBackend.ReturnProvidedBuffer"/>. Any completion without More ends the arm, including one that
    /// still carries data: result 0 (peer closed), −ENOBUFS (no provided buffer free: return buffers, then re-arm), other
    /// errors, or data the kernel could not follow with another arm. Only when the backend reports
    /// <see cref="IoBackendCapabilities.MultishotReceive"/>; otherwise it completes at once with −EOPNOTSUPP.
    /// </summary>
    ReceiveMultishot = 9,
}
