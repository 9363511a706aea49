namespace Tina;

/// <summary>What a supervisor restarts when one child must be restarted (Erlang/OTP semantics).</summary>
public enum SupervisionStrategy : byte
{
    /// <summary>Restart only the child that exited.</summary>
    OneForOne = 0,
    /// <summary>Tear down every other child (in reverse start order), then restart all in start order.</summary>
    OneForAll = 1,
    /// <summary>Tear down the children started after it (in reverse), then restart it and them in start order.</summary>
    RestForOne = 2,
}
