using System.Diagnostics;

namespace Tina.Diagnostics;

/// <summary>
/// A shard's bounded log buffer: handlers append during dispatch, the shard drains to the sink at the end of the
/// tick. Full means the record is dropped and counted, never a block or an allocation. Shard-thread only.
/// </summary>
internal sealed class LogRing
{
    private readonly LogRecord[] _records;
    private readonly int _mask;
    private int _head;
    private int _count;

    public LogRing(int capacity)
    {
        Debug.Assert((capacity & (capacity - 1)) == 0, "power of two, validated by the spec");
        _records = new LogRecord[capacity];
        _mask = capacity - 1;
    }

    public int Count => _count;

    public bool TryAppend(in LogRecord record)
    {
        if (_count == _records.Length)
        {
            return false;
        }

        _records[(_head + _count) & _mask] = record;
        _count++;
        return true;
    }

    public void DrainTo(ITinaLogSink sink)
    {
        while (_count > 0)
        {
            ref LogRecord record = ref _records[_head];
            try
            {
                sink.Write(in record);
            }
#pragma warning disable CA1031 // a faulty sink must not take the shard down; the record is dropped
            catch (System.Exception)
#pragma warning restore CA1031
            {
            }

            record = default;
            _head = (_head + 1) & _mask;
            _count--;
        }
    }
}
