using System;

namespace Tina.Http.Parsing;

/// <summary>Limits and leniencies of <see cref="HttpRequestParser"/>. Strict by default; validated by <see cref="Validate"/>.</summary>
public sealed record HttpParserOptions
{
    /// <summary>Largest request line in bytes, CRLF included (default 8 KiB). Past it: 414.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>Largest header section in bytes, the final empty line included (default 32 KiB). Past it: 431.</summary>
    public int MaxHeaderSectionBytes { get; init; } = 32 * 1024;

    /// <summary>Most header fields in one request (default 100). Past it: 431.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>Largest request body in bytes, chunked or not (default 8 MiB). Past it: 413.</summary>
    public long MaxBodyBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Largest chunk-size line (size and extensions) in bytes (default 4 KiB).</summary>
    public int MaxChunkLineBytes { get; init; } = 4 * 1024;

    /// <summary>Accept a line ended by LF alone (RFC 9112 §2.2 leniency). Default false: 400.</summary>
    public bool AllowBareLf { get; init; }

    /// <summary>Treat a bare CR inside a line as a space (RFC 9112 §2.2 leniency). Default false: 400.</summary>
    public bool AllowBareCr { get; init; }

    /// <summary>Accept any token as a method instead of answering 501 for methods outside RFC 9110 and PATCH.</summary>
    public bool AllowUnknownMethods { get; init; }

    /// <summary>The strict defaults.</summary>
    public static HttpParserOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        // The smallest sensible request line is "GET / HTTP/1.1\r\n" (16 bytes).
        if (MaxRequestLineBytes < 16 || MaxRequestLineBytes > 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestLineBytes), MaxRequestLineBytes, "must be in 16..1048576");
        }

        if (MaxHeaderSectionBytes < 2 || MaxHeaderSectionBytes > 16 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderSectionBytes), MaxHeaderSectionBytes, "must be in 2..16777216");
        }

        if (MaxHeaderCount < 1 || MaxHeaderCount > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderCount), MaxHeaderCount, "must be in 1..10000");
        }

        if (MaxBodyBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "must not be negative");
        }

        if (MaxChunkLineBytes < 3 || MaxChunkLineBytes > 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxChunkLineBytes), MaxChunkLineBytes, "must be in 3..1048576");
        }
    }
}
