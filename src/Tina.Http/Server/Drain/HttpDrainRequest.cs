namespace Tina.Http.Server;

/// <summary>The message <see cref="HttpServer.BeginDrain"/> sends from outside to each shard's <see cref="HttpDrainGate"/>.</summary>
internal readonly record struct HttpDrainRequest(int Server);
