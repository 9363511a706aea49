namespace Tina.Benchmarks;

// Eight 8-byte payload types for HandlerDispatchBenchmarks: the chain tests them in this order.

/// <summary>Dispatch payload 0 (the chain's first test).</summary>
public readonly record struct D0(long Value);

/// <summary>Dispatch payload 1.</summary>
public readonly record struct D1(long Value);

/// <summary>Dispatch payload 2.</summary>
public readonly record struct D2(long Value);

/// <summary>Dispatch payload 3 (the middle case).</summary>
public readonly record struct D3(long Value);

/// <summary>Dispatch payload 4.</summary>
public readonly record struct D4(long Value);

/// <summary>Dispatch payload 5.</summary>
public readonly record struct D5(long Value);

/// <summary>Dispatch payload 6.</summary>
public readonly record struct D6(long Value);

/// <summary>Dispatch payload 7 (the chain's last test).</summary>
public readonly record struct D7(long Value);
