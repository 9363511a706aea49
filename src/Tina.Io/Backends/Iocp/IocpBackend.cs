using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Iocp;

/// <summary>
/// Windows: one I/O completion port per shard. WSARecv / WSASend / AcceptEx / ConnectEx issue overlapped
/// operations whose state lives in <see cref="IocpCore"/>'s native slab; GetQueuedCompletionStatusEx dequeues their
/// packets (timeout 0 in Collect, the park timeout in Wait); PostQueuedCompletionStatus with
/// <see cref="IocpCore.WakeKey"/> wakes the shard. Calls that fail at once post no packet, so their completions are
/// synthesized into a ready queue, as the epoll backend does.
/// </summary>
/// <remarks>
/// <para>Not done yet (see design/io.md): FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (every success posts a packet today),
/// several outstanding AcceptEx per listener, zero-byte receives for idle connections, and RIO. A socket's
/// association with a port is permanent, so <see cref="IoOpCode.Detach"/> is refused (Submit takes 0): sockets
/// cannot move between shards on Windows.</para>
/// <para>This file cannot run on the Linux CI: its logic-bearing half, <see cref="IocpCore"/>, is tested there with
/// fabricated packets; the backend itself runs the contract suite in the Windows job.</para>
/// </remarks>
[SupportedOSPlatform("windows")]
internal sealed unsafe class IocpBackend : IIoBackend, IIocpPlatform
{
    private static readonly Guid s_acceptExId = new(0xb5367df1, 0xcbac, 0x11cf, 0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92);
    private static readonly Guid s_connectExId = new(0x25a207b9, 0xddf3, 0x4660, 0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e);

    private readonly nint _port;
    private readonly IocpCore _core;
    private readonly OverlappedEntry* _entries;
    private readonly int _entryCount;
    private readonly HashSet<int> _associated = new();   // sockets associated with this port (grows to the high-water mark)
    private IoCompletionEntry[] _ready;                   // synthesized and dequeued completions waiting for Collect
    private int _readyCount;
    private delegate* unmanaged[Stdcall]<nint, nint, void*, uint, uint, uint, uint*, void*, int> _acceptEx;
    private delegate* unmanaged[Stdcall]<nint, void*, int, void*, uint, uint*, void*, int> _connectEx;
    private bool _disposed;

    public IocpBackend(int batchSize, int operationCapacity)
    {
        _port = WinSock.CreateIoCompletionPort(-1, 0, 0, 1);
        if (_port == 0)
        {
            throw new InvalidOperationException($"CreateIoCompletionPort failed (error {Marshal.GetLastPInvokeError()}).");
        }

        _core = new IocpCore(operationCapacity, this);
        _entryCount = Math.Max(16, batchSize);
        _entries = (OverlappedEntry*)NativeMemory.AllocZeroed((nuint)(_entryCount * sizeof(OverlappedEntry)));
        _ready = new IoCompletionEntry[Math.Max(64, batchSize * 2)];
    }

    public string Name => "iocp";

    public string Features => "completion port per shard, AcceptEx/ConnectEx, WSARecv/WSASend, posted-packet wake";

    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            ref readonly IoSubmission s = ref batch[i];
            if (s.Op == IoOpCode.Detach)
            {
                return i; // a socket cannot leave its completion port
            }

            Execute(in s);
        }

        return batch.Length;
    }

    public void Flush()
    {
    }

    public int Collect(Span<IoCompletionEntry> completions)
    {
        if (_readyCount < completions.Length)
        {
            Dequeue(0);
        }

        int count = Math.Min(_readyCount, completions.Length);
        _ready.AsSpan(0, count).CopyTo(completions);
        _ready.AsSpan(count, _readyCount - count).CopyTo(_ready);
        _readyCount -= count;
        return count;
    }

    public bool HasCompletions() => _readyCount > 0;

    public void Wait(long timeoutNanoseconds)
    {
        if (_readyCount > 0)
        {
            return;
        }

        uint milliseconds = timeoutNanoseconds < 0 ? uint.MaxValue : (uint)Math.Min(uint.MaxValue - 1, (timeoutNanoseconds + 999_999) / 1_000_000);
        Dequeue(milliseconds);
    }

    public void Wake() => WinSock.PostQueuedCompletionStatus(_port, 0, IocpCore.WakeKey, null);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        WinSock.CloseHandle(_port);
        NativeMemory.Free(_entries);
        _core.Dispose();
    }

    // ---- IIocpPlatform -------------------------------------------------------------------------------------------

    public int OverlappedError(IocpOperation* operation)
    {
        uint transferred;
        uint flags;
        return WinSock.WSAGetOverlappedResult(operation->Socket, &operation->Overlapped, &transferred, 0, &flags) != 0
            ? 0
            : WinSock.WSAGetLastError();
    }

    public int CompleteAccept(nint listener, nint accepted) =>
        WinSock.SetSockOpt(accepted, WinSock.SOL_SOCKET, WinSock.SO_UPDATE_ACCEPT_CONTEXT, &listener, sizeof(nint)) == 0 ? 0 : WinSock.WSAGetLastError();

    public int CompleteConnect(nint socket) =>
        WinSock.SetSockOpt(socket, WinSock.SOL_SOCKET, WinSock.SO_UPDATE_CONNECT_CONTEXT, null, 0) == 0 ? 0 : WinSock.WSAGetLastError();

    public void CloseSocket(nint socket) => _ = WinSock.CloseSocket(socket);

    // ---- operations ----------------------------------------------------------------------------------------------

    private void Execute(in IoSubmission s)
    {
        nint socket = s.Descriptor;
        switch (s.Op)
        {
            case IoOpCode.Close:
                _associated.Remove(s.Descriptor);
                Ready(s.Token, WinSock.CloseSocket(socket) == 0 ? 0 : -WindowsErrors.ToErrno(WinSock.WSAGetLastError()));
                return; // operations still in flight post ERROR_OPERATION_ABORTED packets; their slots wait for them
            case IoOpCode.Cancel:
                Ready(s.Token, Cancel(socket, s.TargetToken));
                return;
            default:
                break;
        }

        int associateError = Associate(s.Descriptor);
        if (associateError != 0)
        {
            Ready(s.Token, -associateError);
            return;
        }

        if (!_core.TryRent(s.Token, s.Op, socket, out int slot))
        {
            Ready(s.Token, -Errno.ENOBUFS);
            return;
        }

        IocpOperation* operation = _core.At(slot);
        int error = s.Op switch
        {
            IoOpCode.Receive => IssueReceive(operation, in s),
            IoOpCode.Send => IssueSend(operation, in s),
            IoOpCode.Accept => IssueAccept(operation),
            IoOpCode.Connect => IssueConnect(operation, in s),
            _ => WindowsErrors.WSAEINVAL,
        };
        if (error != 0 && error != WindowsErrors.ERROR_IO_PENDING)
        {
            if (operation->AcceptSocket != 0)
            {
                _ = WinSock.CloseSocket(operation->AcceptSocket);
            }

            _core.Return(slot); // failed at once: no packet will come
            Ready(s.Token, -WindowsErrors.ToErrno(error));
        }
    }

    private static int IssueReceive(IocpOperation* operation, in IoSubmission s)
    {
        operation->Buffer = new WsaBuf { Length = (uint)s.Length, Buffer = s.Buffer };
        operation->Flags = 0;
        int rc = WinSock.WSARecv(operation->Socket, &operation->Buffer, 1, null, &operation->Flags, &operation->Overlapped, null);
        return rc == 0 ? 0 : WinSock.WSAGetLastError();
    }

    private static int IssueSend(IocpOperation* operation, in IoSubmission s)
    {
        operation->Buffer = new WsaBuf { Length = (uint)s.Length, Buffer = s.Buffer };
        int rc = WinSock.WSASend(operation->Socket, &operation->Buffer, 1, null, 0, &operation->Overlapped, null);
        return rc == 0 ? 0 : WinSock.WSAGetLastError();
    }

    private int IssueAccept(IocpOperation* operation)
    {
        if (_acceptEx == null && !LoadExtensions(operation->Socket))
        {
            return WinSock.WSAGetLastError();
        }

        byte* local = stackalloc byte[SockAddr.IPv6Length];
        int length = SockAddr.IPv6Length;
        int family = WinSock.GetSockName(operation->Socket, local, &length) == 0 && length >= SockAddr.IPv6Length ? WinSock.AF_INET6 : WinSock.AF_INET;
        operation->AcceptSocket = WinSock.WSASocket(family, WinSock.SOCK_STREAM, WinSock.IPPROTO_TCP, null, 0, WinSock.WSA_FLAG_OVERLAPPED | WinSock.WSA_FLAG_NO_HANDLE_INHERIT);
        if (operation->AcceptSocket == WinSock.InvalidSocket)
        {
            operation->AcceptSocket = 0;
            return WinSock.WSAGetLastError();
        }

        uint received;
        const uint addressLength = IocpOperation.AcceptAddressBytes / 2;
        int ok = _acceptEx(operation->Socket, operation->AcceptSocket, operation->AcceptAddresses, 0, addressLength, addressLength, &received, &operation->Overlapped);
        return ok != 0 ? 0 : WinSock.WSAGetLastError();
    }

    private int IssueConnect(IocpOperation* operation, in IoSubmission s)
    {
        if (_connectEx == null && !LoadExtensions(operation->Socket))
        {
            return WinSock.WSAGetLastError();
        }

        uint sent;
        int ok = _connectEx(operation->Socket, (void*)s.Address, s.AddressLength, null, 0, &sent, &operation->Overlapped);
        return ok != 0 ? 0 : WinSock.WSAGetLastError();
    }

    private int Cancel(nint socket, ulong target)
    {
        if (target == 0)
        {
            return WinSock.CancelIoEx(socket, null) != 0 ? 0 : -Errno.ENOENT;
        }

        int slot = _core.FindByToken(target);
        if (slot < 0)
        {
            return -Errno.ENOENT;
        }

        return WinSock.CancelIoEx(socket, &_core.At(slot)->Overlapped) != 0 ? 0 : -Errno.ENOENT;
    }

    private int Associate(int descriptor)
    {
        if (_associated.Contains(descriptor))
        {
            return 0;
        }

        if (WinSock.CreateIoCompletionPort(descriptor, _port, 0, 0) == 0)
        {
            return WindowsErrors.ToErrno(Marshal.GetLastPInvokeError());
        }

        _associated.Add(descriptor);
        return 0;
    }

    private bool LoadExtensions(nint socket)
    {
        Guid acceptId = s_acceptExId;
        Guid connectId = s_connectExId;
        void* pointer = null;
        uint returned;
        if (WinSock.WSAIoctl(socket, WinSock.SIO_GET_EXTENSION_FUNCTION_POINTER, &acceptId, (uint)sizeof(Guid), &pointer, (uint)sizeof(void*), &returned, null, null) != 0)
        {
            return false;
        }

        _acceptEx = (delegate* unmanaged[Stdcall]<nint, nint, void*, uint, uint, uint, uint*, void*, int>)pointer;
        if (WinSock.WSAIoctl(socket, WinSock.SIO_GET_EXTENSION_FUNCTION_POINTER, &connectId, (uint)sizeof(Guid), &pointer, (uint)sizeof(void*), &returned, null, null) != 0)
        {
            return false;
        }

        _connectEx = (delegate* unmanaged[Stdcall]<nint, void*, int, void*, uint, uint*, void*, int>)pointer;
        return true;
    }

    private void Dequeue(uint milliseconds)
    {
        uint removed;
        int room = Math.Min(_entryCount, _ready.Length - _readyCount);
        if (room <= 0 || WinSock.GetQueuedCompletionStatusEx(_port, _entries, (uint)room, &removed, milliseconds, 0) == 0)
        {
            return; // WAIT_TIMEOUT, or nothing to take
        }

        _readyCount += _core.Translate(new ReadOnlySpan<OverlappedEntry>(_entries, (int)removed), _ready.AsSpan(_readyCount));
    }

    private void Ready(ulong token, int result)
    {
        if (_readyCount == _ready.Length)
        {
            Array.Resize(ref _ready, _ready.Length * 2);
        }

        _ready[_readyCount++] = new IoCompletionEntry { Token = token, Result = result };
    }
}
