using System;

namespace Tina.Hosting;

/// <summary>A bridged job's outcome, taken once by its isolate.</summary>
/// <typeparam name="TResult">The task's result type.</typeparam>
/// <param name="Status">How it ended.</param>
/// <param name="Value">The result when <see cref="BridgeStatus.Succeeded"/>; default otherwise.</param>
/// <param name="Error">The exception when <see cref="BridgeStatus.Faulted"/>; null otherwise.</param>
public readonly record struct BridgeOutcome<TResult>(BridgeStatus Status, TResult? Value, Exception? Error);
