using System;
using System.Text.Json;
using Tina;
using Tina.Http.Server;

namespace Ingress;

/// <summary>
/// GET /json: {"message":"Hello, World!"} as application/json, serialised per request with a Utf8JsonWriter over a
/// buffer the isolate owns (created once per handler instance, reset per request: nothing allocated per request).
/// </summary>
public sealed class JsonHandler : IIsolate, IDisposable
{
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(64);
    private readonly Utf8JsonWriter _writer;

    /// <summary>Creates the writer over the handler's buffer.</summary>
    public JsonHandler() => _writer = new Utf8JsonWriter(_buffer);

    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        return HttpHandler.Respond(ref ctx, in request, 200, "application/json"u8, Serialize());
    }

    /// <summary>Writes the body into the handler's buffer; valid until the next call.</summary>
    public ReadOnlySpan<byte> Serialize()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("message"u8, "Hello, World!"u8);
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
