using System;
using System.Collections.Generic;

namespace Tina.Testing;

/// <summary>
/// A stand-in isolate created by <see cref="IsolateTestKit{TIsolate}.CreateProbe"/>: hand its <see cref="Handle"/> to
/// the isolate under test (in a message), and every message sent to it is kept here, oldest first, to assert on.
/// Calls it receives are recorded too, and answered with <see cref="ReplyWith{T}(in T)"/>'s payload if one was set
/// (otherwise the caller gets <see cref="CallStatus.NoReply"/>).
/// </summary>
public sealed class TestProbe
{
    private readonly List<Message> _messages = new();
    private ProbeAction? _command;

    internal TestProbe(Handle handle) => Handle = handle;

    /// <summary>The probe's handle: give it to the isolate under test.</summary>
    public Handle Handle { get; }

    /// <summary>Messages received and not yet taken.</summary>
    public int Count => _messages.Count;

    /// <summary>The messages received and not yet taken, oldest first.</summary>
    public IReadOnlyList<Message> Messages => _messages;

    internal ProbeAction? AutoReply { get; private set; }

    /// <summary>True from the kit's call command until the call's outcome (a Reply) arrives; kit only.</summary>
    internal bool CallPending { get; set; }

    /// <summary>Answers every call this probe receives from now on with <paramref name="reply"/>.</summary>
    /// <typeparam name="T">The reply payload type.</typeparam>
    /// <param name="reply">The payload, copied.</param>
    public void ReplyWith<T>(in T reply)
        where T : unmanaged
    {
        T copy = reply;
        AutoReply = (ref Context ctx) => ctx.Reply(copy);
    }

    /// <summary>Stops answering calls (callers get <see cref="CallStatus.NoReply"/>).</summary>
    public void StopReplying() => AutoReply = null;

    /// <summary>Takes the oldest message received. Throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public Message Take()
    {
        if (_messages.Count == 0)
        {
            throw new InvalidOperationException($"probe {Handle} received no message");
        }

        Message oldest = _messages[0];
        _messages.RemoveAt(0);
        return oldest;
    }

    /// <summary>
    /// Takes the oldest message and returns its payload as a <typeparamref name="T"/>. Throws
    /// <see cref="InvalidOperationException"/> when there is no message or it carries another type.
    /// </summary>
    public T Expect<T>()
        where T : unmanaged
    {
        Message oldest = Take();
        if (!oldest.Is(out T value))
        {
            throw new InvalidOperationException($"probe {Handle} expected a {typeof(T).Name} but received {oldest}");
        }

        return value;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when any message is waiting.</summary>
    public void ExpectNoMessage()
    {
        if (_messages.Count != 0)
        {
            throw new InvalidOperationException($"probe {Handle} expected no message but holds {_messages.Count}, the oldest {_messages[0]}");
        }
    }

    /// <summary>Forgets every message received.</summary>
    public void Clear() => _messages.Clear();

    internal void Record(in Message message)
    {
        if (message.Kind == MessageKind.Reply)
        {
            CallPending = false;
        }

        _messages.Add(message);
    }

    internal void SetCommand(ProbeAction command) => _command = command;

    internal ProbeAction? TakeCommand()
    {
        ProbeAction? command = _command;
        _command = null;
        return command;
    }

    /// <summary>Takes the oldest reply (a <see cref="MessageKind.Reply"/>), leaving other messages in place.</summary>
    internal bool TryTakeReply(out Message reply)
    {
        for (int i = 0; i < _messages.Count; i++)
        {
            if (_messages[i].Kind == MessageKind.Reply)
            {
                reply = _messages[i];
                _messages.RemoveAt(i);
                return true;
            }
        }

        reply = default;
        return false;
    }
}
