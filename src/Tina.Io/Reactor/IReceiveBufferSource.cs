namespace Tina.Io.Reactor;

/// <summary>
/// The reactor's pool, as a readiness backend (epoll) sees it for a receive submitted without a buffer
/// (<see cref="IoBackendCapabilities.ReceiveBufferOnReadiness"/>): the backend asks for a buffer only at the moment it
/// reads, so a connection waiting for bytes holds none. Shard thread only (the backend reads inside Submit, Collect
/// and Wait, all on the shard's thread).
/// </summary>
internal interface IReceiveBufferSource
{
    /// <summary>
    /// Takes a pool buffer for the receive whose token this is and records it on that receive's lane; returns the
    /// address to read into (room for the length submitted), or 0 when the pool is empty or the token names no receive.
    /// </summary>
    nint RentReceiveBuffer(ulong token);

    /// <summary>Gives back the buffer <see cref="RentReceiveBuffer"/> took, because the read found no byte (EAGAIN).</summary>
    void ReturnReceiveBuffer(ulong token);
}
