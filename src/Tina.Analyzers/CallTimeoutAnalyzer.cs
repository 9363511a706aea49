using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA004, in all code: a call or a connect whose timeout is known at compile time (<see cref="TimeoutValue"/>) and
/// is not finite.
/// <list type="bullet">
/// <item>A call: a method named <c>Call</c> or <c>CallAsync</c> from Tina's assemblies with a <c>TimeSpan timeout</c>
/// parameter (<c>Context.Call</c>, <c>TinaRuntime.CallAsync</c>, <c>TinaClient.CallAsync</c>), whose timeout is zero,
/// negative (<c>Timeout.InfiniteTimeSpan</c> included) or longer than a day: all of them refuse it at run time.</item>
/// <item>A connect: <c>Tina.Io.IoContextExtensions.Connect</c> with no timeout, a zero one (the IoOptions default,
/// which for a connect is none) or <c>Timeout.InfiniteTimeSpan</c>: the isolate then waits as long as the kernel
/// retries.</item>
/// </list>
/// A timeout that is not known at compile time (a setting, a field) is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class CallTimeoutAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: how the code fix supplies a timeout (<see cref="Replace"/> or <see cref="Add"/>).</summary>
    internal const string FixKey = "TimeoutFix";

    /// <summary>The diagnostic is on the timeout argument: replace it.</summary>
    internal const string Replace = "Replace";

    /// <summary>The diagnostic is on the method name and the timeout was left out: add one.</summary>
    internal const string Add = "Add";

    /// <summary>The timeout's parameter name, for the code fix's named argument.</summary>
    internal const string ParameterName = "timeout";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(TinaDescriptors.CallWithoutTimeout);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TinaSymbols.TryCreate(start.Compilation) is null)
            {
                return;
            }

            INamedTypeSymbol? io = start.Compilation.GetTypeByMetadataName("Tina.Io.IoContextExtensions");
            start.RegisterOperationAction(operationContext => Analyze(operationContext, io), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol? io)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        bool isConnect = io is not null && method.Name == "Connect" && SymbolEqualityComparer.Default.Equals(method.ContainingType, io);
        bool isCall = !isConnect && method.Name is "Call" or "CallAsync" && TinaSymbols.IsTinaAssembly(method.ContainingAssembly);
        if (!isCall && !isConnect)
        {
            return;
        }

        IArgumentOperation? timeout = null;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is { Name: ParameterName } parameter && parameter.Type.Name == "TimeSpan")
            {
                timeout = argument;
            }
        }

        if (timeout is null)
        {
            return;
        }

        string what = method.ContainingType.Name + "." + method.Name;
        if (timeout.ArgumentKind == ArgumentKind.DefaultValue)
        {
            if (isConnect)
            {
                Report(context, Add, SyntaxLocations.NameOf(invocation.Syntax)?.GetLocation() ?? invocation.Syntax.GetLocation(), what, "no timeout argument", ConnectWait);
            }

            return;
        }

        if (!TimeoutValue.TryEvaluate(timeout.Value, out double ticks))
        {
            return;
        }

        string? problem = isCall ? CallProblem(ticks) : ConnectProblem(ticks);
        if (problem is not null)
        {
            Report(context, Replace, timeout.Value.Syntax.GetLocation(), what, timeout.Value.Syntax.ToString(), problem);
        }
    }

    private const string ConnectWait = "the isolate waits for the connect as long as the kernel retries; give it a deadline";

    private static string? CallProblem(double ticks) =>
        ticks <= 0 || ticks > TimeoutValue.TicksPerDay
            ? "a call refuses it with ArgumentOutOfRangeException; give it a timeout of more than zero and at most a day"
            : null;

    private static string? ConnectProblem(double ticks)
    {
        if (ticks == 0 || ticks == -TimeoutValue.TicksPerMillisecond)
        {
            return ConnectWait;
        }

        return ticks < 0 || ticks > TimeoutValue.TicksPerDay ? "Connect refuses it with ArgumentOutOfRangeException; give it a timeout of at most a day" : null;
    }

    private static void Report(OperationAnalysisContext context, string fix, Location location, string what, string given, string problem)
    {
        var properties = ImmutableDictionary.CreateRange(new[] { new KeyValuePair<string, string?>(FixKey, fix) });
        context.ReportDiagnostic(Diagnostic.Create(TinaDescriptors.CallWithoutTimeout, location, properties, what, given, problem));
    }
}
