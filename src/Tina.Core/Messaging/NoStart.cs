namespace Tina.Messaging;

/// <summary>The empty start payload of a spawn without a start message.</summary>
internal readonly struct NoStart
{
    public static readonly NoStart Value;
}
