using Tina.Io.Reactor;

namespace Tina.Io.Interop;

/// <summary>The synchronous socket calls of both Linux backends (epoll and io_uring), through libc.</summary>
internal sealed unsafe class LinuxSocketLayer : ISocketLayer
{
    private readonly bool _noDelay;
    private readonly int _sendBufferBytes;      // 0 = OS default
    private readonly int _receiveBufferBytes;   // 0 = OS default

    public LinuxSocketLayer(IoOptions options)
    {
        _noDelay = options.NoDelay;
        _sendBufferBytes = options.SocketSendBufferBytes;
        _receiveBufferBytes = options.SocketReceiveBufferBytes;
    }

    public int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int descriptor)
    {
        int error = OpenStream(in address, out descriptor);
        if (error != 0)
        {
            return error;
        }

        error = Libc.SetInt(descriptor, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
        if (error == 0 && reusePort)
        {
            error = Libc.SetInt(descriptor, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1);
        }

        if (error == 0)
        {
            byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
            int length = EncodeAddress(in address, port, sockaddr, SockAddr.IPv6Length);
            if (Libc.Bind(descriptor, sockaddr, length) != 0 || Libc.Listen(descriptor, backlog) != 0)
            {
                error = Libc.LastError;
            }
        }

        if (error != 0)
        {
            Libc.Close(descriptor);
            descriptor = -1;
        }

        return error;
    }

    public int OpenStream(in IoAddress address, out int descriptor)
    {
        int family = address.IsIPv6 ? Libc.AF_INET6 : Libc.AF_INET;
        descriptor = Libc.Socket(family, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        return descriptor >= 0 ? 0 : Libc.LastError;
    }

    public int EncodeAddress(in IoAddress address, int port, byte* destination, int capacity) =>
        SockAddr.Encode(in address, port, destination, capacity, Libc.AF_INET, Libc.AF_INET6);

    /// <summary>Best effort: an option a socket refuses leaves it with the OS default.</summary>
    /// <summary>SO_LINGER {on, 0 s}: close() then drops unsent data and sends a reset.</summary>
    public void SetAbortiveClose(int descriptor)
    {
        long linger = 1; // struct linger { int l_onoff = 1; int l_linger = 0; } in one 8-byte value (little-endian)
        Libc.SetSockOpt(descriptor, Libc.SOL_SOCKET, Libc.SO_LINGER, &linger, sizeof(long));
    }

    public void ConfigureConnection(int descriptor)
    {
        if (_noDelay)
        {
            Libc.SetInt(descriptor, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1);
        }

        if (_sendBufferBytes > 0)
        {
            Libc.SetInt(descriptor, Libc.SOL_SOCKET, Libc.SO_SNDBUF, _sendBufferBytes);
        }

        if (_receiveBufferBytes > 0)
        {
            Libc.SetInt(descriptor, Libc.SOL_SOCKET, Libc.SO_RCVBUF, _receiveBufferBytes);
        }
    }

    public int LocalPort(int descriptor)
    {
        byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
        int length = SockAddr.IPv6Length;
        if (Libc.GetSockName(descriptor, sockaddr, &length) != 0)
        {
            return -1;
        }

        return SockAddr.TryDecode(sockaddr, length, Libc.AF_INET, Libc.AF_INET6, out _, out int port) ? port : -1;
    }

    public bool TryGetPeerAddress(int descriptor, out IoAddress address)
    {
        byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
        int length = SockAddr.IPv6Length;
        address = default;
        return Libc.GetPeerName(descriptor, sockaddr, &length) == 0
            && SockAddr.TryDecode(sockaddr, length, Libc.AF_INET, Libc.AF_INET6, out address, out _);
    }

    public bool ShutdownSend(int descriptor) => Libc.Shutdown(descriptor, Libc.SHUT_WR) == 0;

    public void CloseUnregistered(int descriptor) => Libc.Close(descriptor);
}
