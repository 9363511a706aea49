using System;
using System.Diagnostics.CodeAnalysis;
using Tina.Messaging;

namespace Tina;

/// <summary>Keeps exception construction out of hot methods.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowWrongPayloadType(Type wanted, uint actual) =>
        throw new InvalidOperationException(
            $"The message payload is {MessageTypeRegistry.NameOf(actual)}, not {wanted.Name}.");

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowNotOnShardThread() =>
        throw new InvalidOperationException("A Context may only be used inside the handler invocation it was given to.");
}
