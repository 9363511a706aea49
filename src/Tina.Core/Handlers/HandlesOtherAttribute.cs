using System;

namespace Tina;

/// <summary>
/// Marks the catch-all handler of a <see cref="TinaHandlersAttribute"/> isolate,
/// <c>Effect Name(ref Context ctx, in Message message)</c>: it gets every message no <see cref="HandlesAttribute"/>
/// method took. Without one, such a message is dropped (a call is answered NoReply).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class HandlesOtherAttribute : Attribute
{
}
