using System;
using System.Globalization;

namespace Tina.Benchmarks.Throughput;

/// <summary>Command-line options of <c>--throughput</c>.</summary>
internal sealed class ThroughputOptions
{
    /// <summary>Measured window per run.</summary>
    public TimeSpan Window { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between start and the measured window (JIT tiering, caches, steady state).</summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs per scenario and pinning mode, each on a fresh runtime.</summary>
    public int Runs { get; private set; } = 3;

    /// <summary>Only these scenarios (exact names, "idle" included); null runs all.</summary>
    public string[]? Only { get; private set; }

    /// <summary>True when <paramref name="name"/> is selected.</summary>
    public bool Selects(string name) => Only is null || Array.IndexOf(Only, name) >= 0;

    /// <summary>Longest wait before each run for the shared machine to go quiet (0: do not wait).</summary>
    public TimeSpan QuietWait { get; private set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts per run: a run whose shards got less than 180 % CPU (the VM gave a core to someone else) is
    /// printed, discarded and retried, up to this many attempts; the last attempt is kept either way.
    /// </summary>
    public int MaxAttempts { get; private set; } = 4;

    /// <summary>Run the pinned variants.</summary>
    public bool Pinned { get; private set; } = true;

    /// <summary>Run the unpinned variants.</summary>
    public bool Unpinned { get; private set; } = true;

    public static ThroughputOptions Parse(ReadOnlySpan<string> args)
    {
        var options = new ThroughputOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : string.Empty;
            switch (args[i])
            {
                case "--seconds":
                    options.Window = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    i++;
                    break;
                case "--warmup":
                    options.Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    i++;
                    break;
                case "--runs":
                    options.Runs = int.Parse(value, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--only":
                    options.Only = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    i++;
                    break;
                case "--quiet-wait":
                    options.QuietWait = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    i++;
                    break;
                case "--max-attempts":
                    options.MaxAttempts = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture));
                    i++;
                    break;
                case "--pin":
                    options.Pinned = value is "pinned" or "both";
                    options.Unpinned = value is "unpinned" or "both";
                    i++;
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown option '{args[i]}'. Options: --seconds S, --warmup S, --runs N, --only NAME[,NAME...], --pin pinned|unpinned|both, --quiet-wait S, --max-attempts N.");
            }
        }

        return options;
    }
}
