using System;

namespace Tina;

/// <summary>One static child of a supervisor: an isolate type with its start message, or a nested group.</summary>
public sealed class ChildSpec
{
    internal ChildSpec(Type isolateType, RestartType restart, Message start, bool hasStart)
    {
        IsolateType = isolateType;
        Restart = restart;
        Start = start;
        HasStart = hasStart;
    }

    internal ChildSpec(SupervisorSpec group)
    {
        Group = group;
        Restart = RestartType.Permanent;
    }

    /// <summary>The child's isolate type, or null for a nested group.</summary>
    public Type? IsolateType { get; }

    /// <summary>The nested group, or null for an isolate child.</summary>
    public SupervisorSpec? Group { get; }

    /// <summary>When the child is restarted (groups are always permanent).</summary>
    public RestartType Restart { get; }

    internal Message Start { get; }

    internal bool HasStart { get; }
}
