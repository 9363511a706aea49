#pragma warning disable CA1050 // in the global namespace on purpose: its type tag has no namespace part

/// <summary>A payload type in the global namespace (TypeTagTests).</summary>
public readonly record struct GlobalPayload(int Value);
