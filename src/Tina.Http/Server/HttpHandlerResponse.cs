namespace Tina.Http.Server;

/// <summary>
/// The reply of a handler isolate: the status, and how many header and body bytes it wrote into the call slot's
/// response area (<see cref="HttpServerOptions.MaxHandlerResponseBytes"/>). Built by <see cref="HttpHandler.Respond"/>.
/// </summary>
public readonly record struct HttpHandlerResponse(int Status, int Slot, uint Generation, int HeaderBytes, int BodyBytes);
