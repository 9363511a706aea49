using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tina.Io.Interop;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// The few socket calls the backend's boot self-test needs (a socketpair, an abstract AF_UNIX listener) and the
/// loopback helpers its tests use. Boot and test code only: the data path goes through the ring. Every wrapper
/// returns a non-negative result or −errno; the socket calls themselves are <see cref="Libc"/>'s (socketpair aside).
/// </summary>
internal static unsafe partial class LinuxSockets
{
    private const string Library = "libc";

    public const int AfUnix = 1;

    /// <summary>sizeof(struct sockaddr_in).</summary>
    public const int SockaddrInLength = 16;
    /// <summary>sizeof(struct sockaddr_un).</summary>
    public const int SockaddrUnLength = 110;

    [LibraryImport(Library, EntryPoint = "socketpair", SetLastError = true)]
    private static partial int SocketPairNative(int domain, int type, int protocol, int* fds);

    /// <summary>socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): 0 or −errno.</summary>
    public static int SocketPair(out int first, out int second)
    {
        int* fds = stackalloc int[2];
        int result = Check(SocketPairNative(AfUnix, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, fds));
        first = result < 0 ? -1 : fds[0];
        second = result < 0 ? -1 : fds[1];
        return result;
    }

    /// <summary>socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0), blocking: the descriptor or −errno.</summary>
    public static int StreamSocket(int domain) => Check(Libc.Socket(domain, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0));

    /// <summary>bind; 0 or −errno.</summary>
    public static int Bind(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
        {
            return Check(Libc.Bind(fd, p, address.Length));
        }
    }

    /// <summary>listen; 0 or −errno.</summary>
    public static int Listen(int fd, int backlog) => Check(Libc.Listen(fd, backlog));

    /// <summary>getsockname into <paramref name="address"/>: the address length, or −errno.</summary>
    public static int GetSocketName(int fd, Span<byte> address)
    {
        int length = address.Length;
        fixed (byte* p = address)
        {
            int result = Check(Libc.GetSockName(fd, p, &length));
            return result < 0 ? result : length;
        }
    }

    /// <summary>Blocking connect; 0 or −errno.</summary>
    public static int Connect(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
        {
            return Check(Libc.Connect(fd, p, address.Length));
        }
    }

    /// <summary>Writes a sockaddr_in for 127.0.0.1:<paramref name="port"/> into the first 16 bytes.</summary>
    public static void WriteLoopbackAddress(Span<byte> destination, ushort port)
    {
        Span<byte> address = destination[..SockaddrInLength];
        address.Clear();
        MemoryMarshal.Write(address, (ushort)Libc.AF_INET);                // sin_family, host order
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
