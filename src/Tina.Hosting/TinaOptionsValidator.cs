using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Tina.Hosting;

/// <summary>
/// Validates the composed boot spec when the host starts (registered with <c>ValidateOnStart</c>): an invalid
/// configuration stops the host before any shard thread exists, with one message naming every bad field, its value and
/// the allowed range.
/// </summary>
internal sealed class TinaOptionsValidator : IValidateOptions<TinaOptions>
{
    private readonly TinaSpecComposer _composer;

    public TinaOptionsValidator(TinaSpecComposer composer, System.IServiceProvider services)
    {
        _composer = composer;
        _composer.Services = services;
    }

    public ValidateOptionsResult Validate(string? name, TinaOptions options)
    {
        List<string> failures = _composer.Failures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
