namespace Tina.Io.Backends.Iocp;

/// <summary>
/// The few syscalls <see cref="IocpCore"/> needs while translating completion packets. The Windows backend
/// implements it with Winsock; the Linux tests with a fake, so the translation is tested everywhere.
/// </summary>
internal unsafe interface IIocpPlatform
{
    /// <summary>The Winsock error of a failed operation whose NTSTATUS is not one <see cref="WindowsErrors"/> knows (WSAGetOverlappedResult).</summary>
    int OverlappedError(IocpOperation* operation);

    /// <summary>An AcceptEx finished: apply SO_UPDATE_ACCEPT_CONTEXT to the accepted socket. Returns 0 or a Winsock error.</summary>
    int CompleteAccept(nint listener, nint accepted);

    /// <summary>A ConnectEx finished: apply SO_UPDATE_CONNECT_CONTEXT. Returns 0 or a Winsock error.</summary>
    int CompleteConnect(nint socket);

    /// <summary>Closes a socket the reactor never saw (the pre-created socket of a failed AcceptEx).</summary>
    void CloseSocket(nint socket);
}
