namespace Tina.Memory;

/// <summary>Cache-line constants: 128 bytes keeps two fields out of each other's adjacent-line prefetch pair.</summary>
internal static class CacheLine
{
    public const int PaddedSize = 128;

    /// <summary>Longs of padding placed before and after a shard's counter block.</summary>
    public const int PaddingLongs = PaddedSize / sizeof(long);
}
