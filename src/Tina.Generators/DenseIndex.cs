using System.Collections.Generic;

namespace Tina.Generators;

/// <summary>
/// A perfect map of a set of type tags onto a small dense range, <c>(tag &gt;&gt; Shift) &amp; Mask</c>, found at compile
/// time by trying each shift for a table of the next power of two at or above the count, then twice and four times
/// that. Tags are FNV-1a hashes, so their bits are well mixed and some shift almost always separates them.
/// </summary>
internal sealed record DenseIndex(int Shift, uint Mask)
{
    public uint Slot(uint tag) => (tag >> Shift) & Mask;

    public static DenseIndex? Find(IReadOnlyList<uint> tags)
    {
        int bits = 0;
        while ((1 << bits) < tags.Count)
        {
            bits++;
        }

        for (int extra = 0; extra <= 2; extra++)
        {
            uint mask = (1u << (bits + extra)) - 1;
            for (int shift = 0; shift <= 32 - (bits + extra); shift++)
            {
                var seen = new HashSet<uint>();
                bool distinct = true;
                foreach (uint tag in tags)
                {
                    if (!seen.Add((tag >> shift) & mask))
                    {
                        distinct = false;
                        break;
                    }
                }

                if (distinct)
                {
                    return new DenseIndex(shift, mask);
                }
            }
        }

        return null;
    }
}
