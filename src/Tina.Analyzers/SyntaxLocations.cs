using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tina.Analyzers;

/// <summary>Where to put a diagnostic about a member access or a call: its name, or one of its type arguments.</summary>
internal static class SyntaxLocations
{
    /// <summary>The simple name a call or member access ends in (<c>Send</c> in <c>ctx.Send(...)</c>), or null.</summary>
    public static SimpleNameSyntax? NameOf(SyntaxNode syntax) => syntax switch
    {
        InvocationExpressionSyntax invocation => NameOf(invocation.Expression),
        MemberAccessExpressionSyntax access => access.Name,
        MemberBindingExpressionSyntax binding => binding.Name,
        SimpleNameSyntax name => name,
        _ => null,
    };

    /// <summary>The simple name of the type a member access starts from (<c>MessageType&lt;T&gt;</c> in <c>MessageType&lt;T&gt;.Id</c>).</summary>
    public static SimpleNameSyntax? ReceiverNameOf(SyntaxNode syntax) => syntax switch
    {
        InvocationExpressionSyntax invocation => ReceiverNameOf(invocation.Expression),
        MemberAccessExpressionSyntax access => NameOf(access.Expression),
        _ => null,
    };

    /// <summary>Type argument <paramref name="index"/> of <paramref name="name"/> when written, else the name itself.</summary>
    public static Location TypeArgumentOrName(SimpleNameSyntax? name, int index, SyntaxNode fallback)
    {
        if (name is GenericNameSyntax generic && index < generic.TypeArgumentList.Arguments.Count)
        {
            return generic.TypeArgumentList.Arguments[index].GetLocation();
        }

        return name is not null ? name.Identifier.GetLocation() : fallback.GetLocation();
    }
}
