namespace Tina.Http.Server.Proxy;

/// <summary>Why an <see cref="HttpResponseParser"/> rejected an upstream response (a proxy answers 502 for each).</summary>
public enum HttpResponseError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Not <c>HTTP/1.x SP 3DIGIT SP reason CRLF</c>.</summary>
    BadStatusLine = 1,

    /// <summary>A field line that is not <c>token ":" OWS value OWS</c> (includes obs-fold and control bytes).</summary>
    BadHeader = 2,

    /// <summary>A line ended by LF without CR, or a CR not followed by LF.</summary>
    BadLineEnding = 3,

    /// <summary>The status line and header section together are over the limit.</summary>
    HeadTooLarge = 4,

    /// <summary>More fields than the limit.</summary>
    TooManyHeaders = 5,

    /// <summary>Content-Length not plain digits, overflowing, or differing between lines.</summary>
    BadContentLength = 6,

    /// <summary>Content-Length together with Transfer-Encoding (a smuggling shape: never framed two ways).</summary>
    ContentLengthWithTransferEncoding = 7,

    /// <summary>A Transfer-Encoding other than exactly <c>chunked</c>.</summary>
    BadTransferEncoding = 8,

    /// <summary>A malformed chunk-size line, chunk data not followed by CRLF, or a malformed trailer.</summary>
    BadChunk = 9,

    /// <summary>A chunk-size line over the limit.</summary>
    ChunkLineTooLong = 10,

    /// <summary>A chunk size that does not fit in 63 bits.</summary>
    ChunkSizeOverflow = 11,

    /// <summary>101 Switching Protocols (the proxy does not tunnel upgrades).</summary>
    Upgrade = 12,

    /// <summary>The upstream closed before the response was complete.</summary>
    Truncated = 13,
}
