using Tina.Io;

namespace Tina.Http.Server.Proxy;

/// <summary>One upstream HTTP/1.1 server a proxy route forwards to.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Port">Its port, 1..65535.</param>
public readonly record struct HttpUpstream(IoAddress Address, int Port);
