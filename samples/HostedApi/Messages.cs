namespace HostedApi;

/// <summary>Adds one to the count of a key (by its hash) and answers the new count.</summary>
public readonly record struct Increment(long Key);

/// <summary>A key's count after the increment.</summary>
public readonly record struct Count(long Value);

/// <summary>Asks whether a request for a key may pass in the current one-second window.</summary>
public readonly record struct Admit(long Key);

/// <summary>The limiter's verdict and what is left in the window.</summary>
public readonly record struct Verdict(bool Allowed, int Remaining);
