using System;
using System.Collections.Generic;

namespace Tina.Hosting;

/// <summary>
/// Builds the boot spec from its two sources: the <c>Tina</c> configuration section (<see cref="TinaOptions"/>),
/// then the code passed to <c>AddTina</c>, so a value set in code wins over configuration.
/// </summary>
internal sealed class TinaSpecComposer
{
    private readonly Action<TinaSpec, IServiceProvider> _configure;
    private IServiceProvider? _services;

    public TinaSpecComposer(Action<TinaSpec, IServiceProvider> configure) => _configure = configure;

    /// <summary>The container the code's configuration reads services from; set once the container is built.</summary>
    public IServiceProvider Services
    {
        get => _services ?? throw new InvalidOperationException("The service provider is not built yet.");
        set => _services ??= value;
    }

    /// <summary>The spec with every configured field, then the code, applied. Not validated.</summary>
    public TinaSpec Compose(TinaOptions options, string? onlyField = null)
    {
        var spec = new TinaSpec();
        options.ApplyTo(spec, onlyField);
        _configure(spec, Services);
        return spec;
    }

    /// <summary>
    /// Every invalid field, each as one line "field = value: allowed". Core's validation stops at the first bad field,
    /// so each configured field is first checked on its own (over the code's spec, where code wins) and then the whole
    /// spec is checked for what only shows in combination (a core map against the shard count, products of sizes).
    /// Runs at host start only.
    /// </summary>
    public List<string> Failures(TinaOptions options)
    {
        var failures = new List<string>();
        var fields = new List<string>();
        if (options.LogForwardCapacity < 16 || options.LogForwardCapacity > (1 << 20)
            || (options.LogForwardCapacity & (options.LogForwardCapacity - 1)) != 0)
        {
            Add($"{TinaOptions.SectionName}:{nameof(TinaOptions.LogForwardCapacity)}",
                $"{TinaOptions.SectionName}:{nameof(TinaOptions.LogForwardCapacity)} = {options.LogForwardCapacity}: must be a power of two, 16..1048576");
        }

        foreach (string field in options.SetFields())
        {
            TinaConfigurationException? error = Check(options, field);
            if (error is not null && error.Field.StartsWith(field, StringComparison.Ordinal))
            {
                Add(error.Field, Describe(error));
            }
        }

        TinaConfigurationException? whole = Check(options, null);
        if (whole is not null)
        {
            Add(whole.Field, Describe(whole));
        }

        return failures;

        void Add(string field, string line)
        {
            if (!fields.Contains(field))
            {
                fields.Add(field);
                failures.Add(line);
            }
        }
    }

    private static string Describe(TinaConfigurationException error) =>
        $"{TinaOptions.SectionName}:{error.Field} = {error.Value}: {error.Allowed}";

    private TinaConfigurationException? Check(TinaOptions options, string? onlyField)
    {
        try
        {
            Compose(options, onlyField).Validate();
            return null;
        }
        catch (TinaConfigurationException error)
        {
            return error;
        }
    }
}
