using System;

namespace TinaWorker;

/// <summary>The Heartbeat configuration section.</summary>
public sealed class HeartbeatOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Heartbeat";

    /// <summary>Time between two beats.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}
