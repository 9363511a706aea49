using System.Runtime.Versioning;
using System.Threading;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Iocp;

/// <summary>
/// The synchronous socket calls on Windows: overlapped sockets from WSASocketW. Windows has no SO_REUSEPORT, so
/// <c>reusePort</c> is ignored: one shard should own a port's listener and hand accepted sockets to the others.
/// Errors are returned as Tina errnos (<see cref="WindowsErrors.ToErrno"/>).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class WinsockSocketLayer : ISocketLayer
{
    private static int s_started;
    private readonly bool _noDelay;

    public WinsockSocketLayer(bool noDelay)
    {
        _noDelay = noDelay;
        if (Interlocked.Exchange(ref s_started, 1) == 0)
        {
            byte* data = stackalloc byte[512];
            _ = WinSock.WSAStartup(0x0202, data);
        }
    }

    public int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int descriptor)
    {
        int error = Create(in address, out nint socket);
        descriptor = -1;
        if (error != 0)
        {
            return error;
        }

        byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
        int length = EncodeAddress(in address, port, sockaddr, SockAddr.IPv6Length);
        if (WinSock.Bind(socket, sockaddr, length) != 0 || WinSock.Listen(socket, backlog) != 0)
        {
            error = WindowsErrors.ToErrno(WinSock.WSAGetLastError());
            _ = WinSock.CloseSocket(socket);
            return error;
        }

        descriptor = (int)socket;
        return 0;
    }

    /// <summary>ConnectEx needs a bound socket: bind to the wildcard address, port 0.</summary>
    public int OpenStream(in IoAddress address, out int descriptor)
    {
        int error = Create(in address, out nint socket);
        descriptor = -1;
        if (error != 0)
        {
            return error;
        }

        byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
        IoAddress any = address.IsIPv6 ? IoAddress.IPv6Any : IoAddress.Any;
        int length = EncodeAddress(in any, 0, sockaddr, SockAddr.IPv6Length);
        if (WinSock.Bind(socket, sockaddr, length) != 0)
        {
            error = WindowsErrors.ToErrno(WinSock.WSAGetLastError());
            _ = WinSock.CloseSocket(socket);
            return error;
        }

        descriptor = (int)socket;
        return 0;
    }

    public int EncodeAddress(in IoAddress address, int port, byte* destination, int capacity) =>
        SockAddr.Encode(in address, port, destination, capacity, WinSock.AF_INET, WinSock.AF_INET6);

    public void ConfigureConnection(int descriptor)
    {
        if (_noDelay)
        {
            WinSock.SetInt(descriptor, WinSock.IPPROTO_TCP, WinSock.TCP_NODELAY, 1);
        }
    }

    public int LocalPort(int descriptor)
    {
        byte* sockaddr = stackalloc byte[SockAddr.IPv6Length];
        int length = SockAddr.IPv6Length;
        if (WinSock.GetSockName(descriptor, sockaddr, &length) != 0)
        {
            return -1;
        }

        return SockAddr.TryDecode(sockaddr, length, WinSock.AF_INET, WinSock.AF_INET6, out _, out int port) ? port : -1;
    }

    public void CloseUnregistered(int descriptor) => _ = WinSock.CloseSocket(descriptor);

    private static int Create(in IoAddress address, out nint socket)
    {
        socket = WinSock.WSASocket(
            address.IsIPv6 ? WinSock.AF_INET6 : WinSock.AF_INET, WinSock.SOCK_STREAM, WinSock.IPPROTO_TCP, null, 0,
            WinSock.WSA_FLAG_OVERLAPPED | WinSock.WSA_FLAG_NO_HANDLE_INHERIT);
        return socket == WinSock.InvalidSocket ? WindowsErrors.ToErrno(WinSock.WSAGetLastError()) : 0;
    }
}
