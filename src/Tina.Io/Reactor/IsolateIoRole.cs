namespace Tina.Io.Reactor;

/// <summary>Which part of a connection an isolate's operation in flight occupies.</summary>
internal enum IsolateIoRole : byte
{
    /// <summary>No operation in the backend (none, or staged, or completed at once).</summary>
    None = 0,
    /// <summary>The connection's read lane (Accept, Receive).</summary>
    Read = 1,
    /// <summary>The connection's write lane (Connect, Send).</summary>
    Write = 2,
    /// <summary>The connection's close.</summary>
    Close = 3,
}
