namespace System.Runtime.CompilerServices;

/// <summary>Lets records and init accessors compile for netstandard2.0 (the type ships in .NET 5 and later).</summary>
internal static class IsExternalInit
{
}
