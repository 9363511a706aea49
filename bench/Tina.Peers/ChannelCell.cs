using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Tina.Peers;

/// <summary>
/// A bounded <see cref="Channel"/> (1,024, FullMode Wait) between dedicated threads: the producer writes until
/// TryWrite refuses, then waits for room (WaitToWriteAsync); the consumer drains with TryRead and waits to read.
/// Ping-pong uses two channels and async tasks.
/// </summary>
internal sealed class ChannelCell : ICell
{
    private readonly string _scenario;
    private volatile bool _stop;
    private Thread[] _threads = [];

    public ChannelCell(string scenario) => _scenario = scenario;

    public int MessagesPerUnit => _scenario == "pingpong-send" ? 2 : 1;

    public void Start()
    {
        switch (_scenario)
        {
            case "oneway":
            case "fanin":
            {
                int producers = _scenario == "fanin" ? 2 : 1;
                Channel<Msg> ch = Channel.CreateBounded<Msg>(new BoundedChannelOptions(1024)
                {
                    SingleReader = true, SingleWriter = producers == 1, FullMode = BoundedChannelFullMode.Wait,
                });
                var list = new System.Collections.Generic.List<Thread> { new(() => Consume(ch.Reader).GetAwaiter().GetResult()) };
                for (int i = 0; i < producers; i++)
                {
                    list.Add(new Thread(() => Produce(ch.Writer).GetAwaiter().GetResult()));
                }

                _threads = list.ToArray();
                break;
            }

            case "pingpong-send":
            {
                var opts = new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true };
                Channel<Msg> ping = Channel.CreateBounded<Msg>(opts), pong = Channel.CreateBounded<Msg>(opts);
                _threads =
                [
                    new Thread(() => Bounce(pong.Reader, ping.Writer, first: true, count: true).GetAwaiter().GetResult()),
                    new Thread(() => Bounce(ping.Reader, pong.Writer, first: false, count: false).GetAwaiter().GetResult()),
                ];
                break;
            }

            default:
                throw new ArgumentException(_scenario);
        }

        foreach (Thread t in _threads)
        {
            t.IsBackground = true;
            t.Start();
        }
    }

    private async Task Produce(ChannelWriter<Msg> writer)
    {
        long seq = 0;
        while (!_stop)
        {
            while (writer.TryWrite(new Msg(seq, 1)))
            {
                seq++;
            }

            await writer.WaitToWriteAsync().ConfigureAwait(false);
        }
    }

    private static async Task Consume(ChannelReader<Msg> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            long n = 0;
            while (reader.TryRead(out _))
            {
                n++;
            }

            Counter.Add(n);
        }
    }

    private async Task Bounce(ChannelReader<Msg> reader, ChannelWriter<Msg> writer, bool first, bool count)
    {
        if (first)
        {
            await writer.WriteAsync(new Msg(0, 1)).ConfigureAwait(false);
        }

        while (!_stop)
        {
            Msg m = await reader.ReadAsync().ConfigureAwait(false);
            if (count)
            {
                Counter.Add(1);
            }

            await writer.WriteAsync(m).ConfigureAwait(false);
        }
    }

    public long Work() => Counter.Read();

    public void Stop() => _stop = true;
}
