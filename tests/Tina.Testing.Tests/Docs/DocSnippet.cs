namespace Tina.Testing.Tests.Docs;

/// <summary>One fenced code block taken from a Markdown page.</summary>
/// <param name="Page">The page's name, for messages.</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Info">The fence's info string (<c>csharp</c>, <c>csharp compile</c>, ...).</param>
/// <param name="Code">The block's text, without the fences.</param>
public sealed record DocSnippet(string Page, int Line, string Info, string Code);
