using System.Threading;

namespace Tina.Scheduling;

/// <summary>
/// The production driver of one shard: a dedicated, optionally pinned OS thread that runs ticks, polls for a budget
/// of empty ticks, then parks until a peer's send, an outside post or the next timer deadline wakes it.
/// </summary>
internal sealed class ShardRunner
{
    private readonly Shard _shard;
    private readonly TinaRuntime _runtime;
    private readonly int _cpu;
    private readonly int _idlePollTicks;
    private readonly bool _sharesCpu; // another shard's thread competes for this one's CPU (TinaRuntime.SharesCpu)
    private readonly Thread _thread;

    public ShardRunner(Shard shard, TinaRuntime runtime, int cpu, int idlePollTicks, bool sharesCpu)
    {
        _shard = shard;
        _runtime = runtime;
        _cpu = cpu;
        _idlePollTicks = idlePollTicks;
        _sharesCpu = sharesCpu;
        _thread = new Thread(Run) { IsBackground = true, Name = $"tina-shard-{shard.Id}" };
    }

    public bool Pinned { get; private set; }

    public void Start() => _thread.Start();

    public bool Join(int timeoutMilliseconds) => _thread.Join(timeoutMilliseconds);

    private void Run()
    {
        TinaRuntime.DrivingRuntime = _runtime; // this thread runs handlers: Stop/Shutdown/Dispose from it are refused
        if (_cpu >= 0)
        {
            Pinned = ThreadAffinity.TryPinCurrentThread(_cpu, out int error);
            if (!Pinned)
            {
                _shard.Log(TinaLogLevel.Warning, Handle.None, "could not pin shard thread (cpu, errno)", _cpu, error, TinaEvent.ThreadPinFailed);
            }
        }

        int idleTicks = 0;
        while (!_runtime.IsStopping)
        {
            if (_shard.RunTick())
            {
                idleTicks = 0;
                continue;
            }

            if (idleTicks < _idlePollTicks)
            {
                idleTicks++;
                PauseBetweenEmptyTicks();
                continue;
            }

            Park();
            idleTicks = 0;
        }

        _shard.Status = ShardStatus.Stopped;
        _shard.RunTick(); // flush anything published during the last tick (logs, rings)
        _shard.DisposeReactor();
    }

    /// <summary>
    /// The pause between two empty ticks while polling: up to <see cref="ProbesPerPause"/> short spins, each followed
    /// by a look at the inbound rings and the external inbox (<see cref="Shard.HasArrivals"/>: a few reads of lines
    /// the producers write only when they publish), leaving at once when something arrived. A peer's message is
    /// noticed within one short spin instead of at the end of the whole pause, and the full tick (timers, the
    /// reactor, yielders) still runs at the pace the pause had as one <c>SpinWait(8)</c>. A shard that shares its CPU
    /// with another shard yields the CPU instead.
    /// </summary>
    private void PauseBetweenEmptyTicks()
    {
        if (_sharesCpu)
        {
            // Another shard runs on this CPU: spinning here would keep it off the CPU until the scheduler's time
            // slice ends (milliseconds), however much work it has. Offer the CPU instead; with nobody else ready
            // the yield returns at once and this is a poll.
            Thread.Yield();
            return;
        }

        for (int probe = 0; probe < ProbesPerPause; probe++)
        {
#pragma warning disable RS0030 // the idle policy itself: a short pause between empty polls before the shard parks
            Thread.SpinWait(1);
#pragma warning restore RS0030
            if (_shard.HasArrivals())
            {
                return;
            }
        }
    }

    private const int ProbesPerPause = 8;

    private void Park()
    {
        ShardSignal signal = _shard.Signal;
        signal.PrepareToPark();

        // The re-check, after PrepareToPark's process-wide barrier. Stop and Shutdown store their flag (_stopping,
        // the phase) before their ForceWake, so a flag raised after this shard's last tick read it is seen here even
        // if the wake itself raced with the park; HasPendingWork covers the shutdown phase, this line the stop request.
        if (!_runtime.IsStopping && !_shard.HasPendingWork())
        {
            long nanoseconds = _shard.NanosecondsUntilNextDeadline();
            _shard.Counters.Increment(ShardCounter.Parks);
            IShardReactor? reactor = _shard.Reactor;
            if (reactor is not null)
            {
                reactor.Wait(nanoseconds);
            }
            else
            {
                // Only the event wait takes milliseconds (rounded up, so it never wakes before the deadline).
                signal.Wait(nanoseconds < 0 ? Timeout.Infinite : (int)System.Math.Min(int.MaxValue, (nanoseconds + 999_999) / 1_000_000));
            }
        }

        signal.EndPark();
    }
}
