namespace Tina.Io.Reactor;

/// <summary>The operations a backend executes.</summary>
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
    /// <summary>Close the descriptor (result: 0).</summary>
    Close = 5,
    /// <summary>Cancel every operation on the submission's descriptor (result: non-negative; io_uring reports how many
    /// it cancelled, 0 when none; the cancelled ones complete with −ECANCELED).</summary>
    Cancel = 6,
    /// <summary>
    /// Accept connections until cancelled: one submission, many completions, each a new descriptor (or −errno). Every
    /// completion but the last carries <see cref="IoCompletionFlags.More"/>; when one arrives without it, the arm has
    /// ended and the reactor re-arms (or backs off on EMFILE). A backend without
    /// <see cref="IoBackendCapabilities.MultishotAccept"/> runs it as a single <see cref="Accept"/>, whose completion
    /// lacks More, so the same re-arm rule covers both.
    /// </summary>
    AcceptMultishot = 7,
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
    ReceiveMultishot = 8,
}
