namespace Tina.Http.Server.Proxy;

/// <summary>Start message of an exchange isolate: its route and the pool link (slot) it serves.</summary>
internal readonly record struct HttpProxyExchangeStart(int Route, int Link);
