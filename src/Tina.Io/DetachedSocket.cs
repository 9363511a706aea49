using System.Globalization;

namespace Tina.Io;

/// <summary>
/// A connection taken out of its shard's table so that another shard can adopt it: an unmanaged value carrying the
/// OS descriptor, meant to travel in a message. Exactly one isolate must adopt it
/// (<see cref="IoContextExtensions.TryAdoptSocket"/>); if the message carrying it cannot be sent, adopt it back and
/// close it, or the descriptor leaks.
/// </summary>
public readonly struct DetachedSocket
{
    private readonly long _descriptorPlusOne;   // 0 = no socket (the default value)

    internal DetachedSocket(long descriptor, int fromShard)
    {
        _descriptorPlusOne = descriptor + 1;
        FromShard = fromShard;
    }

    /// <summary>The OS descriptor (a simulated socket id on the simulated backend); -1 when there is none.</summary>
    internal long Descriptor => _descriptorPlusOne - 1;

    /// <summary>The shard that detached it.</summary>
    public int FromShard { get; }

    /// <summary>False for the default value, which carries no socket.</summary>
    public bool IsValid => _descriptorPlusOne != 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"detached socket from shard {FromShard}");
}
