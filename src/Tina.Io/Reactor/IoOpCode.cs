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
    /// <summary>Cancel every operation on the submission's descriptor (result: 0; the cancelled ones complete with ECANCELED).</summary>
    Cancel = 6,
}
