namespace Tina;

/// <summary>When a supervised child is restarted.</summary>
public enum RestartType : byte
{
    /// <summary>After any exit (the default).</summary>
    Permanent = 0,
    /// <summary>Only after an abnormal exit (Error or Panicked); Ok and Cancelled are final.</summary>
    Transient = 1,
    /// <summary>Never, not even when a sibling's restart tore it down.</summary>
    Temporary = 2,
}
