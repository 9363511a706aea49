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

    // The CLR ignores StructLayout.Size on a class: without a field at the end the object would stop 4 bytes after
    // Value and the next heap object could share its line. Never read.
    [FieldOffset((2 * CacheLine.PaddedSize) - sizeof(long))]
    private readonly long _endPadding;
}
