namespace Tina.Testing;

/// <summary>The message that makes a probe run its pending <see cref="ProbeAction"/>; probes never record it.</summary>
internal readonly struct ProbeCommand
{
}
