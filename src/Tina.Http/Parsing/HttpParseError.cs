namespace Tina.Http.Parsing;

/// <summary>Why a request was rejected. <see cref="HttpParseErrors.StatusOf"/> maps each to its response status.</summary>
public enum HttpParseError
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary>The request line is malformed (400).</summary>
    BadRequestLine,
    /// <summary>The method holds a byte that is not a token character (400).</summary>
    InvalidMethod,
    /// <summary>The method is a valid token this server does not implement (501).</summary>
    MethodNotImplemented,
    /// <summary>The request target holds an invalid byte or has an invalid form (400).</summary>
    InvalidTarget,
    /// <summary>The version is not HTTP/1.x, HTTP/2 preface included (505).</summary>
    VersionNotSupported,
    /// <summary>The version token is malformed (400).</summary>
    InvalidVersion,
    /// <summary>The request line exceeds its limit (414).</summary>
    RequestLineTooLong,
    /// <summary>The header section exceeds its byte limit (431).</summary>
    HeaderSectionTooLarge,
    /// <summary>More header fields than the limit (431).</summary>
    TooManyHeaders,
    /// <summary>A field name holds a byte that is not a token character, or is empty (400).</summary>
    InvalidHeaderName,
    /// <summary>Whitespace between a field name and its colon (400).</summary>
    WhitespaceBeforeColon,
    /// <summary>A field line has no colon (400).</summary>
    MissingColon,
    /// <summary>A field value holds a control byte such as NUL (400).</summary>
    InvalidHeaderValue,
    /// <summary>A field line begins with whitespace: obsolete line folding (400).</summary>
    ObsoleteLineFolding,
    /// <summary>A line ended with LF alone (400).</summary>
    BareLf,
    /// <summary>A CR not followed by LF (400).</summary>
    BareCr,
    /// <summary>An HTTP/1.1 request without Host (400).</summary>
    MissingHost,
    /// <summary>More than one Host field (400).</summary>
    DuplicateHost,
    /// <summary>A Host value that is not a valid authority (400).</summary>
    InvalidHost,
    /// <summary>A Content-Length that is not a decimal number (400).</summary>
    InvalidContentLength,
    /// <summary>Content-Length fields or list members that differ (400).</summary>
    DifferingContentLength,
    /// <summary>Both Content-Length and Transfer-Encoding (400): the request-smuggling shape.</summary>
    ContentLengthWithTransferEncoding,
    /// <summary>A Transfer-Encoding whose final coding is not chunked, or chunked applied twice (400).</summary>
    TransferEncodingNotChunked,
    /// <summary>A transfer coding this server does not implement (501).</summary>
    TransferEncodingNotImplemented,
    /// <summary>Transfer-Encoding in an HTTP/1.0 request (400).</summary>
    TransferEncodingInHttp10,
    /// <summary>The body is larger than the limit (413).</summary>
    BodyTooLarge,
    /// <summary>A chunk-size line is malformed (400).</summary>
    InvalidChunkSize,
    /// <summary>A chunk size does not fit in the parser's range (400).</summary>
    ChunkSizeOverflow,
    /// <summary>A chunk extension is malformed (400).</summary>
    InvalidChunkExtension,
    /// <summary>A chunk-size line exceeds its limit (400).</summary>
    ChunkLineTooLong,
    /// <summary>Chunk data is not followed by CRLF (400).</summary>
    MissingChunkTerminator,
    /// <summary>An Expect value other than 100-continue (417).</summary>
    UnsupportedExpectation,
}
