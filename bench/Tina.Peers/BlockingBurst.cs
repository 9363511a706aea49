using System;
using System.Threading;

namespace Tina.Peers;

/// <summary>
/// A sender whose send may block (a bounded mailbox's push): sends the burst on its own thread and reports how many
/// sends returned before it stopped returning (<see cref="BlockedWindow"/> without progress), or that all did.
/// </summary>
internal static class BlockingBurst
{
    /// <summary>How long a send may go without returning before the sender is reported blocked.</summary>
    public static readonly TimeSpan BlockedWindow = TimeSpan.FromSeconds(3);

    public static string Run(Action send, string verb, string blockedNote)
    {
        long returned = 0;
        var sender = new Thread(() =>
        {
            for (int i = 0; i < BurstState.Messages && !BurstState.Release.IsSet; i++)
            {
                send();
                Interlocked.Increment(ref returned);
            }
        })
        { IsBackground = true };
        sender.Start();
        long seen = -1;
        while (Interlocked.Read(ref returned) != seen && Interlocked.Read(ref returned) < BurstState.Messages)
        {
            seen = Interlocked.Read(ref returned);
            Thread.Sleep(BlockedWindow);
        }

        long accepted = Interlocked.Read(ref returned);
        BurstState.Release.Set();
        sender.Join(TimeSpan.FromSeconds(15));
        return accepted >= BurstState.Messages
            ? $"{verb}_returned_for_all_{BurstState.Messages}_(no_signal)"
            : $"{verb}_returned_for_{accepted},_then_blocked_the_sending_thread_({blockedNote})";
    }
}
