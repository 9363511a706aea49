namespace Tina.Http.Parsing;

/// <summary>What one call to <see cref="HttpRequestParser.Parse"/> stopped at.</summary>
public enum HttpParseEvent
{
    /// <summary>All input was consumed and the parser needs more bytes.</summary>
    NeedMoreData = 0,

    /// <summary>The request line and header section are complete and valid; the head accessors are readable.</summary>
    HeadersComplete = 1,

    /// <summary>The body span holds request body bytes (a slice of the input, valid until the input is reused).</summary>
    BodyData = 2,

    /// <summary>The request, body and trailers included, is complete. The next call starts the next request.</summary>
    MessageComplete = 3,

    /// <summary>The request is rejected; see <see cref="HttpRequestParser.Error"/>. The connection must be closed.</summary>
    Error = 4,
}
