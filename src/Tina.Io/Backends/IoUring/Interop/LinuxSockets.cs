using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// The few socket calls the backend's boot self-test needs (a socketpair, an abstract AF_UNIX listener) and the
/// loopback helpers its tests use. Boot and test code only: the data path goes through the ring. Every wrapper
/// returns a non-negative result or −errno.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    private const string Libc = "libc";

    public const int AfUnix = 1;
    public const int AfInet = 2;
    public const int SockStream = 1;
    public const int SockCloexec = 0x80000;
    public const int SockNonblock = 0x800;
    public const int MsgNoSignal = 0x4000;

    /// <summary>sizeof(struct sockaddr_in).</summary>
    public const int SockaddrInLength = 16;
    /// <summary>sizeof(struct sockaddr_un).</summary>
    public const int SockaddrUnLength = 110;

    [LibraryImport(Libc, EntryPoint = "socketpair", SetLastError = true)]
    private static partial int SocketPairNative(int domain, int type, int protocol, int* fds);

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketNative(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    private static partial int BindNative(int fd, byte* address, uint addressLength);

    [LibraryImport(Libc, EntryPoint = "listen", SetLastError = true)]
    private static partial int ListenNative(int fd, int backlog);

    [LibraryImport(Libc, EntryPoint = "getsockname", SetLastError = true)]
    private static partial int GetSockNameNative(int fd, byte* address, uint* addressLength);

    [LibraryImport(Libc, EntryPoint = "connect", SetLastError = true)]
    private static partial int ConnectNative(int fd, byte* address, uint addressLength);

    /// <summary>socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): 0 or −errno.</summary>
    public static int SocketPair(out int first, out int second)
    {
        int* fds = stackalloc int[2];
        int result = Check(SocketPairNative(AfUnix, SockStream | SockCloexec, 0, fds));
        first = result < 0 ? -1 : fds[0];
        second = result < 0 ? -1 : fds[1];
        return result;
    }

    /// <summary>socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0), blocking: the descriptor or −errno.</summary>
    public static int StreamSocket(int domain) => Check(SocketNative(domain, SockStream | SockCloexec, 0));

    /// <summary>bind; 0 or −errno.</summary>
    public static int Bind(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
        {
            return Check(BindNative(fd, p, (uint)address.Length));
        }
    }

    /// <summary>listen; 0 or −errno.</summary>
    public static int Listen(int fd, int backlog) => Check(ListenNative(fd, backlog));

    /// <summary>getsockname into <paramref name="address"/>: the address length, or −errno.</summary>
    public static int GetSocketName(int fd, Span<byte> address)
    {
        uint length = (uint)address.Length;
        fixed (byte* p = address)
        {
            int result = Check(GetSockNameNative(fd, p, &length));
            return result < 0 ? result : (int)length;
        }
    }

    /// <summary>Blocking connect; 0 or −errno.</summary>
    public static int Connect(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
        {
            return Check(ConnectNative(fd, p, (uint)address.Length));
        }
    }

    /// <summary>Writes a sockaddr_in for 127.0.0.1:<paramref name="port"/> into the first 16 bytes.</summary>
    public static void WriteLoopbackAddress(Span<byte> destination, ushort port)
    {
        Span<byte> address = destination[..SockaddrInLength];
        address.Clear();
        MemoryMarshal.Write(address, (ushort)AfInet);                      // sin_family, host order
        BinaryPrimitives.WriteUInt16BigEndian(address[2..], port);        // sin_port, network order
        address[4] = 127;                                                  // sin_addr = 127.0.0.1
        address[7] = 1;
    }

    /// <summary>The port of a sockaddr_in.</summary>
    public static ushort ReadPort(ReadOnlySpan<byte> address) => BinaryPrimitives.ReadUInt16BigEndian(address[2..]);

    /// <summary>
    /// A listening AF_UNIX stream socket bound to a kernel-chosen abstract name (autobind: nothing on disk). Its
    /// address goes into <paramref name="address"/>; returns the descriptor or −errno, with the length in
    /// <paramref name="addressLength"/>.
    /// </summary>
    public static int AbstractUnixListener(Span<byte> address, out int addressLength)
    {
        addressLength = 0;
        int fd = StreamSocket(AfUnix);
        if (fd < 0)
        {
            return fd;
        }

        Span<byte> familyOnly = stackalloc byte[2];
        MemoryMarshal.Write(familyOnly, (ushort)AfUnix);                  // sun_family only: autobind
        int result = Bind(fd, familyOnly);
        if (result >= 0)
        {
            result = Listen(fd, 8);
        }

        if (result >= 0)
        {
            result = GetSocketName(fd, address);
        }

        if (result < 0)
        {
            LinuxLibc.Close(fd);
            return result;
        }

        addressLength = result;
        return fd;
    }

    private static int Check(int result) => result < 0 ? -Marshal.GetLastPInvokeError() : result;
}
