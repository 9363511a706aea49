using System.Runtime.CompilerServices;
using System.Threading;

namespace Tina.Messaging;

/// <summary>
/// Messages from threads outside the runtime (host code, tests) to one shard: an <see cref="SpscRing"/> whose
/// producer side is serialised by a lock, so any number of outside threads may post while the shard consumes
/// lock-free. Every post publishes at once (outside threads have no tick). Full is a result, never a block on
/// capacity.
/// </summary>
internal sealed class ExternalInbox
{
    private readonly Lock _producerLock = new();   // serialises producers only; the shard never takes it
    private readonly SpscRing _ring;

    public ExternalInbox(int capacity) => _ring = new SpscRing(capacity);

    public SpscRing Ring => _ring;

    /// <summary>Any thread: copies the envelope in and publishes it; false when the inbox is full.</summary>
    public bool TryPost(in Message message)
    {
        lock (_producerLock)
        {
            ref Message slot = ref _ring.TryClaim();
            if (Unsafe.IsNullRef(ref slot))
            {
                return false;
            }

            slot = message;
            _ring.Publish();
            return true;
        }
    }
}
