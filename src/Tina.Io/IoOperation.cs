namespace Tina.Io;

/// <summary>The operation an <see cref="IoCompletion"/> reports.</summary>
public enum IoOperation : byte
{
    /// <summary>Not an operation (a default completion).</summary>
    None = 0,
    /// <summary><see cref="IoContextExtensions.Listen"/>: the completion's socket is the new listener.</summary>
    Listen = 1,
    /// <summary><see cref="IoContextExtensions.Accept"/>: the completion's socket is the accepted connection.</summary>
    Accept = 2,
    /// <summary><see cref="IoContextExtensions.Connect"/>: the completion's socket is the connected socket.</summary>
    Connect = 3,
    /// <summary><see cref="IoContextExtensions.Receive"/>: the result is the byte count (0 = the peer closed its side).</summary>
    Receive = 4,
    /// <summary><c>IoContextExtensions.Send</c> (any overload): the result is the byte count, always the whole payload on success.</summary>
    Send = 5,
    /// <summary><see cref="IoContextExtensions.Close"/>: the socket is closed and its handle is stale.</summary>
    Close = 6,
}
