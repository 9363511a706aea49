using System;

namespace Tina.Benchmarks.Throughput;

/// <summary>One throughput scenario: how to build its runtime, pinned or not.</summary>
internal sealed class Scenario
{
    public Scenario(string name, string description, Func<bool, Rig> build, bool canPin = true, bool canUnpin = true)
    {
        Name = name;
        Description = description;
        Build = build;
        CanPin = canPin;
        CanUnpin = canUnpin;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Builds an unstarted rig; the argument says whether to pin shard i to CPU i.</summary>
    public Func<bool, Rig> Build { get; }

    public bool CanPin { get; }

    public bool CanUnpin { get; }
}
