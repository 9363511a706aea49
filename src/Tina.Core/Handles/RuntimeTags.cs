using System;
using System.Threading;

namespace Tina;

/// <summary>
/// The process-wide allocator of runtime tags (the 6 handle bits that name the issuing <see cref="TinaRuntime"/>).
/// A tag is held from the runtime's construction until its <see cref="TinaRuntime.Dispose"/> has stopped its threads,
/// so no two live runtimes ever hold the same tag and a handle of one is refused by every other with certainty.
/// </summary>
/// <remarks>
/// Thread safety: every read and write of <c>s_holders</c> is under <c>s_lock</c>; it is taken only at boot and
/// dispose, never on a message path. A holder is a weak reference: a runtime dropped without Dispose (never started,
/// so no thread roots it) gives its tag back once the GC has collected it; when every tag is held the allocator
/// collects once and retries before refusing. A reused tag can match a handle of a runtime that no longer exists,
/// which is harmless: that runtime cannot be confused with a live one.
/// </remarks>
internal static class RuntimeTags
{
    /// <summary>How many runtimes may be alive in one process at once.</summary>
    public const int Capacity = Handle.RuntimeTagMax + 1;

    private static readonly Lock s_lock = new();
    private static readonly WeakReference<TinaRuntime>?[] s_holders = new WeakReference<TinaRuntime>?[Capacity];

    /// <summary>Takes the lowest free tag for <paramref name="runtime"/>; throws when every tag is held by a live runtime.</summary>
    public static int Acquire(TinaRuntime runtime)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            lock (s_lock)
            {
                for (int tag = 0; tag < Capacity; tag++)
                {
                    WeakReference<TinaRuntime>? holder = s_holders[tag];
                    if (holder is null || !holder.TryGetTarget(out _))
                    {
                        s_holders[tag] = new WeakReference<TinaRuntime>(runtime);
                        return tag;
                    }
                }
            }

            // Every tag is held: runtimes dropped without Dispose keep theirs until collected. Boot path only.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        throw new InvalidOperationException(
            $"Cannot create another TinaRuntime: all {Capacity} runtime tags are held by live runtimes in this process (a handle carries "
            + "its runtime's tag, so at most that many runtimes may be alive at once). Dispose the runtimes you are done with.");
    }

    /// <summary>Gives back <paramref name="runtime"/>'s tag (idempotent; only the holder can release it).</summary>
    public static void Release(int tag, TinaRuntime runtime)
    {
        lock (s_lock)
        {
            if (s_holders[tag] is { } holder && holder.TryGetTarget(out TinaRuntime? current) && ReferenceEquals(current, runtime))
            {
                s_holders[tag] = null;
            }
        }
    }
}
