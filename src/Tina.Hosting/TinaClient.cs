using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tina.Hosting;

/// <summary>
/// The injectable way for code outside the runtime (an ASP.NET Core endpoint, a BackgroundService) to reach isolates:
/// <see cref="CallAsync{TRequest}"/> waits for a reply (bounded by <see cref="TinaSpec.OutsideCallCapacity"/>, pooled,
/// no allocation per call), <see cref="Send{T}"/> is one-way. Both return results, never throw for a full runtime.
/// </summary>
public sealed class TinaClient
{
    private readonly TinaRuntime _runtime;

    /// <summary>Creates the client over <paramref name="runtime"/>.</summary>
    public TinaClient(TinaRuntime runtime) => _runtime = runtime;

    /// <summary>See <see cref="TinaRuntime.CallAsync{TRequest}"/>.</summary>
    public ValueTask<CallAnswer> CallAsync<TRequest>(Handle target, in TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TRequest : unmanaged =>
        _runtime.CallAsync(target, in request, timeout, cancellationToken);

    /// <summary>See <see cref="TinaRuntime.Send{T}"/>.</summary>
    public SendResult Send<T>(Handle target, in T message)
        where T : unmanaged =>
        _runtime.Send(target, in message);
}
