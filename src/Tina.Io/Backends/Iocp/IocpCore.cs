using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Iocp;

/// <summary>
/// The platform-free half of the IOCP backend: a native slab of <see cref="IocpOperation"/> slots and the
/// translation of dequeued <see cref="OverlappedEntry"/>s into <see cref="IoCompletionEntry"/>s. It compiles and
/// runs on every platform, so its logic is unit-tested on Linux with fabricated entries.
/// </summary>
/// <remarks>
/// <para>Slots are <see cref="Stride"/> bytes apart in one block that never moves; a slot stays InFlight, and its
/// OVERLAPPED untouched, until its packet is dequeued (an operation aborted by closesocket still posts one). The
/// entry's OVERLAPPED pointer maps back to its slot by arithmetic; a pointer outside the slab, misaligned, or naming
/// a slot that is not in flight is counted and ignored. The wake packet has key <see cref="WakeKey"/> and no
/// OVERLAPPED.</para>
/// <para>Results: success is the byte count (Receive, Send), the accepted socket (Accept) or 0 (Connect); failure
/// is −errno, from the NTSTATUS in the entry when it is a known one, else from the operation's Winsock error.
/// Shard-thread only.</para>
/// </remarks>
internal sealed unsafe class IocpCore : IDisposable
{
    /// <summary>Completion key of the wake packet (sockets are associated with key 0).</summary>
    public const nuint WakeKey = 1;

    private readonly IIocpPlatform _platform;
    private readonly byte* _slab;
    private readonly int[] _free;
    private int _freeCount;
    private bool _disposed;

    public IocpCore(int capacity, IIocpPlatform platform)
    {
        _platform = platform;
        Capacity = capacity;
        _slab = (byte*)NativeMemory.AlignedAlloc((nuint)capacity * (nuint)Stride, 64);
        NativeMemory.Clear(_slab, (nuint)capacity * (nuint)Stride);
        _free = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    /// <summary>Bytes between slots: the operation struct rounded up to a cache line.</summary>
    public static int Stride => (sizeof(IocpOperation) + 63) & ~63;

    public int Capacity { get; }

    public int InFlight => Capacity - _freeCount;

    /// <summary>Packets that named no slot in flight (or another port's OVERLAPPED): ignored.</summary>
    public long ForeignPackets { get; private set; }

    /// <summary>Wake packets dequeued.</summary>
    public long Wakes { get; private set; }

    public IocpOperation* At(int slot)
    {
        Debug.Assert((uint)slot < (uint)Capacity, "slot in range");
        return (IocpOperation*)(_slab + ((nint)slot * Stride));
    }

    /// <summary>Takes a slot for an operation about to be issued (zeroed, InFlight).</summary>
    public bool TryRent(ulong token, IoOpCode op, nint socket, out int slot)
    {
        if (_freeCount == 0)
        {
            slot = -1;
            return false;
        }

        slot = _free[--_freeCount];
        IocpOperation* operation = At(slot);
        *operation = default;
        operation->Token = token;
        operation->Op = op;
        operation->Socket = socket;
        operation->State = IocpOperationState.InFlight;
        return true;
    }

    /// <summary>Gives a slot back (its packet was dequeued, or the call failed before the kernel took it).</summary>
    public void Return(int slot)
    {
        IocpOperation* operation = At(slot);
        Debug.Assert(operation->State == IocpOperationState.InFlight, "return a slot in flight");
        operation->State = IocpOperationState.Free;
        _free[_freeCount++] = slot;
    }

    /// <summary>Maps an entry's OVERLAPPED pointer back to its slot. False for anything that is not a slot in flight.</summary>
    public bool TryMap(nint overlapped, out int slot)
    {
        slot = -1;
        long offset = (long)((byte*)overlapped - _slab);
        if (overlapped == 0 || offset < 0 || offset >= (long)Capacity * Stride || offset % Stride != 0)
        {
            return false;
        }

        slot = (int)(offset / Stride);
        return At(slot)->State == IocpOperationState.InFlight;
    }

    /// <summary>Finds the slot in flight with this token (for a targeted cancel); -1 when none.</summary>
    public int FindByToken(ulong token)
    {
        for (int slot = 0; slot < Capacity; slot++)
        {
            IocpOperation* operation = At(slot);
            if (operation->State == IocpOperationState.InFlight && operation->Token == token)
            {
                return slot;
            }
        }

        return -1;
    }

    /// <summary>Translates dequeued packets into completions, returning each slot; returns how many completions.</summary>
    public int Translate(ReadOnlySpan<OverlappedEntry> entries, Span<IoCompletionEntry> completions)
    {
        Debug.Assert(completions.Length >= entries.Length, "room for every packet");
        int count = 0;
        foreach (ref readonly OverlappedEntry entry in entries)
        {
            if (entry.CompletionKey == WakeKey && entry.Overlapped == 0)
            {
                Wakes++;
                continue;
            }

            if (!TryMap(entry.Overlapped, out int slot))
            {
                ForeignPackets++;
                continue;
            }

            IocpOperation* operation = At(slot);
            completions[count++] = new IoCompletionEntry { Token = operation->Token, Result = ResultOf(operation, in entry) };
            Return(slot);
        }

        return count;
    }

    private int ResultOf(IocpOperation* operation, in OverlappedEntry entry)
    {
        uint status = (uint)entry.Internal;
        if (status == WindowsErrors.STATUS_SUCCESS)
        {
            switch (operation->Op)
            {
                case IoOpCode.Accept:
                    int acceptError = _platform.CompleteAccept(operation->Socket, operation->AcceptSocket);
                    if (acceptError != 0)
                    {
                        _platform.CloseSocket(operation->AcceptSocket);
                        return -WindowsErrors.ToErrno(acceptError);
                    }

                    return (int)operation->AcceptSocket;
                case IoOpCode.Connect:
                    int connectError = _platform.CompleteConnect(operation->Socket);
                    return connectError == 0 ? 0 : -WindowsErrors.ToErrno(connectError);
                default:
                    return (int)entry.BytesTransferred;
            }
        }

        int errno = WindowsErrors.NtStatusToErrno(status);
        if (errno == 0)
        {
            errno = WindowsErrors.ToErrno(_platform.OverlappedError(operation));
        }

        if (operation->Op == IoOpCode.Accept && operation->AcceptSocket != 0)
        {
            _platform.CloseSocket(operation->AcceptSocket);
        }

        return -errno;
    }

    public void Dispose()
    {
        if (!_disposed && InFlight == 0)
        {
            NativeMemory.AlignedFree(_slab); // with operations in flight the kernel may still write: leak instead
        }

        _disposed = true;
    }
}
