namespace Tina.Http.Parsing;

/// <summary>Maps a rejection to the status code that answers it.</summary>
public static class HttpParseErrors
{
    /// <summary>The response status for <paramref name="error"/>; 0 for <see cref="HttpParseError.None"/>.</summary>
    public static int StatusOf(HttpParseError error) => error switch
    {
        HttpParseError.None => 0,
        HttpParseError.MethodNotImplemented or HttpParseError.TransferEncodingNotImplemented => 501,
        HttpParseError.VersionNotSupported => 505,
        HttpParseError.RequestLineTooLong => 414,
        HttpParseError.HeaderSectionTooLarge or HttpParseError.TooManyHeaders => 431,
        HttpParseError.BodyTooLarge => 413,
        HttpParseError.UnsupportedExpectation => 417,
        _ => 400,
    };
}
