namespace Tina.Scheduling;

/// <summary>Whether a shard takes work.</summary>
internal enum ShardStatus
{
    /// <summary>Built, not yet started.</summary>
    Created = 0,
    /// <summary>Running ticks; accepts sends.</summary>
    Running = 1,
    /// <summary>Stopped; sends to it return ShardUnavailable.</summary>
    Stopped = 2,
    /// <summary>Quarantined by supervision; sends return ShardUnavailable.</summary>
    Quarantined = 3,
}
