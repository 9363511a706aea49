using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Overload;

/// <summary>
/// One keep-alive connection. The scheduler thread offers it the requests due on its schedule (<see cref="Offer"/>);
/// an asynchronous read loop (<see cref="ReadAsync"/>) times every answer against its request's send stamp (responses
/// come in request order). At most InFlight requests are unanswered: a request due when the window is full is dropped
/// and counted, never queued, so the offered rate is what was sent and no backlog outlives the run.
/// </summary>
/// <remarks>
/// Threads: the scheduler thread alone writes <see cref="_stamps"/>[seq], <see cref="Sent"/>, <see cref="Dropped"/>,
/// <see cref="Scheduled"/> and then <see cref="_written"/> (a release); the read loop reads <see cref="_written"/>
/// (acquire) before a stamp, and alone writes <see cref="_answered"/> and the answer counts. No thread per
/// connection: hundreds of connections are one scheduler thread and the thread pool's socket engine, so the client's
/// own scheduling does not become the latency it measures.
/// </remarks>
internal sealed class LoadConnection : IDisposable
{
    private readonly LoadOptions _options;
    private readonly Socket _socket;
    private readonly long[] _stamps;
    private readonly byte[] _requests;
    private readonly int _requestLength;
    private readonly LoadRun _run;
    private readonly LatencyHistogram _accepted;
    private long _written;
    private long _answered;

    public LoadConnection(LoadOptions options, LoadRun run, LatencyHistogram accepted)
    {
        _options = options;
        _run = run;
        _accepted = accepted;
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

    /// <summary>Requests due so far on this connection's schedule (the scheduler's bookkeeping).</summary>
    public long Scheduled;

    public long Sent;
    public long Dropped;
    public long Ok;
    public long Shed;
    public long Other;
    public volatile string? Error;

    /// <summary>Whether every request written has been answered.</summary>
    public bool Settled => Volatile.Read(ref _answered) == Volatile.Read(ref _written);

    /// <summary>Scheduler thread: <paramref name="due"/> requests are due now; sends what the window has room for.</summary>
    public void Offer(int due)
    {
        if (Error is not null)
        {
            return;
        }

        long room = _options.InFlight - (_written - Volatile.Read(ref _answered));
        int send = (int)Math.Min(due, room);
        if (_run.Measuring)
        {
            Dropped += due - Math.Max(send, 0);
            Sent += Math.Max(send, 0);
        }

        if (send <= 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < send; i++)
        {
            _stamps[(_written + i) & (_stamps.Length - 1)] = now;
        }

        Volatile.Write(ref _written, _written + send); // before the bytes leave: the answer may beat the Send's return
        try
        {
            int offset = 0, length = send * _requestLength;
            while (offset < length)
            {
                offset += _socket.Send(_requests, offset, length - offset, SocketFlags.None);
            }
        }
        catch (SocketException e)
        {
            Error = "write: " + e.Message;
        }
    }

    /// <summary>Reads answers until the socket is closed under it (at the end of the run) or the server closes it.</summary>
    public async Task ReadAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        try
        {
            while (true)
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
                            _accepted.Add(micros);
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

                int got = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (got == 0)
                {
                    Error ??= "the server closed the connection";
                    return;
                }

                end += got;
            }
        }
        catch (SocketException e) when (!_run.Finished)
        {
            Error ??= "read: " + e.Message;
        }
        catch (SocketException)
        {
            // The run is over and the socket was closed under the pending receive.
        }
        catch (ObjectDisposedException)
        {
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
