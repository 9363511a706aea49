using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Tina;
using Tina.Io;

namespace Tina.Io.Benchmarks;

/// <summary>The echo server on Tina.Io: one shard, one listener, one isolate per connection.</summary>
internal static class TinaServer
{
    public static TinaRuntime Start(int port, int cpu, int idlePollTicks, IoBackendKind backend, int receiveBuffers)
    {
        var spec = new TinaSpec
        {
            ShardCount = 1,
            CoreMap = new[] { cpu },
            PinThreads = cpu >= 0,
            IdlePollTicks = idlePollTicks,
            MinimumLogLevel = TinaLogLevel.Warning,
            WatchdogInterval = TimeSpan.Zero,
        };
        spec.AddIsolate<ServerListener>(slots: 1);
        spec.AddIsolate<ServerSession>(slots: 1024, mailboxCapacity: 4);
        spec.UseIo(new IoOptions { Backend = backend, ConnectionCapacity = 2048, BufferCount = 2048, BufferSize = 4096, ReceiveBufferCount = receiveBuffers });
        TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Spawn<ServerListener, int>(0, port);
        runtime.Start();
        return runtime;
    }

    private sealed class ServerListener : IIsolate
    {
        private SocketHandle _listener;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out int port))
            {
                return ctx.Listen(IoAddress.Loopback, port, 1024);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            if (done.Operation == IoOperation.Listen)
            {
                if (!done.IsSuccess)
                {
                    Console.Error.WriteLine($"listen failed: {done.Result}");
                    return Effect.Done;
                }

                _listener = done.Socket;
                Console.WriteLine("READY");
                return ctx.Accept(_listener);
            }

            if (done.IsSuccess)
            {
                SpawnResult session = ctx.Spawn<ServerSession, SocketHandle>(done.Socket);
                if (session.IsOk)
                {
                    ctx.TransferSocket(done.Socket, session.Handle);
                }
            }

            return ctx.Accept(_listener);
        }
    }

    private sealed class ServerSession : IIsolate
    {
        private SocketHandle _socket;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out _socket))
            {
                return ctx.Receive(_socket, 4096);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            return done.Operation switch
            {
                IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0 => ctx.Send(_socket, ctx.ReceivedData(in done)),
                IoOperation.Send when done.IsSuccess => ctx.Receive(_socket, 4096),
                IoOperation.Close => Effect.Done,
                _ => ctx.Close(_socket),
            };
        }
    }
}

/// <summary>The baseline: a plain async System.Net.Sockets echo server (accept loop, one async loop per connection).</summary>
internal static class SocketsServer
{
    public static Socket Start(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1024);
        _ = Task.Run(() => AcceptLoop(listener));
        Console.WriteLine("READY");
        return listener;
    }

    private static async Task AcceptLoop(Socket listener)
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            connection.NoDelay = true;
            _ = Task.Run(() => Echo(connection));
        }
    }

    private static async Task Echo(Socket connection)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int received = await connection.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                int sent = 0;
                while (sent < received)
                {
                    sent += await connection.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None).ConfigureAwait(false);
                }
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            connection.Dispose();
        }
    }
}

/// <summary>The server process: start a server, then answer the parent's marks on stdin until it says quit.</summary>
internal static class ServerProcess
{
    public static int Run(string kind, int port, int cpu, int idlePollTicks, IoBackendKind backend, int receiveBuffers)
    {
        IDisposable server = kind == "tina" ? TinaServer.Start(port, cpu, idlePollTicks, backend, receiveBuffers) : SocketsServer.Start(port);
        string? line;
        while ((line = Console.ReadLine()) != null)
        {
            if (line == "mark")
            {
                Console.WriteLine(GC.GetTotalAllocatedBytes(precise: true).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (line == "backend")
            {
                // The backend the shard actually runs (it may have fallen back), once its reactor exists.
                string name = "-";
                if (server is TinaRuntime runtime)
                {
                    SpinWait.SpinUntil(() => runtime.GetIoStats(0).Backend != "none", TimeSpan.FromSeconds(5));
                    name = runtime.GetIoStats(0).Backend;
                }

                Console.WriteLine(name);
            }
            else if (line == "quit")
            {
                break;
            }
        }

        server.Dispose();
        Thread.Sleep(50);
        return 0;
    }
}
