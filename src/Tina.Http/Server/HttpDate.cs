using System;

namespace Tina.Http.Server;

/// <summary>The HTTP date (IMF-fixdate, RFC 9110 §5.6.7: <c>Sun, 06 Nov 1994 08:49:37 GMT</c>), written without allocating.</summary>
public static class HttpDate
{
    /// <summary>Length of an IMF-fixdate in bytes.</summary>
    public const int Length = 29;

    private static ReadOnlySpan<byte> Days => "SunMonTueWedThuFriSat"u8;

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>Writes <paramref name="time"/> (taken as UTC, seconds truncated) into the first 29 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="Length"/>.</exception>
    public static void Format(DateTime time, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException("An HTTP date needs 29 bytes.", nameof(destination));
        }

        Days.Slice((int)time.DayOfWeek * 3, 3).CopyTo(destination);
        destination[3] = (byte)',';
        destination[4] = (byte)' ';
        Two(destination[5..], time.Day);
        destination[7] = (byte)' ';
        Months.Slice((time.Month - 1) * 3, 3).CopyTo(destination[8..]);
        destination[11] = (byte)' ';
        int year = time.Year;
        Two(destination[12..], year / 100);
        Two(destination[14..], year % 100);
        destination[16] = (byte)' ';
        Two(destination[17..], time.Hour);
        destination[19] = (byte)':';
        Two(destination[20..], time.Minute);
        destination[22] = (byte)':';
        Two(destination[23..], time.Second);
        " GMT"u8.CopyTo(destination[25..]);
    }

    private static void Two(Span<byte> destination, int value)
    {
        destination[0] = (byte)('0' + (value / 10));
        destination[1] = (byte)('0' + (value % 10));
    }
}
