namespace Tina.Io.Reactor;

/// <summary>
/// The synchronous socket calls a reactor makes itself, beside the backend's asynchronous operations: creating,
/// binding and configuring sockets, and encoding addresses. Linux (epoll and io_uring) shares one implementation;
/// Windows and the simulator have their own. Errors come back as positive OS error numbers (0 = success).
/// </summary>
internal unsafe interface ISocketLayer
{
    /// <summary>Creates a non-blocking listening socket bound to the address (SO_REUSEADDR, and SO_REUSEPORT when asked).</summary>
    int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int descriptor);

    /// <summary>Creates a non-blocking stream socket of the address's family, ready for a Connect operation.</summary>
    int OpenStream(in IoAddress address, out int descriptor);

    /// <summary>Writes the socket address for a Connect into <paramref name="destination"/>; returns its length.</summary>
    int EncodeAddress(in IoAddress address, int port, byte* destination, int capacity);

    /// <summary>Applies per-connection options to an accepted or connected socket (TCP_NODELAY).</summary>
    void ConfigureConnection(int descriptor);

    /// <summary>The local port a socket is bound to, or -1.</summary>
    int LocalPort(int descriptor);

    /// <summary>The remote address of a connected socket; false when the layer cannot tell (or the socket is not connected).</summary>
    bool TryGetPeerAddress(int descriptor, out IoAddress address)
    {
        address = default;
        return false;
    }

    /// <summary>
    /// Shuts the descriptor's send side (a FIN after the bytes already queued; receiving goes on); false when the layer
    /// cannot (then the caller closes as before).
    /// </summary>
    bool ShutdownSend(int descriptor) => false;

    /// <summary>Closes a descriptor the backend has never seen (a socket whose setup failed).</summary>
    void CloseUnregistered(int descriptor);

    /// <summary>Makes the descriptor's close abortive (SO_LINGER on, 0 s): the peer gets a reset, not a FIN.</summary>
    void SetAbortiveClose(int descriptor)
    {
    }
}
