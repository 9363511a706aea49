using System;
using System.Collections.Generic;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Tests.Support;

/// <summary>
/// A scripted backend: records every submission and completes only what the test tells it to (closes, cancels and
/// detaches complete at once with 0). Lets reactor tests fabricate the completions real kernels produce rarely:
/// EMFILE, late completions, cancel-all collateral.
/// </summary>
internal sealed unsafe class FakeBackend : IIoBackend, ISocketLayer
{
    private readonly Queue<IoCompletionEntry> _ready = new();
    private int _nextDescriptor = 100;

    public List<IoSubmission> Submitted { get; } = new();

    public List<int> ClosedDirectly { get; } = new();

    public string Name => "fake";

    public string Features => "scripted";

    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        foreach (IoSubmission submission in batch)
        {
            Submitted.Add(submission);
            if (submission.Op is IoOpCode.Close or IoOpCode.Cancel or IoOpCode.Detach)
            {
                Complete(submission.Token, 0);
            }
        }

        return batch.Length;
    }

    public void Complete(ulong token, int result, uint flags = 0) =>
        _ready.Enqueue(new IoCompletionEntry { Token = token, Result = result, Flags = flags });

    /// <summary>What the fake claims to run natively (the test scripts the completions either way).</summary>
    public IoBackendCapabilities Capabilities { get; set; }

    private byte[] _provided = Array.Empty<byte>();

    /// <summary>Provided receive buffers (set before the reactor is created); 0 for none.</summary>
    public int ProvidedBufferCount { get; private set; }

    /// <summary>Bytes per provided buffer.</summary>
    public int ProvidedBufferSize { get; private set; }

    /// <summary>Provided buffers handed to the reactor by a completion and not given back.</summary>
    public HashSet<ushort> LentProvided { get; } = new();

    /// <summary>Every provided buffer the reactor gave back, in order.</summary>
    public List<ushort> ReturnedProvided { get; } = new();

    /// <summary>Claims multishot receive with <paramref name="count"/> provided buffers of <paramref name="size"/> bytes.</summary>
    public void ProvideBuffers(int count, int size)
    {
        Capabilities |= IoBackendCapabilities.MultishotReceive;
        ProvidedBufferCount = count;
        ProvidedBufferSize = size;
        _provided = GC.AllocateArray<byte>(count * size, pinned: true);
    }

    /// <summary>The "kernel" fills provided buffer <paramref name="id"/> with <paramref name="data"/> for the arm <paramref name="token"/>.</summary>
    public void CompleteWithBuffer(ulong token, ushort id, ReadOnlySpan<byte> data, bool more = true)
    {
        if (!LentProvided.Add(id))
        {
            throw new InvalidOperationException($"provided buffer {id} is still with the reactor");
        }

        data.CopyTo(_provided.AsSpan(id * ProvidedBufferSize, ProvidedBufferSize));
        uint flags = IoCompletionFlags.BufferSelected | ((uint)id << IoCompletionFlags.BufferIdShift) | (more ? IoCompletionFlags.More : 0);
        Complete(token, data.Length, flags);
    }

    public ReadOnlySpan<byte> GetProvidedBuffer(ushort bufferId, int length)
    {
        if (!LentProvided.Contains(bufferId) || length > ProvidedBufferSize)
        {
            throw new InvalidOperationException($"provided buffer {bufferId} is not with the reactor, or {length} bytes is too long");
        }

        return _provided.AsSpan(bufferId * ProvidedBufferSize, length);
    }

    public void ReturnProvidedBuffer(ushort bufferId)
    {
        if (!LentProvided.Remove(bufferId))
        {
            throw new InvalidOperationException($"provided buffer {bufferId} given back twice, or never handed over");
        }

        ReturnedProvided.Add(bufferId);
    }

    /// <summary>The last submission of an operation.</summary>
    public IoSubmission Last(IoOpCode op) => Submitted.FindLast(s => s.Op == op);

    public int Count(IoOpCode op) => Submitted.FindAll(s => s.Op == op).Count;

    public void Flush()
    {
    }

    public int Collect(Span<IoCompletionEntry> completions)
    {
        int count = 0;
        while (count < completions.Length && _ready.Count > 0)
        {
            completions[count++] = _ready.Dequeue();
        }

        return count;
    }

    public bool HasCompletions() => _ready.Count > 0;

    public void Wait(long timeoutNanoseconds)
    {
    }

    public void Wake()
    {
    }

    public void Dispose()
    {
    }

    public int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int descriptor)
    {
        descriptor = _nextDescriptor++;
        return 0;
    }

    public int OpenStream(in IoAddress address, out int descriptor)
    {
        descriptor = _nextDescriptor++;
        return 0;
    }

    public int EncodeAddress(in IoAddress address, int port, byte* destination, int capacity) =>
        SockAddr.Encode(in address, port, destination, capacity, Libc.AF_INET, Libc.AF_INET6);

    public void ConfigureConnection(int descriptor)
    {
    }

    public int LocalPort(int descriptor) => 4242;

    public void CloseUnregistered(int descriptor) => ClosedDirectly.Add(descriptor);
}
