using System;

namespace Tina.Io.Backends.Simulated;

/// <summary>
/// Watches the bytes of a <see cref="SimulatedNetwork"/>'s streams (the deterministic simulator keeps a ledger of
/// them to check that no byte is invented, lost from the middle or reordered). Called under the network's lock; a
/// stream is named by its receiving socket's incarnation, unique for the network's life.
/// </summary>
internal interface ISimulatedNetworkObserver
{
    /// <summary>A send copied <paramref name="data"/> into the receiving socket's window at stream offset <paramref name="position"/>.</summary>
    void OnWritten(uint receiver, long position, ReadOnlySpan<byte> data);

    /// <summary>A receive handed <paramref name="data"/>, from stream offset <paramref name="position"/>, to the reader.</summary>
    void OnRead(uint receiver, long position, ReadOnlySpan<byte> data);

    /// <summary>The socket closed; bytes still unread in its window are gone with it.</summary>
    void OnReleased(uint socket);
}
