using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Tina.Http.Tests.Proxy;

/// <summary>
/// The listening half of a loopback test upstream: a socket on 127.0.0.1 (any port), an accept thread that counts
/// accepts and serves each connection on a background thread of its own, and a Dispose that closes the listener and
/// every accepted socket (so a test's upstream never outlives it).
/// </summary>
internal sealed class LoopbackAcceptor : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _accepted = [];
    private readonly Action<Socket> _serve;
    private readonly string _name;
    private int _accepts;

    public LoopbackAcceptor(string name, int backlog, Action<Socket> serve)
    {
        _name = name;
        _serve = serve;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(backlog);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = name }.Start();
    }

    public int Port { get; }

    public int Accepts => Volatile.Read(ref _accepts);

    public void Dispose()
    {
        _listener.Dispose();
        lock (_accepted)
        {
            foreach (Socket s in _accepted)
            {
                s.Dispose();
            }
        }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepts);
            lock (_accepted)
            {
                _accepted.Add(socket);
            }

            new Thread(() => _serve(socket)) { IsBackground = true, Name = _name + " connection" }.Start();
        }
    }
}
