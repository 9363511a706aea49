using System.Runtime.InteropServices;

namespace Tina.Io.Interop;

/// <summary>
/// The libc calls of the Linux backends (epoll, and the socket calls io_uring shares). Raw descriptors, no
/// SafeHandle (an interlocked add-ref per call and a finalizer per socket). A P/Invoke binds only when first called,
/// so this compiles, and loads, on every platform. Every call returns -1 and sets errno on failure; read it with
/// <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int SO_ERROR = 4;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_LINGER = 13;
    public const int SO_REUSEPORT = 15;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int MSG_PEEK = 0x2;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int SHUT_WR = 1;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x1;
    public const uint EPOLLPRI = 0x2;
    public const uint EPOLLOUT = 0x4;
    public const uint EPOLLERR = 0x8;
    public const uint EPOLLHUP = 0x10;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int RLIMIT_NOFILE = 7;

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int socket, byte* address, int addressLength);

    [LibraryImport(Library, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int socket, int backlog);

    [LibraryImport(Library, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int socket, byte* address, int* addressLength, int flags);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int socket, byte* address, int addressLength);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int socket, int how);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int socket, int level, int name, void* value, int length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int socket, int level, int name, void* value, int* length);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int socket, byte* address, int* addressLength);

    [LibraryImport(Library, EntryPoint = "getpeername", SetLastError = true)]
    public static partial int GetPeerName(int socket, byte* address, int* addressLength);

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int operation, int descriptor, byte* evt);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int descriptor, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int descriptor, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, ulong* limits);

    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRLimit(int resource, ulong* limits);

    /// <summary>errno of the last failed call on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    /// <summary>Sets an int socket option; returns 0 or errno.</summary>
    public static int SetInt(int socket, int level, int name, int value) =>
        SetSockOpt(socket, level, name, &value, sizeof(int)) == 0 ? 0 : LastError;

    /// <summary>Reads an int socket option; returns 0 or errno.</summary>
    public static int GetInt(int socket, int level, int name, out int value)
    {
        int result = 0;
        int length = sizeof(int);
        int rc = GetSockOpt(socket, level, name, &result, &length);
        value = result;
        return rc == 0 ? 0 : LastError;
    }

    /// <summary>Raises the soft descriptor limit to the hard limit; returns 0 or errno.</summary>
    public static int RaiseDescriptorLimit(out ulong soft, out ulong hard)
    {
        ulong* limits = stackalloc ulong[2];
        if (GetRLimit(RLIMIT_NOFILE, limits) != 0)
        {
            soft = 0;
            hard = 0;
            return LastError;
        }

        hard = limits[1];
        if (limits[0] < limits[1])
        {
            limits[0] = limits[1];
            if (SetRLimit(RLIMIT_NOFILE, limits) != 0)
            {
                soft = 0;
                return LastError;
            }
        }

        soft = limits[0];
        return 0;
    }
}
