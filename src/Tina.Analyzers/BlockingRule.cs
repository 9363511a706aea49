using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>TINA002 in handler code: a call, property read or construction from <see cref="BlockingApis"/>, or a <c>lock</c>.</summary>
internal sealed class BlockingRule
{
    private readonly BlockingApis _apis;

    public BlockingRule(BlockingApis apis) => _apis = apis;

    public void Check(IOperation operation, Action<Diagnostic> report)
    {
        string instead;
        switch (operation)
        {
            case IInvocationOperation invocation when _apis.IsBlocking(invocation.TargetMethod, out instead):
                Report(report, operation, invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name, instead);
                break;
            case IPropertyReferenceOperation property when _apis.IsBlocking(property.Property, out instead):
                Report(report, operation, property.Property.ContainingType.Name + "." + property.Property.Name, instead);
                break;
            case IObjectCreationOperation { Constructor: { } constructor } when _apis.IsBlocking(constructor, out instead):
                Report(report, operation, "new " + constructor.ContainingType.Name, instead);
                break;
            case ILockOperation { Syntax: LockStatementSyntax statement }:
                report(Diagnostic.Create(TinaDescriptors.BlockingInHandler, statement.LockKeyword.GetLocation(), "lock", BlockingApis.InsteadOfLock));
                break;
        }
    }

    private static void Report(Action<Diagnostic> report, IOperation operation, string what, string instead) =>
        report(Diagnostic.Create(TinaDescriptors.BlockingInHandler, operation.Syntax.GetLocation(), what, instead));
}
