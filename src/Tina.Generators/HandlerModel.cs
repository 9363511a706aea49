namespace Tina.Generators;

/// <summary>
/// One handler method as the emitter needs it.
/// <see cref="PayloadType"/> is null for a kind-only handler (its parameter is the Message); <see cref="Kind"/> is
/// null for a handler of every kind.
/// </summary>
/// <param name="MethodName">The method's name.</param>
/// <param name="IsStatic">Static methods are called without <c>this</c> (same syntax either way).</param>
/// <param name="Kind">The MessageKind member name, or null.</param>
/// <param name="PayloadType">The payload type, fully qualified (global::...), or null.</param>
/// <param name="TypeTag">The payload's type tag computed at compile time, or null when only the runtime knows it (a generic type).</param>
/// <param name="TakesMessage">A typed handler with a third <c>in Message</c> parameter.</param>
internal sealed record HandlerModel(string MethodName, bool IsStatic, string? Kind, string? PayloadType, uint? TypeTag, bool TakesMessage);
