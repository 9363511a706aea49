using System.Runtime.InteropServices;

namespace Tina.Io;

/// <summary>
/// The payload of a <see cref="MessageKind.IoCompleted"/> message: what finished, how, and on which socket. Read it
/// with <c>message.Is(out IoCompletion completion)</c>; received bytes come from
/// <see cref="IoContextExtensions.ReceivedData"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct IoCompletion
{
    internal IoCompletion(IoOperation operation, IoResult result, SocketHandle socket, int transferred, int buffer, uint bufferGeneration, int bufferOffset = 0)
    {
        BufferOffset = bufferOffset;
        Operation = operation;
        Result = result;
        Socket = socket;
        Transferred = transferred;
        Buffer = buffer;
        BufferGeneration = bufferGeneration;
    }

    /// <summary>The operation that finished.</summary>
    public IoOperation Operation { get; }

    /// <summary>
    /// Success with a byte count (Receive: bytes received, 0 when the peer closed its side; Send: the whole payload;
    /// other operations: 0), or a typed error. A byte count and an error can never be confused.
    /// </summary>
    public IoResult Result { get; }

    /// <summary>
    /// On success: the new listener (Listen), the accepted connection (Accept), the connected socket (Connect), or the
    /// socket the operation ran on. On failure: the socket the operation ran on (the listener for an Accept), or
    /// <see cref="SocketHandle.None"/> when there is none (a failed Listen or Connect).
    /// </summary>
    public SocketHandle Socket { get; }

    /// <summary>Bytes moved before the operation ended, also when it failed (a send that failed half way).</summary>
    public int Transferred { get; }

    /// <summary>True when the operation succeeded.</summary>
    public bool IsSuccess => Result.IsSuccess;

    /// <summary>The I/O buffer holding received bytes, -1 for none (reactor-internal).</summary>
    internal int Buffer { get; }

    /// <summary>That buffer's generation when it was lent (reactor-internal).</summary>
    internal uint BufferGeneration { get; }

    /// <summary>Where the received bytes start in that buffer (a provided buffer handed out in parts; reactor-internal).</summary>
    internal int BufferOffset { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Operation} {Result} on {Socket}";
}
