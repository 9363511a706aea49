using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tina.Hosting;

/// <summary>Adds Tina's shard health to the health-check builder.</summary>
public static class TinaHealthChecksBuilderExtensions
{
    /// <summary>Adds <see cref="TinaHealthCheck"/> (needs <c>AddTina</c> on the same service collection).</summary>
    /// <param name="builder">The health-check builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name. Default <c>tina</c>.</param>
    /// <param name="tags">Tags for filtering, for example <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddTinaShards(this IHealthChecksBuilder builder, string name = "tina", IEnumerable<string>? tags = null)
    {
        return builder.AddCheck<TinaHealthCheck>(name, failureStatus: null, tags: tags ?? []);
    }
}
