using System.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// A sliding restart window, as OTP counts: at most <c>max</c> restarts in any window of <c>window</c> nanoseconds.
/// Keeps the last <c>max</c> restart times in a ring; a restart is allowed when fewer than <c>max</c> of them are
/// still inside the window. (The Odin original used a tumbling window, which lets 2 × max restarts through across a
/// window edge.)
/// </summary>
internal sealed class RestartHistory
{
    private readonly long[] _stamps;     // ring of the most recent restart times (ns), oldest at _head
    private readonly long _windowNanoseconds;
    private int _head;
    private int _count;

    public RestartHistory(int max, long windowNanoseconds)
    {
        Debug.Assert(max >= 0, "validated by the spec");
        _stamps = new long[max];
        _windowNanoseconds = windowNanoseconds;
    }

    public int Max => _stamps.Length;

    /// <summary>Records a restart at <paramref name="now"/>; false (nothing recorded) when the budget is spent.</summary>
    public bool TryRecord(long now)
    {
        Prune(now);
        if (_count >= _stamps.Length)
        {
            return false;
        }

        _stamps[(_head + _count) % _stamps.Length] = now;
        _count++;
        return true;
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }

    private void Prune(long now)
    {
        // A restart at time t counts while now - t < window (t is inside the half-open window (now - window, now]).
        while (_count > 0 && now - _stamps[_head] >= _windowNanoseconds)
        {
            _head = (_head + 1) % _stamps.Length;
            _count--;
        }
    }
}
