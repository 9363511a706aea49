using System.Runtime.InteropServices;

namespace Tina.Memory;

/// <summary>
/// An int alone on its cache lines: 128 bytes of padding on each side (the adjacent-line prefetcher pairs lines), so
/// readers on other cores never contend with writes to neighbouring fields.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.PaddedSize)]
internal sealed class PaddedInt
{
    /// <summary>The value. Access with <c>Volatile</c> where another thread reads or writes it.</summary>
    [FieldOffset(CacheLine.PaddedSize)]
    public int Value;
}
