using System;

namespace Tina.Http.Server;

/// <summary>
/// The <c>Date</c> value of one shard, formatted at most once a second. The shard clock (<see cref="Context.Now"/>) is
/// monotonic and starts at the runtime's zero, so the wall time is anchored once (the first refresh reads the wall
/// clock) and then advanced by the shard clock alone: no wall-clock read, no allocation per request.
/// </summary>
/// <remarks>Owned by one shard: only that shard's thread calls <see cref="Refresh"/> and reads <see cref="Value"/>.</remarks>
internal sealed class HttpDateCache
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly byte[] _value = new byte[HttpDate.Length];
    private DateTime _anchorWall;
    private TimeSpan _anchorNow;
    private TimeSpan _nextRefresh = TimeSpan.MinValue;
    private bool _anchored;

    /// <summary>How many times the value was formatted (tests: at most once per second of shard time).</summary>
    public long Formats { get; private set; }

    /// <summary>The current value (29 bytes), valid after a <see cref="Refresh"/>.</summary>
    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Anchors the wall clock explicitly (tests); otherwise the first refresh reads the system wall clock.</summary>
    public void Anchor(DateTime wallUtc, TimeSpan shardNow)
    {
        _anchorWall = wallUtc;
        _anchorNow = shardNow;
        _anchored = true;
        _nextRefresh = TimeSpan.MinValue;
    }

    /// <summary>Reformats the value if the shard clock has reached the next whole second since the last format.</summary>
    public void Refresh(TimeSpan shardNow)
    {
        if (shardNow < _nextRefresh)
        {
            return;
        }

        if (!_anchored)
        {
            // The one wall-clock read: an HTTP Date is wall time by definition (RFC 9110 section 6.6.1), read once per
            // shard through the framework's TimeProvider and advanced by the shard clock from then on.
            Anchor(TimeProvider.System.GetUtcNow().UtcDateTime, shardNow);
        }

        DateTime wall = _anchorWall + (shardNow - _anchorNow);
        HttpDate.Format(wall, _value);
        Formats++;

        // The next refresh is due when the wall time crosses into the next second.
        long intoSecond = wall.Ticks % TimeSpan.TicksPerSecond;
        _nextRefresh = shardNow + (Second - TimeSpan.FromTicks(intoSecond));
    }
}
