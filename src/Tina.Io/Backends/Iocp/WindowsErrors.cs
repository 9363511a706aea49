using Tina.Io.Interop;

namespace Tina.Io.Backends.Iocp;

/// <summary>
/// Translates Windows error codes (Win32, Winsock and the NTSTATUS an OVERLAPPED carries) into Tina's error numbers
/// (<see cref="Errno"/>), so an <see cref="IoResult"/> means the same on every platform. Pure: tested on Linux.
/// </summary>
internal static class WindowsErrors
{
    public const int ERROR_NETNAME_DELETED = 64;
    public const int ERROR_OPERATION_ABORTED = 995;
    public const int ERROR_IO_PENDING = 997;
    public const int ERROR_CONNECTION_REFUSED = 1225;
    public const int ERROR_CONNECTION_ABORTED = 1236;
    public const int WSAEINTR = 10004;
    public const int WSAEBADF = 10009;
    public const int WSAEACCES = 10013;
    public const int WSAEINVAL = 10022;
    public const int WSAEMFILE = 10024;
    public const int WSAEWOULDBLOCK = 10035;
    public const int WSAEINPROGRESS = 10036;
    public const int WSAEALREADY = 10037;
    public const int WSAENOTSOCK = 10038;
    public const int WSAEAFNOSUPPORT = 10047;
    public const int WSAEADDRINUSE = 10048;
    public const int WSAEADDRNOTAVAIL = 10049;
    public const int WSAENETDOWN = 10050;
    public const int WSAENETUNREACH = 10051;
    public const int WSAECONNABORTED = 10053;
    public const int WSAECONNRESET = 10054;
    public const int WSAENOBUFS = 10055;
    public const int WSAEISCONN = 10056;
    public const int WSAENOTCONN = 10057;
    public const int WSAETIMEDOUT = 10060;
    public const int WSAECONNREFUSED = 10061;
    public const int WSAEHOSTUNREACH = 10065;

    public const uint STATUS_SUCCESS = 0x00000000;
    public const uint STATUS_PENDING = 0x00000103;
    public const uint STATUS_CANCELLED = 0xC0000120;
    public const uint STATUS_IO_TIMEOUT = 0xC00000B5;
    public const uint STATUS_LOCAL_DISCONNECT = 0xC000013B;
    public const uint STATUS_REMOTE_DISCONNECT = 0xC000013C;
    public const uint STATUS_CONNECTION_RESET = 0xC000020D;
    public const uint STATUS_CONNECTION_REFUSED = 0xC0000236;
    public const uint STATUS_CONNECTION_ABORTED = 0xC0000241;
    public const uint STATUS_NETWORK_UNREACHABLE = 0xC000023C;
    public const uint STATUS_HOST_UNREACHABLE = 0xC000023D;
    public const uint STATUS_ADDRESS_ALREADY_EXISTS = 0xC000020A;
    public const uint STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;

    /// <summary>A Win32 or Winsock error as an errno; unknown codes map to EIO.</summary>
    public static int ToErrno(int error) => error switch
    {
        ERROR_NETNAME_DELETED => Errno.ECONNRESET,
        ERROR_OPERATION_ABORTED => Errno.ECANCELED,
        ERROR_CONNECTION_REFUSED => Errno.ECONNREFUSED,
        ERROR_CONNECTION_ABORTED => Errno.ECONNABORTED,
        WSAEINTR => Errno.EINTR,
        WSAEBADF => Errno.EBADF,
        WSAEACCES => Errno.EACCES,
        WSAEINVAL => Errno.EINVAL,
        WSAEMFILE => Errno.EMFILE,
        WSAEWOULDBLOCK => Errno.EAGAIN,
        WSAEINPROGRESS => Errno.EINPROGRESS,
        WSAEALREADY => Errno.EALREADY,
        WSAENOTSOCK => Errno.ENOTSOCK,
        WSAEAFNOSUPPORT => Errno.EAFNOSUPPORT,
        WSAEADDRINUSE => Errno.EADDRINUSE,
        WSAEADDRNOTAVAIL => Errno.EADDRNOTAVAIL,
        WSAENETDOWN => Errno.ENETDOWN,
        WSAENETUNREACH => Errno.ENETUNREACH,
        WSAECONNABORTED => Errno.ECONNABORTED,
        WSAECONNRESET => Errno.ECONNRESET,
        WSAENOBUFS => Errno.ENOBUFS,
        WSAEISCONN => Errno.EISCONN,
        WSAENOTCONN => Errno.ENOTCONN,
        WSAETIMEDOUT => Errno.ETIMEDOUT,
        WSAECONNREFUSED => Errno.ECONNREFUSED,
        WSAEHOSTUNREACH => Errno.EHOSTUNREACH,
        _ => Errno.EIO,
    };

    /// <summary>
    /// An OVERLAPPED's NTSTATUS as an errno, for the common socket outcomes; 0 when the status is not one of them
    /// (the backend then asks WSAGetOverlappedResult for the Winsock error).
    /// </summary>
    public static int NtStatusToErrno(uint status) => status switch
    {
        STATUS_SUCCESS => 0,
        STATUS_CANCELLED => Errno.ECANCELED,
        STATUS_IO_TIMEOUT => Errno.ETIMEDOUT,
        STATUS_LOCAL_DISCONNECT => Errno.ECONNABORTED,
        STATUS_REMOTE_DISCONNECT => Errno.ECONNRESET,
        STATUS_CONNECTION_RESET => Errno.ECONNRESET,
        STATUS_CONNECTION_REFUSED => Errno.ECONNREFUSED,
        STATUS_CONNECTION_ABORTED => Errno.ECONNABORTED,
        STATUS_NETWORK_UNREACHABLE => Errno.ENETUNREACH,
        STATUS_HOST_UNREACHABLE => Errno.EHOSTUNREACH,
        STATUS_ADDRESS_ALREADY_EXISTS => Errno.EADDRINUSE,
        STATUS_INSUFFICIENT_RESOURCES => Errno.ENOBUFS,
        _ => 0,
    };
}
