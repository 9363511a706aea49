namespace Tina.Generators;

/// <summary>Everything the emitter writes for one [TinaHandlers] type, and the diagnostics found on the way.</summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Namespace">The containing namespace, or empty for the global one.</param>
/// <param name="Declarations">The type and its containing types, outermost first, as <c>partial struct Name&lt;T&gt;</c>.</param>
/// <param name="Handlers">Typed and kind-only handlers, in declaration order.</param>
/// <param name="Other">The [HandlesOther] method, or null.</param>
/// <param name="CanGenerate">False when an error makes the generated code wrong or uncompilable: nothing is emitted.</param>
/// <param name="Diagnostics">What to report.</param>
internal sealed record IsolateModel(
    string HintName,
    string Namespace,
    EquatableArray<StringValue> Declarations,
    EquatableArray<HandlerModel> Handlers,
    string? Other,
    bool CanGenerate,
    EquatableArray<DiagnosticInfo> Diagnostics);
