using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// The value of a <c>TimeSpan</c> expression when it is known at compile time, in ticks (a double, so that
/// <c>TimeSpan.MaxValue</c> and large <c>FromDays</c> need no overflow care): <c>default</c>, <c>new TimeSpan(...)</c>
/// with constant arguments, <c>TimeSpan.Zero</c>, <c>MaxValue</c>, <c>MinValue</c>, <c>Timeout.InfiniteTimeSpan</c>,
/// and <c>TimeSpan.FromTicks/Microseconds/Milliseconds/Seconds/Minutes/Hours/Days</c> of one constant. Anything else
/// (a field, a setting, arithmetic) is unknown, and the rules stay silent on it.
/// </summary>
internal static class TimeoutValue
{
    public const double TicksPerMillisecond = 10_000;
    public const double TicksPerDay = 864_000_000_000;

    /// <summary>The value in ticks, or false when not known at compile time.</summary>
    public static bool TryEvaluate(IOperation operation, out double ticks)
    {
        ticks = 0;
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        if (!IsTimeSpan(operation.Type))
        {
            return false;
        }

        switch (operation)
        {
            case IDefaultValueOperation:
                return true;
            case IFieldReferenceOperation { Field: { IsStatic: true } field }:
                return StaticField(field, out ticks);
            case IObjectCreationOperation creation:
                return Construct(creation, out ticks);
            case IInvocationOperation { TargetMethod: { IsStatic: true } method } invocation when IsTimeSpan(method.ContainingType):
                return Factory(invocation, out ticks);
            default:
                return false;
        }
    }

    private static bool IsTimeSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "TimeSpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool StaticField(IFieldSymbol field, out double ticks)
    {
        ticks = 0;
        string owner = field.ContainingType.ToDisplayString();
        switch (owner + "." + field.Name)
        {
            case "System.Threading.Timeout.InfiniteTimeSpan":
                ticks = -TicksPerMillisecond;
                return true;
            case "System.TimeSpan.Zero":
                return true;
            case "System.TimeSpan.MaxValue":
                ticks = long.MaxValue;
                return true;
            case "System.TimeSpan.MinValue":
                ticks = long.MinValue;
                return true;
            default:
                return false;
        }
    }

    private static bool Construct(IObjectCreationOperation creation, out double ticks)
    {
        ticks = 0;
        var values = new double[creation.Arguments.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!Constant(creation.Arguments[i].Value, out values[i]))
            {
                return false;
            }
        }

        // The TimeSpan constructors: (), (ticks), (h, m, s), (d, h, m, s), (d, h, m, s, ms), (d, h, m, s, ms, µs).
        switch (values.Length)
        {
            case 0:
                return true;
            case 1:
                ticks = values[0];
                return true;
            case 3:
                ticks = ((values[0] * 60 + values[1]) * 60 + values[2]) * 1000 * TicksPerMillisecond;
                return true;
            case >= 4 and <= 6:
                double milliseconds = (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000;
                if (values.Length >= 5)
                {
                    milliseconds += values[4];
                }

                ticks = milliseconds * TicksPerMillisecond + (values.Length == 6 ? values[5] * 10 : 0);
                return true;
            default:
                return false;
        }
    }

    private static bool Factory(IInvocationOperation invocation, out double ticks)
    {
        ticks = 0;
        double unit = invocation.TargetMethod.Name switch
        {
            "FromTicks" => 1,
            "FromMicroseconds" => 10,
            "FromMilliseconds" => TicksPerMillisecond,
            "FromSeconds" => 1000 * TicksPerMillisecond,
            "FromMinutes" => 60_000 * TicksPerMillisecond,
            "FromHours" => 3_600_000 * TicksPerMillisecond,
            "FromDays" => TicksPerDay,
            _ => 0,
        };
        if (unit == 0 || invocation.Arguments.Length == 0)
        {
            return false;
        }

        // The .NET 9 integer overloads take more parts (FromSeconds(seconds, milliseconds = 0, ...)): only the first
        // may be written, the rest must be their defaults.
        for (int i = 1; i < invocation.Arguments.Length; i++)
        {
            if (invocation.Arguments[i].ArgumentKind != ArgumentKind.DefaultValue)
            {
                return false;
            }
        }

        IArgumentOperation first = invocation.Arguments[0];
        if (first.Parameter?.Ordinal != 0 || !Constant(first.Value, out double value))
        {
            return false;
        }

        ticks = value * unit;
        return true;
    }

    private static bool Constant(IOperation operation, out double value)
    {
        value = 0;
        if (!operation.ConstantValue.HasValue || operation.ConstantValue.Value is null || operation.ConstantValue.Value is string or bool or char)
        {
            return false;
        }

        value = System.Convert.ToDouble(operation.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
