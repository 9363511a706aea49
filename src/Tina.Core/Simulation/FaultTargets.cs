using System;

namespace Tina.Simulation;

/// <summary>
/// Which isolate types each fault class may hit, by type index. Faults stay within what the workload claims to
/// survive: a dispatcher holding the only copy of its ledger is never crashed while there is no supervision to
/// rebuild it. Ring and partition faults apply to every remote user send.
/// </summary>
internal sealed class FaultTargets
{
    private readonly bool[] _crash;
    private readonly bool[] _spawn;
    private readonly bool[] _mailbox;

    public FaultTargets(int typeCount)
    {
        _crash = new bool[typeCount];
        _spawn = new bool[typeCount];
        _mailbox = new bool[typeCount];
    }

    /// <summary>Lets handler exceptions hit isolates of type <paramref name="typeIndex"/>.</summary>
    public FaultTargets Crash(int typeIndex)
    {
        _crash[typeIndex] = true;
        return this;
    }

    /// <summary>Lets spawns of type <paramref name="typeIndex"/> fail.</summary>
    public FaultTargets FailSpawn(int typeIndex)
    {
        _spawn[typeIndex] = true;
        return this;
    }

    /// <summary>Lets deliveries to isolates of type <paramref name="typeIndex"/> be refused with MailboxFull.</summary>
    public FaultTargets RefuseMailbox(int typeIndex)
    {
        _mailbox[typeIndex] = true;
        return this;
    }

    public bool MayCrash(int typeIndex) => (uint)typeIndex < (uint)_crash.Length && _crash[typeIndex];

    public bool MayFailSpawn(int typeIndex) => (uint)typeIndex < (uint)_spawn.Length && _spawn[typeIndex];

    public bool MayRefuseMailbox(int typeIndex) => (uint)typeIndex < (uint)_mailbox.Length && _mailbox[typeIndex];

    /// <summary>Every type may be hit by every class.</summary>
    public static FaultTargets All(int typeCount)
    {
        var targets = new FaultTargets(typeCount);
        Array.Fill(targets._crash, true);
        Array.Fill(targets._spawn, true);
        Array.Fill(targets._mailbox, true);
        return targets;
    }
}
