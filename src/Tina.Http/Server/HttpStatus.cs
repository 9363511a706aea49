using System;

namespace Tina.Http.Server;

/// <summary>Reason phrases and the status line, written without allocating.</summary>
internal static class HttpStatus
{
    public static ReadOnlySpan<byte> Reason(int status) => status switch
    {
        100 => "Continue"u8,
        200 => "OK"u8,
        201 => "Created"u8,
        202 => "Accepted"u8,
        204 => "No Content"u8,
        301 => "Moved Permanently"u8,
        302 => "Found"u8,
        304 => "Not Modified"u8,
        400 => "Bad Request"u8,
        401 => "Unauthorized"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        408 => "Request Timeout"u8,
        409 => "Conflict"u8,
        413 => "Content Too Large"u8,
        414 => "URI Too Long"u8,
        417 => "Expectation Failed"u8,
        429 => "Too Many Requests"u8,
        431 => "Request Header Fields Too Large"u8,
        500 => "Internal Server Error"u8,
        501 => "Not Implemented"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        505 => "HTTP Version Not Supported"u8,
        _ => "Status"u8,
    };

    /// <summary>Writes "HTTP/1.1 NNN Reason\r\n"; returns the bytes written (at most 48).</summary>
    public static int WriteStatusLine(Span<byte> destination, int status)
    {
        "HTTP/1.1 "u8.CopyTo(destination);
        destination[9] = (byte)('0' + (status / 100 % 10));
        destination[10] = (byte)('0' + (status / 10 % 10));
        destination[11] = (byte)('0' + (status % 10));
        destination[12] = (byte)' ';
        ReadOnlySpan<byte> reason = Reason(status);
        reason.CopyTo(destination[13..]);
        int at = 13 + reason.Length;
        destination[at] = (byte)'\r';
        destination[at + 1] = (byte)'\n';
        return at + 2;
    }
}
