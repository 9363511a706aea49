namespace Tina.Io.Reactor;

/// <summary>The three lanes of an isolate's outstanding operations (see <see cref="IsolateIo"/>).</summary>
internal enum IoLaneKind : byte
{
    /// <summary>Accept, Receive.</summary>
    Read = 0,
    /// <summary>Connect, Send.</summary>
    Write = 1,
    /// <summary>Listen, Close.</summary>
    Control = 2,
}
