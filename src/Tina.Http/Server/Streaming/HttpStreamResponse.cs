namespace Tina.Http.Server;

/// <summary>
/// The reply to one <see cref="HttpStreamRequest"/> call: how many header and body bytes the handler wrote into the
/// call slot's response area, and what they are (the response head, the end of the response). Built by
/// <see cref="HttpStreamingHandler"/>'s replies; the connection writes them to its client as they come.
/// </summary>
/// <remarks>
/// Status is read with <see cref="FlagHead"/> only; ContentLength is the declared body length with it, or -1 (chunked,
/// close-delimited for HTTP/1.0). The (Slot, Generation) pair must be the call's, else the reply is taken as a failure.
/// </remarks>
internal readonly record struct HttpStreamResponse(int Status, int Slot, uint Generation, int HeaderBytes, int BodyBytes, int Flags, long ContentLength)
{
    /// <summary>The response head (status, header lines) starts the response area.</summary>
    public const int FlagHead = 1;

    /// <summary>The response is complete after these bytes.</summary>
    public const int FlagEnd = 2;
}
