using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Overload;

/// <summary>
/// One keep-alive connection: a writer thread sends requests on the schedule (rate / connections a second) and a
/// reader thread times every answer against its request's send stamp (responses come in request order). At most
/// InFlight requests are unanswered: a scheduled request that finds the window full is dropped and counted, never
/// queued, so the offered rate is what was sent and no backlog outlives the run.
/// </summary>
/// <remarks>
/// Threads: the writer alone writes <see cref="_stamps"/>[seq] and then <see cref="_written"/> (a release), the
/// reader reads <see cref="_written"/> (acquire) before a stamp, and alone writes <see cref="_answered"/>.
/// </remarks>
internal sealed class LoadConnection : IDisposable
{
    private readonly LoadOptions _options;
    private readonly Socket _socket;
    private readonly long[] _stamps;
    private readonly byte[] _requests;
    private readonly int _requestLength;
    private readonly LoadRun _run;
    private long _written;
    private long _answered;

    public LoadConnection(LoadOptions options, LoadRun run)
    {
        _options = options;
        _run = run;
        _stamps = new long[options.InFlight];
        byte[] one = Encoding.ASCII.GetBytes($"GET {options.Path} HTTP/1.1\r\nHost: {options.Host}\r\n\r\n");
        _requestLength = one.Length;
        _requests = new byte[one.Length * options.InFlight];
        for (int i = 0; i < options.InFlight; i++)
        {
            one.CopyTo(_requests, i * one.Length);
        }

        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Parse(options.Host), options.Port));
    }

    public LatencyHistogram Accepted { get; } = new();

    public long Sent;
    public long Dropped;
    public long Ok;
    public long Shed;
    public long Other;
    public string? Error;

    public void Write(Stopwatch clock, double until, CancellationToken stop)
    {
        double perSecond = _options.Rate / _options.Connections;
        double scheduled = 0; // requests due so far on this connection's schedule
        try
        {
            while (!stop.IsCancellationRequested && clock.Elapsed.TotalSeconds < until && Error is null)
            {
                double due = clock.Elapsed.TotalSeconds * perSecond;
                int n = (int)(due - scheduled);
                if (n <= 0)
                {
                    Thread.Sleep(1);
                    continue;
                }

                scheduled += n;
                long room = _options.InFlight - (_written - Volatile.Read(ref _answered));
                int send = (int)Math.Min(n, room);
                if (_run.Measuring)
                {
                    Dropped += n - send;
                    Sent += send;
                }

                if (send <= 0)
                {
                    continue;
                }

                long now = Stopwatch.GetTimestamp();
                for (int i = 0; i < send; i++)
                {
                    _stamps[(_written + i) & (_stamps.Length - 1)] = now;
                }

                int offset = 0, length = send * _requestLength;
                while (offset < length)
                {
                    offset += _socket.Send(_requests, offset, length - offset, SocketFlags.None);
                }

                Volatile.Write(ref _written, _written + send);
            }
        }
        catch (SocketException e)
        {
            Error = "write: " + e.Message;
        }
    }

    /// <summary>Reads answers until every written request is answered after the writer stopped (or the stream ends).</summary>
    public void Read(Func<bool> writerDone)
    {
        byte[] buffer = new byte[256 * 1024];
        int start = 0, end = 0;
        try
        {
            while (!(writerDone() && Volatile.Read(ref _answered) == Volatile.Read(ref _written)))
            {
                int parsed;
                while ((parsed = TryParse(buffer.AsSpan(start, end - start), out int status)) > 0)
                {
                    start += parsed;
                    long seq = _answered;
                    long micros = (Stopwatch.GetTimestamp() - _stamps[seq & (_stamps.Length - 1)]) * 1_000_000 / Stopwatch.Frequency;
                    Volatile.Write(ref _answered, seq + 1);
                    if (_run.Measuring)
                    {
                        if (status == 200)
                        {
                            Ok++;
                            Accepted.Add(micros);
                        }
                        else if (status == 503)
                        {
                            Shed++;
                        }
                        else
                        {
                            Other++;
                        }
                    }
                }

                if (start == end)
                {
                    start = end = 0;
                }
                else if (end == buffer.Length)
                {
                    Array.Copy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                // Wait for bytes without sleeping (a sleep would add its remainder to the next latency), waking every
                // 50 ms to see whether the writer is done.
                if (!_socket.Poll(50_000, SelectMode.SelectRead))
                {
                    continue;
                }

                int got = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                if (got == 0)
                {
                    Error = "the server closed the connection";
                    return;
                }

                end += got;
            }
        }
        catch (SocketException e)
        {
            Error = "read: " + e.Message;
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Bytes of one whole response at the start of <paramref name="data"/> (0: not all there yet).</summary>
    private static int TryParse(ReadOnlySpan<byte> data, out int status)
    {
        status = 0;
        int headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> head = data[..headEnd];
        if (head.Length < 12)
        {
            throw new InvalidOperationException("malformed status line");
        }

        status = ((head[9] - '0') * 100) + ((head[10] - '0') * 10) + (head[11] - '0');
        int length = 0;
        int at = IndexOfIgnoreCase(head, "\r\ncontent-length:"u8);
        if (at >= 0)
        {
            int i = at + 17;
            while (i < head.Length && head[i] == ' ')
            {
                i++;
            }

            while (i < head.Length && head[i] >= '0' && head[i] <= '9')
            {
                length = (length * 10) + (head[i] - '0');
                i++;
            }
        }

        int total = headEnd + 4 + length;
        return data.Length >= total ? total : 0;
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        for (int i = 0; i + lowerNeedle.Length <= text.Length; i++)
        {
            int j = 0;
            while (j < lowerNeedle.Length && (text[i + j] | 0x20) == (lowerNeedle[j] | 0x20))
            {
                j++;
            }

            if (j == lowerNeedle.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
