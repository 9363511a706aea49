namespace Overload;

/// <summary>Run-wide state the connections read: whether the warm-up is over, and whether the run has ended.</summary>
internal sealed class LoadRun
{
    private volatile bool _measuring;
    private volatile bool _finished;

    public bool Measuring
    {
        get => _measuring;
        set => _measuring = value;
    }

    /// <summary>Set before the sockets are closed at the end, so a receive failing then is not an error.</summary>
    public bool Finished
    {
        get => _finished;
        set => _finished = value;
    }
}
