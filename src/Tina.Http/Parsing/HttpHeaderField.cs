namespace Tina.Http.Parsing;

/// <summary>Where one header field's name and trimmed value sit in the parser's head buffer.</summary>
internal readonly record struct HttpHeaderField(int NameStart, int NameLength, int ValueStart, int ValueLength);
