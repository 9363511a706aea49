namespace Tina.Http.Server;

/// <summary>
/// A request's class under overload: a lower class is shed first. Every shedding signal has one limit (the
/// <see cref="High"/> class's); <see cref="Normal"/> and <see cref="Low"/> requests are shed at
/// <see cref="HttpServerOptions.NormalPriorityShedPercent"/> and <see cref="HttpServerOptions.LowPriorityShedPercent"/>
/// of it. Chosen per route (<see cref="HttpServer.MapHandler{THandler}"/>) and, when
/// <see cref="HttpServerOptions.PriorityHeader"/> is set, by that request header (<c>high</c>, <c>normal</c>, <c>low</c>).
/// </summary>
public enum HttpPriority
{
    /// <summary>Shed first (background work, prefetches, batch clients).</summary>
    Low,

    /// <summary>The default class.</summary>
    Normal,

    /// <summary>Shed only at a signal's hard limit (health checks, user-facing calls that must get through).</summary>
    High,
}
