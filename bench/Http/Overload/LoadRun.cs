namespace Overload;

/// <summary>Run-wide state the connections read: whether the warm-up is over.</summary>
internal sealed class LoadRun
{
    private volatile bool _measuring;

    public bool Measuring
    {
        get => _measuring;
        set => _measuring = value;
    }
}
