using System.Runtime.InteropServices;

namespace Tina.Io;

/// <summary>
/// Received bytes an isolate kept beyond the invocation that handled their completion
/// (<see cref="IoContextExtensions.KeepReceived"/>): read them with <see cref="IoContextExtensions.KeptData"/>, give
/// the buffer back with <see cref="IoContextExtensions.ReleaseKept"/>. Unmanaged, so it can live in the isolate's
/// fields. A kept buffer is taken from the shard's pool (or the io_uring ring) until it is released or the isolate
/// exits: keep few, and briefly.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct KeptReceive
{
    internal KeptReceive(int buffer, uint generation, int offset, int length)
    {
        Buffer = buffer;
        Generation = generation;
        Offset = offset;
        Length = length;
    }

    /// <summary>The number of bytes kept.</summary>
    public int Length { get; }

    /// <summary>True for a default value (nothing kept).</summary>
    public bool IsNone => Length == 0 && Generation == 0;

    internal int Buffer { get; }

    internal uint Generation { get; }

    internal int Offset { get; }
}
