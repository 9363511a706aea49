using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tina.Io.Interop;

/// <summary>
/// Winsock and completion-port calls of the IOCP backend. Compiles everywhere (a P/Invoke binds only when called);
/// only Windows code paths, selected behind <see cref="System.OperatingSystem.IsWindows"/>, call it.
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class WinSock
{
    public const int AF_INET = 2;
    public const int AF_INET6 = 23;
    public const int SOCK_STREAM = 1;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int SOL_SOCKET = 0xFFFF;
    public const int SO_UPDATE_ACCEPT_CONTEXT = 0x700B;
    public const int SO_UPDATE_CONNECT_CONTEXT = 0x7010;
    public const uint WSA_FLAG_OVERLAPPED = 0x01;
    public const uint WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
    public const uint SIO_GET_EXTENSION_FUNCTION_POINTER = 0xC8000006;
    public const int SOCKET_ERROR = -1;
    public static readonly nint InvalidSocket = -1;

    [LibraryImport("ws2_32.dll", EntryPoint = "WSAStartup")]
    public static partial int WSAStartup(ushort version, byte* data);

    [LibraryImport("ws2_32.dll", EntryPoint = "WSASocketW", SetLastError = true)]
    public static partial nint WSASocket(int family, int type, int protocol, void* protocolInfo, uint group, uint flags);

    [LibraryImport("ws2_32.dll", EntryPoint = "bind")]
    public static partial int Bind(nint socket, byte* address, int length);

    [LibraryImport("ws2_32.dll", EntryPoint = "listen")]
    public static partial int Listen(nint socket, int backlog);

    [LibraryImport("ws2_32.dll", EntryPoint = "closesocket")]
    public static partial int CloseSocket(nint socket);

    [LibraryImport("ws2_32.dll", EntryPoint = "setsockopt")]
    public static partial int SetSockOpt(nint socket, int level, int name, void* value, int length);

    [LibraryImport("ws2_32.dll", EntryPoint = "getsockname")]
    public static partial int GetSockName(nint socket, byte* address, int* length);

    [LibraryImport("ws2_32.dll", EntryPoint = "WSAGetLastError")]
    public static partial int WSAGetLastError();

    [LibraryImport("ws2_32.dll", EntryPoint = "WSAIoctl")]
    public static partial int WSAIoctl(nint socket, uint code, void* input, uint inputLength, void* output, uint outputLength, uint* bytesReturned, void* overlapped, void* completion);

    [LibraryImport("ws2_32.dll", EntryPoint = "WSARecv")]
    public static partial int WSARecv(nint socket, void* buffers, uint bufferCount, uint* received, uint* flags, void* overlapped, void* completion);

    [LibraryImport("ws2_32.dll", EntryPoint = "WSASend")]
    public static partial int WSASend(nint socket, void* buffers, uint bufferCount, uint* sent, uint flags, void* overlapped, void* completion);

    [LibraryImport("ws2_32.dll", EntryPoint = "WSAGetOverlappedResult")]
    public static partial int WSAGetOverlappedResult(nint socket, void* overlapped, uint* transferred, int wait, uint* flags);

    [LibraryImport("kernel32.dll", EntryPoint = "CreateIoCompletionPort", SetLastError = true)]
    public static partial nint CreateIoCompletionPort(nint file, nint existingPort, nuint key, uint concurrentThreads);

    [LibraryImport("kernel32.dll", EntryPoint = "GetQueuedCompletionStatusEx", SetLastError = true)]
    public static partial int GetQueuedCompletionStatusEx(nint port, void* entries, uint count, uint* removed, uint milliseconds, int alertable);

    [LibraryImport("kernel32.dll", EntryPoint = "PostQueuedCompletionStatus", SetLastError = true)]
    public static partial int PostQueuedCompletionStatus(nint port, uint bytes, nuint key, void* overlapped);

    [LibraryImport("kernel32.dll", EntryPoint = "CancelIoEx", SetLastError = true)]
    public static partial int CancelIoEx(nint file, void* overlapped);

    [LibraryImport("kernel32.dll", EntryPoint = "CloseHandle", SetLastError = true)]
    public static partial int CloseHandle(nint handle);

    /// <summary>Sets an int option; returns 0 or the Winsock error.</summary>
    public static int SetInt(nint socket, int level, int name, int value) =>
        SetSockOpt(socket, level, name, &value, sizeof(int)) == 0 ? 0 : WSAGetLastError();
}
