namespace Tina.Http.Server;

/// <summary>Where a connection is in its current request (see design/http.md, "Connection states").</summary>
internal enum HttpConnectionPhase
{
    /// <summary>Between requests on a kept-alive connection: the keep-alive idle timeout runs.</summary>
    Idle,

    /// <summary>Reading a request head (the first request counts from accept): the header timeout runs.</summary>
    Head,

    /// <summary>Reading a body: the minimum data rate applies after its grace.</summary>
    Body,

    /// <summary>A handler isolate has the request (Call outstanding); parsing waits, received bytes wait in the stash.</summary>
    Calling,
}
