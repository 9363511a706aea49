namespace Tina.Http.Server;

/// <summary>
/// One Call of a streaming handler route (<see cref="HttpServer.MapStreamingHandler{THandler}"/>): the next piece of a
/// request, or a pull for more response once the request has ended. Like <see cref="HttpHandlerRequest"/> it carries
/// no bytes: the head (first call only) and this piece of the body lie in the request's call slot, which the
/// connection leaves alone until the call ends. Read it with <see cref="HttpStreamingHandler.ReadHead"/> and
/// <see cref="HttpStreamingHandler.ReadBody"/>; answer every call with one of <see cref="HttpStreamingHandler"/>'s
/// replies (or <c>ctx.FailReply()</c>, which ends the request).
/// </summary>
/// <remarks>
/// (Slot, Generation) names one request for its whole life (all its calls), so a handler can key per-request state on
/// it; a late handler sees an empty area after the request ended. One call of a request is out at a time.
/// </remarks>
public readonly record struct HttpStreamRequest(int Server, int Slot, uint Generation, int HeadBytes, int BodyBytes, int Flags)
{
    /// <summary>Flag: the request head is in the area (the request's first call).</summary>
    public const int FlagHead = 1;

    /// <summary>Flag: the request body ended with this piece (every later call is a pull for more response).</summary>
    public const int FlagLast = 2;

    /// <summary>True on the request's first call (the head is readable).</summary>
    public bool IsFirst => (Flags & FlagHead) != 0;

    /// <summary>True when the request body is complete: nothing more will come in.</summary>
    public bool IsLast => (Flags & FlagLast) != 0;
}
