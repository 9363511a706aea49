using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Makes <see cref="CallerStart.Calls"/> calls, one at a time, to responders picked at random (its own xorshift,
/// seeded from the start message), each preceded by a one-way <see cref="Note"/>; tallies every outcome by status and
/// checks every Ok reply answers the question asked. A call that fails with StaleHandle means that responder died:
/// the caller spawns a replacement on the same shard (remote spawn), which checks in with its handle. Stays alive
/// when finished so checkers can read its tally.
/// </summary>
internal sealed class MeshCaller : IIsolate
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(20);

    private readonly ulong[] _responders = new ulong[8];
    private readonly bool[] _replacing = new bool[8];   // a replacement was requested and has not checked in
    private int _responderCount;
    private int _target;                                // index of the current call's responder
    private ulong _random;
    private int _sequence;

    /// <summary>[CallStatus] outcomes seen.</summary>
    public long[] Tally { get; } = new long[16];

    public int Calls { get; private set; }

    public int Completed { get; private set; }

    public int WrongAnswers { get; private set; }

    public bool Finished => Calls > 0 && Completed == Calls;

    public int Replacements { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out CallerStart start))
        {
            _random = start.Seed | 1;
            Calls = start.Calls;
            _responderCount = start.ResponderCount;
            ReadOnlySpan<ulong> handles = [start.R0, start.R1, start.R2, start.R3, start.R4, start.R5, start.R6, start.R7];
            handles[.._responderCount].CopyTo(_responders);
            return Next(ref ctx);
        }

        if (message.Is(out CheckIn checkIn) && (uint)checkIn.Index < (uint)_responderCount)
        {
            _responders[checkIn.Index] = message.Source.Value;
            _replacing[checkIn.Index] = false;
            return Effect.Receive;
        }

        if (message.Kind != MessageKind.Reply)
        {
            return Effect.Receive;
        }

        Tally[(int)message.Status]++;
        if (message.Status == CallStatus.StaleHandle && !_replacing[_target]
            && ctx.SpawnOn<MeshResponder, ResponderStart>(new Handle(_responders[_target]).Shard, new ResponderStart(_target)) == SendResult.Ok)
        {
            _replacing[_target] = true;
            Replacements++;
        }

        if (message.Status == CallStatus.Ok && (!message.Is(out Answer answer) || answer.Sequence != _sequence))
        {
            WrongAnswers++;
        }

        Completed++;
        return Completed < Calls ? Next(ref ctx) : Effect.Receive;
    }

    private Effect Next(ref Context ctx)
    {
        _sequence++;
        ctx.Send(new Handle(_responders[Draw(_responderCount)]), new Note(_sequence));
        _target = (int)Draw(_responderCount);
        var target = new Handle(_responders[_target]);
        uint roll = Draw(100);
        Ask ask = roll switch
        {
            < 60 => new Ask(_sequence, AskMode.Reply, 0),
            < 68 => new Ask(_sequence, AskMode.Fail, 0),
            < 76 => new Ask(_sequence, AskMode.Ignore, 0),
            < 90 => new Ask(_sequence, AskMode.Defer, 1 + (int)Draw(30)),
            < 99 => new Ask(_sequence, AskMode.DeferFail, 1 + (int)Draw(10)),
            _ => new Ask(_sequence, AskMode.Crash, 0),
        };
        return ctx.Call(target, ask, CallTimeout);
    }

    private uint Draw(int bound) => (uint)(XorShift64.Next(ref _random) % (ulong)bound);
}
