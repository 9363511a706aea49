namespace Tina.Http.Server;

/// <summary>
/// The Call payload a handler isolate receives for one request (16 bytes, far under the 96-byte payload limit). It
/// carries no bytes: the request (method, target, headers, body) lies in a call slot of the shard
/// (<see cref="HttpServerOptions.MaxHandlerRequestBytes"/> each), which the connection filled and leaves alone until
/// the call ends. Read it with <see cref="HttpHandler.Read"/>; answer with <see cref="HttpHandler.Respond"/>.
/// </summary>
/// <remarks>
/// The slot is named by index and generation, so a handler that answers after the call timed out (the slot already
/// reused) reads an empty request and its response is refused, never mixed into another request.
/// </remarks>
public readonly record struct HttpHandlerRequest(int Server, int Slot, uint Generation, int HeadBytes, int BodyBytes);
