namespace Tina.Messaging;

/// <summary>Fills an envelope in place once the send path has found room for it (a pool slot or a ring slot).</summary>
internal interface IEnvelopeWriter
{
    void Write(ref Message envelope);
}
