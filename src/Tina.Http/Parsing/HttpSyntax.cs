namespace Tina.Http.Parsing;

/// <summary>Byte classes of RFC 9110/9112 and RFC 3986, as lookups so validation is one load per byte.</summary>
internal static class HttpSyntax
{
    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static readonly bool[] Token = Build(static b =>
        (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || "!#$%&'*+-.^_`|~".IndexOf((char)b) >= 0);

    // Request-target bytes: unreserved, sub-delims, ":", "@", "/", "?", "%" (pct-encoding is checked separately).
    private static readonly bool[] Target = Build(static b =>
        (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || "-._~!$&'()*+,;=:@/?%".IndexOf((char)b) >= 0);

    // field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value.
    private static readonly bool[] FieldValue = Build(static b => b == ' ' || b == '\t' || (b >= 0x21 && b != 0x7F));

    private static bool[] Build(System.Func<int, bool> member)
    {
        bool[] table = new bool[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = member(b);
        }
        return table;
    }

    public static bool IsToken(byte b) => Token[b];

    public static bool IsTargetByte(byte b) => Target[b];

    public static bool IsFieldValueByte(byte b) => FieldValue[b];

    public static bool IsHex(byte b) => (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');

    public static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    public static bool IsOws(byte b) => b == ' ' || b == '\t';

    public static bool IsDigit(byte b) => b >= '0' && b <= '9';

    /// <summary>
    /// 1*18DIGIT as a number (a Content-Length): false when empty, longer than 18 digits (so it cannot overflow) or
    /// holding anything but digits.
    /// </summary>
    public static bool TryParseDecimal(System.ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (byte b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>
    /// The hex digits at the start of <paramref name="s"/> (a chunk size) as a number: <paramref name="used"/> digits
    /// were read, up to the first byte that is not one. False when the value would not fit a long (before the digit
    /// that would overflow it).
    /// </summary>
    public static bool TryParseHexPrefix(System.ReadOnlySpan<byte> s, out long value, out int used)
    {
        value = 0;
        used = 0;
        while (used < s.Length && IsHex(s[used]))
        {
            if (value > (long.MaxValue >> 4))
            {
                return false;
            }

            value = (value << 4) | (long)HexValue(s[used]);
            used++;
        }

        return true;
    }

    /// <summary>ASCII case-insensitive equality of a span and a lower-case literal.</summary>
    public static bool EqualsIgnoreCase(System.ReadOnlySpan<byte> span, System.ReadOnlySpan<byte> lowerLiteral)
    {
        if (span.Length != lowerLiteral.Length)
        {
            return false;
        }

        for (int i = 0; i < span.Length; i++)
        {
            byte b = span[i];
            if (b >= 'A' && b <= 'Z')
            {
                b = (byte)(b | 0x20);
            }

            if (b != lowerLiteral[i])
            {
                return false;
            }
        }
        return true;
    }

    public static System.ReadOnlySpan<byte> TrimOws(System.ReadOnlySpan<byte> span)
    {
        int start = 0;
        int end = span.Length;
        while (start < end && IsOws(span[start]))
        {
            start++;
        }

        while (end > start && IsOws(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }
}
