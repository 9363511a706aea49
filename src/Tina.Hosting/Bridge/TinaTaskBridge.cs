using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tina.Hosting;

/// <summary>
/// The bridge out: an isolate hands a Task-based piece of work (a database driver, an HTTP client) to a bounded
/// executor off the shard and gets its outcome back as a <see cref="BridgeCompleted"/> message. The shard thread never
/// waits: <see cref="Start{TResult}"/> queues the work to the thread pool and returns at once, or refuses when
/// <see cref="TinaTaskBridgeOptions.Capacity"/> jobs are already in flight. Each job has a timeout (its token is
/// cancelled), at most <see cref="TinaTaskBridgeOptions.MaxConcurrency"/> run at once, and a job whose isolate exits
/// is cancelled and its result dropped and counted.
/// </summary>
/// <remarks>
/// Use it for the occasional call into async code an isolate cannot avoid; it is not a way to run CPU work in parallel
/// or to serve every message (each job allocates what the task and its library allocate, and crosses threads twice).
/// Thread rules: <see cref="Start{TResult}"/>, <see cref="TryTake{TResult}"/> and <see cref="Cancel"/> are called
/// from handlers on any shard; completions run on the thread pool; the exit check on a timer thread. Slot ownership
/// moves Free → Running (Start, under the lock) → Completed (the runner, under the lock) → Free (TryTake, or the exit
/// check for a requester that has gone), so every transition is made under <see cref="_lock"/>; the lock is held for
/// a few field writes only, never across user code or a send.
/// </remarks>
public sealed class TinaTaskBridge : IDisposable
{
    private readonly TinaRuntime _runtime;
    private readonly TinaTaskBridgeOptions _options;
    private readonly Slot[] _slots;
    private readonly int[] _free;
    private readonly SemaphoreSlim _gate;
    private readonly Timer _exitCheck;
    private readonly Lock _lock = new();
    private int _freeCount;
    private long _started;
    private long _refused;
    private long _completed;
    private long _dropped;

    /// <summary>Creates the bridge over <paramref name="runtime"/>.</summary>
    public TinaTaskBridge(TinaRuntime runtime, TinaTaskBridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _runtime = runtime;
        _options = options;
        _slots = new Slot[options.Capacity];
        _free = new int[options.Capacity];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
            _free[i] = _slots.Length - 1 - i;
        }

        _freeCount = _slots.Length;
        _gate = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _exitCheck = new Timer(static state => ((TinaTaskBridge)state!).CancelJobsOfExitedIsolates(), this, options.ExitCheckInterval, options.ExitCheckInterval);
    }

    /// <summary>Jobs started.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Starts refused because <see cref="TinaTaskBridgeOptions.Capacity"/> jobs were in flight.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Jobs whose outcome was delivered to their isolate.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Outcomes dropped because their isolate had exited (or could not be told before the runtime stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Jobs holding a slot now (running, waiting to run, or waiting to be taken).</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _slots.Length - _freeCount;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> to run off the shard for <paramref name="requester"/> (usually <c>ctx.Self</c>),
    /// which later receives <see cref="BridgeCompleted"/>. Returns the job, or <see cref="BridgeJob.IsNone"/> when the
    /// bridge is full (counted in <see cref="Refused"/>): the caller decides what to shed.
    /// </summary>
    /// <param name="requester">The isolate told of the outcome.</param>
    /// <param name="work">The work; it must observe its token.</param>
    /// <param name="timeout">Its timeout; null for <see cref="TinaTaskBridgeOptions.DefaultTimeout"/>.</param>
    public BridgeJob Start<TResult>(Handle requester, Func<CancellationToken, Task<TResult>> work, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        TimeSpan limit = timeout ?? _options.DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        Slot slot;
        int index;
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                Interlocked.Increment(ref _refused);
                return default;
            }

            index = _free[--_freeCount];
            slot = _slots[index];
            slot.Begin(requester);
        }

        Interlocked.Increment(ref _started);
        var job = new BridgeJob(index, slot.Generation);
        slot.Cancellation.CancelAfter(limit);
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Bridge.RunAsync(state.Job, state.Work), (Bridge: this, Job: job, Work: work), preferLocal: false);
        return job;
    }

    /// <summary>
    /// Takes the outcome of <paramref name="job"/> once it has completed, freeing its slot. False when the job is not
    /// (or no longer) completed, or is not of <typeparamref name="TResult"/>.
    /// </summary>
    public bool TryTake<TResult>(BridgeJob job, out BridgeOutcome<TResult> outcome)
    {
        lock (_lock)
        {
            if (!TryGet(job, out Slot? slot) || slot.State != SlotState.Completed
                || (slot.Status == BridgeStatus.Succeeded && slot.Result is not TResult && slot.Result is not null))
            {
                outcome = default;
                return false;
            }

            outcome = new BridgeOutcome<TResult>(slot.Status, slot.Result is TResult value ? value : default, slot.Error);
            Free(job.Slot, slot);
            return true;
        }
    }

    /// <summary>Cancels a running job: its token is cancelled and it ends <see cref="BridgeStatus.Cancelled"/>.</summary>
    public bool Cancel(BridgeJob job)
    {
        Slot? slot;
        lock (_lock)
        {
            if (!TryGet(job, out slot) || slot.State != SlotState.Running)
            {
                return false;
            }

            slot.CancelReason = BridgeStatus.Cancelled;
        }

        slot.Cancellation.Cancel();
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _exitCheck.Dispose();
        foreach (Slot slot in _slots)
        {
            slot.Cancellation.Cancel();
        }
    }

    private async Task RunAsync<TResult>(BridgeJob job, Func<CancellationToken, Task<TResult>> work)
    {
        Slot slot = _slots[job.Slot];
        CancellationToken token = slot.Cancellation.Token;
        BridgeStatus status;
        object? result = null;
        Exception? error = null;
        bool entered = false;
        try
        {
            await _gate.WaitAsync(token).ConfigureAwait(false);
            entered = true;
            result = await work(token).ConfigureAwait(false);
            status = BridgeStatus.Succeeded;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            status = slot.CancelReason ?? BridgeStatus.TimedOut;
        }
#pragma warning disable CA1031 // the work's failure is its outcome, handed to the isolate
        catch (Exception exception)
#pragma warning restore CA1031
        {
            status = BridgeStatus.Faulted;
            error = exception;
        }
        finally
        {
            if (entered)
            {
                _gate.Release();
            }
        }

        Handle requester;
        bool requesterGone;
        lock (_lock)
        {
            slot.Complete(status, result, error);
            requester = slot.Requester;
            requesterGone = slot.RequesterExited;
            if (requesterGone)
            {
                Free(job.Slot, slot);
            }
        }

        if (requesterGone)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        await TellAsync(job, slot, requester, status).ConfigureAwait(false);
    }

    private async Task TellAsync(BridgeJob job, Slot slot, Handle requester, BridgeStatus status)
    {
        // The external inbox may be momentarily full: retry for a bounded time (the outcome is held in its slot,
        // which Capacity bounds), then give up and count it.
        for (int attempt = 0; attempt < 5_000; attempt++)
        {
            SendResult sent = _runtime.Send(requester, new BridgeCompleted(job, status));
            if (sent == SendResult.Ok)
            {
                Interlocked.Increment(ref _completed);
                return;
            }

            if (sent != SendResult.ExternalInboxFull && sent != SendResult.MailboxFull && sent != SendResult.PoolExhausted)
            {
                break;
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        lock (_lock)
        {
            if (TryGet(job, out Slot? current) && ReferenceEquals(current, slot) && slot.State == SlotState.Completed)
            {
                Free(job.Slot, slot);
            }
        }

        Interlocked.Increment(ref _dropped);
    }

    private void CancelJobsOfExitedIsolates()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            Slot slot = _slots[i];
            bool cancel = false;
            lock (_lock)
            {
                if (slot.State == SlotState.Free || slot.RequesterExited || _runtime.IsAlive(slot.Requester))
                {
                    continue;
                }

                slot.RequesterExited = true;
                if (slot.State == SlotState.Completed)
                {
                    // Completed but never taken, and nobody is left to take it.
                    Free(i, slot);
                    Interlocked.Increment(ref _dropped);
                }
                else
                {
                    slot.CancelReason = BridgeStatus.Cancelled;
                    cancel = true;
                }
            }

            if (cancel)
            {
                slot.Cancellation.Cancel();
            }
        }
    }

    private bool TryGet(BridgeJob job, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Slot? slot)
    {
        if ((uint)job.Slot < (uint)_slots.Length && _slots[job.Slot].Generation == job.Generation && !job.IsNone)
        {
            slot = _slots[job.Slot];
            return true;
        }

        slot = null;
        return false;
    }

    // Under _lock.
    private void Free(int index, Slot slot)
    {
        slot.Reset();
        _free[_freeCount++] = index;
    }

    private enum SlotState : byte
    {
        Free,
        Running,
        Completed,
    }

    /// <summary>One job's state; every field is written under the bridge's lock.</summary>
    private sealed class Slot
    {
        public int Generation { get; private set; }

        public SlotState State { get; private set; }

        public Handle Requester { get; private set; }

        public bool RequesterExited { get; set; }

        public BridgeStatus? CancelReason { get; set; }

        public BridgeStatus Status { get; private set; }

        public object? Result { get; private set; }

        public Exception? Error { get; private set; }

        public CancellationTokenSource Cancellation { get; private set; } = new();

        public void Begin(Handle requester)
        {
            Generation = Generation == int.MaxValue ? 1 : Generation + 1;
            State = SlotState.Running;
            Requester = requester;
            RequesterExited = false;
            CancelReason = null;
        }

        public void Complete(BridgeStatus status, object? result, Exception? error)
        {
            State = SlotState.Completed;
            Status = status;
            Result = result;
            Error = error;
        }

        public void Reset()
        {
            State = SlotState.Free;
            Result = null;
            Error = null;
            Requester = Handle.None;

            // A token source that never fired (its timer disarmed) is reused; one that was cancelled is replaced.
            if (!Cancellation.TryReset())
            {
                Cancellation.Dispose();
                Cancellation = new CancellationTokenSource();
            }
        }
    }
}
