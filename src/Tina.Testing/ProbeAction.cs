namespace Tina.Testing;

/// <summary>Something the test kit asks a probe to do inside its own invocation (make a call, reply).</summary>
internal delegate Effect ProbeAction(ref Context ctx);
