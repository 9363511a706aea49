using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Proto.Mailbox;

namespace Tina.Peers;

/// <summary>
/// A Proto.Actor dispatcher that runs every mailbox run it is given on one dedicated thread, the counterpart of
/// Akka.NET's PinnedDispatcher. Proto.Actor ships only thread-pool, synchronous and synchronization-context
/// dispatchers; <see cref="IDispatcher"/> is its documented extension point, and this is the tuning a Proto user
/// who wants an actor off the shared pool writes. One instance per actor.
/// </summary>
/// <remarks>
/// Threads: any thread calls <see cref="Schedule"/> (the mailbox schedules one run when it goes from idle to
/// having mail); only the dedicated thread takes runs and executes them, one at a time, to completion.
/// </remarks>
internal sealed class DedicatedThreadDispatcher : IDispatcher, IDisposable
{
    private readonly BlockingCollection<Func<Task>> _runs = new(new ConcurrentQueue<Func<Task>>());

    public DedicatedThreadDispatcher(string name, int throughput = 300)
    {
        Throughput = throughput;
        var thread = new Thread(Loop) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Messages the mailbox processes per run before it yields (Proto's default is 300).</summary>
    public int Throughput { get; }

    public void Schedule(Func<Task> runner)
    {
        try
        {
            _runs.Add(runner);
        }
        catch (InvalidOperationException) when (_runs.IsAddingCompleted)
        {
            // Disposed with the actor system: a run scheduled during its shutdown has nothing left to serve.
        }
    }

    public void Dispose() => _runs.CompleteAdding();

    private void Loop()
    {
        foreach (Func<Task> run in _runs.GetConsumingEnumerable())
        {
            run().GetAwaiter().GetResult();
        }
    }
}
