namespace Tina;

/// <summary>
/// How a call from outside the runtime (<see cref="TinaRuntime.CallAsync{TRequest}"/>) ended: the status, and for
/// <see cref="CallStatus.Ok"/> a copy of the reply envelope.
/// </summary>
public readonly struct CallAnswer
{
    internal CallAnswer(CallStatus status, in Message reply)
    {
        Status = status;
        Reply = reply;
    }

    /// <summary>How the call ended.</summary>
    public CallStatus Status { get; }

    /// <summary>True when the callee replied.</summary>
    public bool IsOk => Status == CallStatus.Ok;

    /// <summary>The reply envelope (a copy, owned by the caller); default unless <see cref="IsOk"/>.</summary>
    public Message Reply { get; }

    /// <summary>The reply's payload when the callee replied with a <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(out T value)
        where T : unmanaged
    {
        if (Status == CallStatus.Ok)
        {
            return Reply.Is(out value);
        }

        value = default;
        return false;
    }
}
