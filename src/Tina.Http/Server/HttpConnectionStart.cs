using Tina.Io;

namespace Tina.Http.Server;

/// <summary>Start message of a connection isolate: its socket (already transferred to it) and the client's address.</summary>
internal readonly record struct HttpConnectionStart(SocketHandle Socket, IoAddress Peer, bool HasPeer);
