using System;
using System.Collections.Generic;

namespace Tina;

/// <summary>
/// A supervisor in the boot spec: its strategy, restart budget, static children (started in order at boot and on
/// rebuild, stopped in reverse) and room for dynamic children. Supervisors are not isolates: the shard runs their
/// decisions as direct calls when a child exits, so a full mailbox can never hold supervision up.
/// </summary>
public sealed class SupervisorSpec
{
    /// <summary>Largest <see cref="MaxRestarts"/>.</summary>
    public const int MaxRestartsMax = 1000;

    private readonly List<ChildSpec> _children = new();

    /// <summary>Creates a supervisor spec.</summary>
    /// <param name="name">A name unique in the tree; dynamic spawns address the group by it.</param>
    /// <param name="strategy">What to restart when a child must be restarted.</param>
    public SupervisorSpec(string name, SupervisionStrategy strategy = SupervisionStrategy.OneForOne)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Strategy = strategy;
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The restart strategy.</summary>
    public SupervisionStrategy Strategy { get; set; }

    /// <summary>
    /// Restart intensity: more than this many restarts within <see cref="RestartWindow"/> (a sliding window, as OTP
    /// counts) escalates to the parent (0..1,000; 0 escalates on the first exit that needs a restart). Default 3.
    /// </summary>
    public int MaxRestarts { get; set; } = 3;

    /// <summary>The restart window (1 ms..1 day). Default 5 s.</summary>
    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Dynamic children this group may hold at once (0..1,048,576; only for <see cref="SupervisionStrategy.OneForOne"/>).
    /// A spawn into a full group returns <see cref="SpawnStatus.GroupFull"/>. Default 0.
    /// </summary>
    public int MaxDynamicChildren { get; set; }

    /// <summary>The static children, in start order.</summary>
    public IReadOnlyList<ChildSpec> Children => _children;

    /// <summary>Adds an isolate child with no start message.</summary>
    public SupervisorSpec AddChild<TIsolate>(RestartType restart = RestartType.Permanent)
        where TIsolate : IIsolate
    {
        _children.Add(new ChildSpec(typeof(TIsolate), restart, default, hasStart: false));
        return this;
    }

    /// <summary>Adds an isolate child started (and restarted) with <paramref name="start"/> as its first message.</summary>
    public SupervisorSpec AddChild<TIsolate, TStart>(in TStart start, RestartType restart = RestartType.Permanent)
        where TIsolate : IIsolate
        where TStart : unmanaged
    {
        Message envelope = default;
        envelope.SetPayload(in start);
        _children.Add(new ChildSpec(typeof(TIsolate), restart, envelope, hasStart: true));
        return this;
    }

    /// <summary>Adds a nested group (always permanent); returns this supervisor for chaining.</summary>
    public SupervisorSpec AddGroup(SupervisorSpec group)
    {
        ArgumentNullException.ThrowIfNull(group);
        _children.Add(new ChildSpec(group));
        return this;
    }
}
