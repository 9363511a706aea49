namespace Tina.Http.Server;

/// <summary>
/// A message (not a call) a connection sends its streaming handler when the request ends early with no call out: the
/// client aborted or the connection failed mid-body. The handler drops what it keeps for (Slot, Generation); a call
/// that was out when it happened fails or its reply is dropped, so the handler owes no reply for it.
/// </summary>
public readonly record struct HttpStreamAbort(int Server, int Slot, uint Generation);
