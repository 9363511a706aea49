using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Benchmarks;

/// <summary>
/// Where a <see cref="CountingSink"/> publishes its counts for a reader on another thread (the throughput runner),
/// as a user would share progress out of an isolate: handed in through the isolate factory.
/// </summary>
/// <remarks>
/// Invariant: only the sink's shard thread writes (plain 64-bit stores through <see cref="Volatile.Write(ref long, long)"/>);
/// any thread reads with <see cref="Volatile.Read(ref readonly long)"/>; x64 does not tear them. The 128 bytes of
/// padding on each side keep the per-message stores off any line another thread uses. The trailing padding is a real
/// field: the CLR ignores <c>StructLayout.Size</c> on a class.
/// </remarks>
[StructLayout(LayoutKind.Explicit)]
public sealed class SinkTally
{
    [FieldOffset(128)]
    private long _received;

    [FieldOffset(136)]
    private long _receivedRemote;

#pragma warning disable CS0169 // never read or written: it only extends the object 128 bytes past the counts
    [FieldOffset(136 + 128)]
    private long _trailingPadding;
#pragma warning restore CS0169

    /// <summary>Pings the sink handled.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Pings the sink handled that came from another shard.</summary>
    public long ReceivedRemote => Volatile.Read(ref _receivedRemote);

    /// <summary>Called by the sink's shard thread only.</summary>
    internal void Publish(long received, long receivedRemote)
    {
        Volatile.Write(ref _received, received);
        Volatile.Write(ref _receivedRemote, receivedRemote);
    }
}
