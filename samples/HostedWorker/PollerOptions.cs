using System;

namespace HostedWorker;

/// <summary>How often each poller fetches and how many fetches it makes before the sample stops (the Poller section).</summary>
public sealed class PollerOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(100);

    public int Rounds { get; set; } = 5;
}
