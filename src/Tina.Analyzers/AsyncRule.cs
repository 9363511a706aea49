using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA001 in handler code: an <c>async void</c> lambda or local function (fire and forget: its continuation runs
/// on the thread pool, racing the isolate), an <c>await</c>, or a call returning <c>Task</c>, <c>Task&lt;T&gt;</c>,
/// <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>. A lambda returning a Task is work handed off (the task bridge's
/// job), not handler code (<see cref="HandlerAnalyzer"/>); invoking it on the shard is a call returning a Task.
/// Async methods of the type are reported by <see cref="HandlerAnalyzer"/> once it knows they are reachable.
/// </summary>
internal sealed class AsyncRule
{
    private readonly TaskTypes _tasks;

    public AsyncRule(TaskTypes tasks) => _tasks = tasks;

    public void Check(IOperation operation, Action<Diagnostic> report)
    {
        switch (operation)
        {
            case IAnonymousFunctionOperation { Symbol: { IsAsync: true, ReturnsVoid: true }, Syntax: AnonymousFunctionExpressionSyntax lambda }:
                report(Diagnostic.Create(TinaDescriptors.AsyncInHandler, lambda.AsyncKeyword.GetLocation(), "async void lambda"));
                break;
            case ILocalFunctionOperation { Symbol: { IsAsync: true, ReturnsVoid: true }, Syntax: LocalFunctionStatementSyntax local }:
                report(Diagnostic.Create(TinaDescriptors.AsyncInHandler, AsyncKeyword(local) ?? local.Identifier.GetLocation(), "async void local function '" + local.Identifier.ValueText + "'"));
                break;
            case IAwaitOperation:
                report(Diagnostic.Create(TinaDescriptors.AsyncInHandler, operation.Syntax.GetLocation(), "await"));
                break;
            case IInvocationOperation invocation when _tasks.IsTask(invocation.TargetMethod.ReturnType):
                report(Diagnostic.Create(
                    TinaDescriptors.AsyncInHandler,
                    operation.Syntax.GetLocation(),
                    "'" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "' (returns " + invocation.TargetMethod.ReturnType.Name + ")"));
                break;
        }
    }

    private static Location? AsyncKeyword(LocalFunctionStatementSyntax local)
    {
        foreach (SyntaxToken modifier in local.Modifiers)
        {
            if (modifier.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword))
            {
                return modifier.GetLocation();
            }
        }

        return null;
    }
}
