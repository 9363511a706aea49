using System;
using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>The handler-code rules, resolved once per compilation and run on every operation of handler code.</summary>
internal sealed class HandlerRules
{
    private readonly AsyncRule _async;
    private readonly BlockingRule _blocking;
    private readonly EscapeRule _escape;
    private readonly AllocationRule _allocation;

    public HandlerRules(Compilation compilation, TinaSymbols symbols)
    {
        Tasks = new TaskTypes(compilation);
        _async = new AsyncRule(Tasks);
        _blocking = new BlockingRule(new BlockingApis(compilation));
        _escape = new EscapeRule(symbols);
        _allocation = new AllocationRule(compilation);
    }

    /// <summary>Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt; of this compilation.</summary>
    public TaskTypes Tasks { get; }

    /// <summary>Runs every rule on one operation; findings go to <paramref name="report"/>.</summary>
    public void Check(IOperation operation, Action<Diagnostic> report)
    {
        _async.Check(operation, report);
        _blocking.Check(operation, report);
        _escape.Check(operation, report);
        _allocation.Check(operation, report);
    }
}
