using System;

namespace Tina.Hosting;

/// <summary>Bounds of the off-shard executor (<see cref="TinaTaskBridge"/>), bound from <c>Tina:Bridge</c>.</summary>
public sealed class TinaTaskBridgeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tina:Bridge";

    /// <summary>Jobs in flight or waiting to be taken, across the runtime (1..65,536). Default 1,024. More are refused.</summary>
    public int Capacity { get; set; } = 1024;

    /// <summary>Jobs running at once; the rest wait their turn within <see cref="Capacity"/> (1..4,096). Default 64.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Timeout of a job started without one (1 ms..1 hour). Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often jobs of isolates that have exited are looked for and cancelled (10 ms..10 s). Default 100 ms.</summary>
    public TimeSpan ExitCheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    internal void Validate()
    {
        Check(Capacity is >= 1 and <= 65536, nameof(Capacity), Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be 1..65536");
        Check(MaxConcurrency is >= 1 and <= 4096, nameof(MaxConcurrency), MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be 1..4096");
        Check(DefaultTimeout >= TimeSpan.FromMilliseconds(1) && DefaultTimeout <= TimeSpan.FromHours(1), nameof(DefaultTimeout), DefaultTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture), "must be 00:00:00.001..01:00:00");
        Check(ExitCheckInterval >= TimeSpan.FromMilliseconds(10) && ExitCheckInterval <= TimeSpan.FromSeconds(10), nameof(ExitCheckInterval), ExitCheckInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture), "must be 00:00:00.010..00:00:10");
    }

    private static void Check(bool ok, string field, string value, string allowed)
    {
        if (!ok)
        {
            throw new TinaConfigurationException($"{SectionName}:{field}", value, allowed);
        }
    }
}
