using System;
using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Every call ends exactly once, and is never lost in between. The observer opens a call at its Call effect and
/// closes it at the outcome's dispatch (a reply, a failure status or a timeout; a second outcome is a
/// <c>CallResolution</c> violation) or at the caller's exit. Between rounds, for every slot: a caller with an open
/// call is either waiting for its reply (state WaitingForReply) or holds its outcome ready to be dispatched (a Reply in
/// its reply slot); an isolate that waits, or holds a call outcome, has a call open. So a reply that is taken and then
/// dropped, a wait ended without an outcome (a cancellation or teardown path that forgets the caller), or an outcome
/// invented for no call is caught at the next check, not only when the call's time bound runs out.
/// </summary>
internal sealed class CallOutcomeChecker : ISimulationChecker
{
    public string Name => "CallOutcome";

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        SlotMap map = simulator.Slots;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    ref IsolateMeta meta = ref table.Meta[slot];
                    bool open = simulator.IsCallOpen(map.IndexOf(s, type, slot), out Handle caller);
                    if (meta.State == IsolateState.Free)
                    {
                        if (open)
                        {
                            violation = Format($"{caller} has a call open but its slot is free");
                            return false;
                        }

                        continue;
                    }

                    bool waiting = meta.State == IsolateState.WaitingForReply;
                    bool outcomeReady = (meta.Flags & IsolateFlags.ReplyReady) != 0 && table.ReplySlots[slot].KindValue == MessageKind.Reply;
                    Handle self = table.HandleOf(s, slot);
                    if (open && caller != self)
                    {
                        violation = Format($"a call opened by {caller} is still open in the slot of {self}");
                        return false;
                    }

                    if (open && !waiting && !outcomeReady)
                    {
                        violation = Format($"call by {self} is open but it neither waits nor holds an outcome (state {meta.State}, flags {meta.Flags}): the call was lost");
                        return false;
                    }

                    if (!open && (waiting || outcomeReady))
                    {
                        violation = Format($"{self} {(waiting ? "waits for a reply" : "holds a call outcome")} with no call open");
                        return false;
                    }

                    if (final && open)
                    {
                        violation = Format($"call by {self} still open at quiescence");
                        return false;
                    }
                }
            }
        }

        violation = null;
        return true;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
