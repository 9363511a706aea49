namespace Tina.Http.Server.Proxy;

/// <summary>What an <see cref="HttpProxyMessage"/> says.</summary>
internal enum HttpProxyMessageKind
{
    /// <summary>Connection → exchange: the upstream request head is in the request area (Length bytes); Flags: last (no body), client HEAD.</summary>
    Head = 1,

    /// <summary>Connection → exchange: a framed request body piece is in the request area; Flags: last.</summary>
    Body = 2,

    /// <summary>Exchange → connection: the request area's bytes are sent upstream; the area is the connection's again.</summary>
    RequestAck = 3,

    /// <summary>Exchange → connection: response bytes are in the response area (HeadLength head field bytes, then Length framed body bytes); Flags: head, complete, close client.</summary>
    Data = 4,

    /// <summary>Connection → exchange: the response area's bytes are taken (and, except for the last, sent to the client).</summary>
    DataAck = 5,

    /// <summary>Exchange → connection: the exchange failed; Status is the answer (502, 504) when no head has gone to the client yet.</summary>
    Fail = 6,

    /// <summary>Connection → exchange: the client connection is gone mid-exchange; the upstream connection is dropped.</summary>
    Abort = 7,
}

/// <summary>
/// The messages between a client connection and the upstream exchange it leased (same shard, 20 bytes). Bytes never
/// travel in messages: they lie in the exchange's request and response areas, and the protocol is turn-based, so
/// each area has one writer at a time (see <see cref="HttpProxyExchange"/>).
/// </summary>
internal readonly record struct HttpProxyMessage(HttpProxyMessageKind Kind, int Length, int HeadLength, int Status, int Flags)
{
    public const int FlagLast = 1;
    public const int FlagClientHead = 2;
    public const int FlagClient10 = 4;
    public const int FlagHead = 8;
    public const int FlagComplete = 16;
    public const int FlagCloseClient = 32;
}
