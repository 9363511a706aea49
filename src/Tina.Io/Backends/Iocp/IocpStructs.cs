using System.Runtime.InteropServices;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Iocp;

/// <summary>Win32 OVERLAPPED (32 bytes on 64-bit). Internal holds the NTSTATUS, InternalHigh the bytes transferred.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Overlapped
{
    public nuint Internal;
    public nuint InternalHigh;
    public uint Offset;
    public uint OffsetHigh;
    public nint Event;
}

/// <summary>Win32 OVERLAPPED_ENTRY, what GetQueuedCompletionStatusEx fills (32 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OverlappedEntry
{
    public nuint CompletionKey;
    public nint Overlapped;
    public nuint Internal;
    public uint BytesTransferred;
}

/// <summary>Winsock WSABUF (16 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WsaBuf
{
    public uint Length;
    public nint Buffer;
}

/// <summary>
/// One IOCP operation's native state: the OVERLAPPED first (so the pointer an entry carries is the slot's address),
/// then the token and what the call needs while in flight. Lives in the backend's native slab for as long as the
/// kernel may touch it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IocpOperation
{
    /// <summary>AcceptEx's output: local and remote sockaddr, each sizeof(sockaddr_in6) + 16.</summary>
    public const int AcceptAddressBytes = 2 * (28 + 16);

    public Overlapped Overlapped;
    public ulong Token;
    public WsaBuf Buffer;
    public uint Flags;
    public IocpOperationState State;
    public IoOpCode Op;
    public nint Socket;
    public nint AcceptSocket;
    public fixed byte AcceptAddresses[AcceptAddressBytes];
}

/// <summary>Where an IOCP operation slot stands.</summary>
internal enum IocpOperationState : int
{
    /// <summary>On the free list.</summary>
    Free = 0,
    /// <summary>Issued; the kernel owns the OVERLAPPED until its packet is dequeued.</summary>
    InFlight = 1,
}
