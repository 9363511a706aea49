using System;

namespace Tina.Http.Tests.Server;

/// <summary>The bytes of a test body: byte i is a function of i, so any piece can be made or checked from its offset alone.</summary>
internal static class StreamPattern
{
    public static byte At(long offset) => (byte)((offset * 7) + (offset >> 12));

    public static void Fill(Span<byte> piece, long offset)
    {
        for (int i = 0; i < piece.Length; i++)
        {
            piece[i] = At(offset + i);
        }
    }

    /// <summary>The offset of the first wrong byte, or -1.</summary>
    public static long Check(ReadOnlySpan<byte> piece, long offset)
    {
        for (int i = 0; i < piece.Length; i++)
        {
            if (piece[i] != At(offset + i))
            {
                return offset + i;
            }
        }

        return -1;
    }
}
