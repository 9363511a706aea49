namespace Tina.Http.Server;

/// <summary>Start message of a shard's listener.</summary>
internal readonly record struct HttpListenerStart(int Shard);
